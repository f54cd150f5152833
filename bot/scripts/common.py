"""What the operations CLIs share: the same settings and state as the running bot."""

from __future__ import annotations

import json
import sys

from bot.community.registry import load_registry
from bot.config import load_config
from bot.state import State, connect


def open_state() -> State:
    """The community's state on the Redis in REDIS_URL (the bot's embedded store is not reachable)."""
    config = load_config()
    if not config.redis_url:
        sys.exit(
            "REDIS_URL is not set. The operations commands read the bot's Redis; `make run` without "
            "REDIS_URL keeps everything inside the bot's own process (use the playground there)."
        )
    community = config.community_id or load_registry(config.community_file).community_id
    state = State(connect(config.redis_url), community)
    if not state.ping():
        sys.exit(f"Redis at {config.redis_url} does not answer.")
    return state


def print_json(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))
