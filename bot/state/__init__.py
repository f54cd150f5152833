"""Every Redis read and write of the bot lives in this package.

`State` is one community's view of Redis, composed of focused parts (messages, people, reports,
outbox, tokens); the key scheme is in `keys.py`. The connection is passed in; nothing here reads
configuration or the environment.
"""

from __future__ import annotations

import redis

from bot.state.accounts import AccountsMixin
from bot.state.messages import MessageSlot, MessagesMixin, reply_from_json, reply_to_json
from bot.state.outbox import OutboxMixin
from bot.state.people import PeopleMixin
from bot.state.reports import ReportsMixin
from bot.state.tokens import TokensMixin
from bot.state.window import PushWindowMixin

__all__ = ["MessageSlot", "State", "connect", "connect_embedded", "reply_from_json", "reply_to_json"]


def connect(url: str) -> redis.Redis:
    """A real Redis client for `url`, answering str (not bytes)."""
    return redis.Redis.from_url(
        url, decode_responses=True, socket_timeout=2.0, socket_connect_timeout=2.0, health_check_interval=30
    )


def connect_embedded() -> redis.Redis:
    """An in-process store for `make run`'s zero-setup default (never for tests or production)."""
    import fakeredis

    return fakeredis.FakeRedis(decode_responses=True)


class State(
    MessagesMixin, PeopleMixin, ReportsMixin, OutboxMixin, PushWindowMixin, TokensMixin, AccountsMixin
):
    """Redis state of one community."""

    def __init__(self, conn: redis.Redis, community_id: str):
        self.conn = conn
        self.community = community_id
        self._scripts: dict[str, object] = {}

    def _script(self, source: str):
        """A Lua script, sent once and run by its SHA afterwards (redis-py reloads it if needed)."""
        if source not in self._scripts:
            self._scripts[source] = self.conn.register_script(source)
        return self._scripts[source]

    def _key(self, template: str, **parts: str) -> str:
        return template.format(c=self.community, **parts)

    def ping(self) -> bool:
        try:
            return bool(self.conn.ping())
        except redis.RedisError:
            return False
