"""Settings, read from the environment once in create_app (never at import time).

With no WeChat settings the bot runs in local mode: it makes up a token and an EncodingAESKey,
prints them, and the playground uses them, so a newcomer needs nothing to try it.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOCAL_APP_ID = "wxlocalplayground"


@dataclass(frozen=True)
class Config:
    wechat_token: str = ""
    wechat_app_id: str = ""
    wechat_aes_key: str = ""
    wechat_aes_key_previous: str = ""
    wechat_app_secret: str = ""  # for customer-service messages (pushes after the 5 s reply)
    wechat_api_base: str = "https://api.weixin.qq.com"
    wecom_corp_id: str = ""
    wecom_agent_id: str = ""
    wecom_secret: str = ""
    wecom_token: str = ""
    wecom_aes_key: str = ""
    wecom_api_base: str = "https://qyapi.weixin.qq.com"
    wecom_bot_token: str = ""  # the group bot (智能机器人) has its own Token and EncodingAESKey
    wecom_bot_aes_key: str = ""
    redis_url: str = ""
    patterns_file: str = str(ROOT / "scam_patterns.yaml")
    knowledge_dir: str = str(ROOT / "knowledge")
    community_file: str = str(ROOT / "community.example.yaml")
    rules_file: str = str(ROOT / "report_rules.yaml")
    secret_key: str = ""  # signs dashboard sessions; empty: one is made and shared through Redis
    proxy_hops: int = 0  # reverse proxies in front (X-Forwarded-For/-Proto trusted this many hops)
    retention_days: int = 180  # report personal details are removed after this many days
    journal_dir: str = str(ROOT / "var" / "journal")  # reports held while Redis is down (fsync'd)
    community_id: str = ""  # empty: the id in the community registry
    port: int = 5000
    # WeChat signs each request with a timestamp; older (or later) than this is a replay.
    max_timestamp_skew: int = 300
    # How long a message id is remembered, so WeChat's retries (3 tries, ~15 s) get one answer.
    dedupe_ttl: int = 600
    # How long a retry waits for the first attempt's reply; below WeChat's 5 s limit.
    retry_wait: float = 3.0
    max_body_bytes: int = 64 * 1024
    local_mode: bool = False
    playground: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def aes_enabled(self) -> bool:
        return bool(self.wechat_aes_key)

    @property
    def journal_file(self) -> Path:
        """This community's journal of reports held while Redis is down (see bot/journal.py)."""
        return Path(self.journal_dir) / f"held-{self.community_id}.jsonl"


ENV_NAMES = {
    "wechat_token": "WECHAT_TOKEN",
    "wechat_app_id": "WECHAT_APP_ID",
    "wechat_aes_key": "WECHAT_AES_KEY",
    "wechat_aes_key_previous": "WECHAT_AES_KEY_PREVIOUS",
    "wechat_app_secret": "WECHAT_APP_SECRET",
    "wechat_api_base": "WECHAT_API_BASE",
    "wecom_corp_id": "WECOM_CORP_ID",
    "wecom_agent_id": "WECOM_AGENT_ID",
    "wecom_secret": "WECOM_SECRET",
    "wecom_token": "WECOM_TOKEN",
    "wecom_aes_key": "WECOM_AES_KEY",
    "wecom_api_base": "WECOM_API_BASE",
    "wecom_bot_token": "WECOM_BOT_TOKEN",
    "wecom_bot_aes_key": "WECOM_BOT_AES_KEY",
    "redis_url": "REDIS_URL",
    "patterns_file": "PATTERNS_FILE",
    "knowledge_dir": "KNOWLEDGE_DIR",
    "community_file": "COMMUNITY_FILE",
    "rules_file": "REPORT_RULES_FILE",
    "journal_dir": "JOURNAL_DIR",
    "retention_days": "RETENTION_DAYS",
    "secret_key": "SECRET_KEY",
    "proxy_hops": "PROXY_HOPS",
    "community_id": "COMMUNITY_ID",
    "port": "PORT",
    "max_timestamp_skew": "WECHAT_MAX_SKEW",
    "playground": "PLAYGROUND",
}


def load_config(overrides: dict | None = None, environ: dict | None = None) -> Config:
    """Environment first, then explicit overrides (tests pass a dict to create_app)."""
    environ = os.environ if environ is None else environ
    values: dict = {}
    types = {f.name: f.type for f in fields(Config)}
    for name, env_name in ENV_NAMES.items():
        raw = environ.get(env_name)
        if raw not in (None, ""):
            values[name] = _convert(raw, types[name], env_name)
    known = {k: v for k, v in (overrides or {}).items() if k in types}
    extra = {k: v for k, v in (overrides or {}).items() if k not in types}
    values.update(known)  # explicit overrides win over the environment
    config = replace(Config(), **values, extra=extra)
    return _with_wecom_defaults(_with_local_defaults(config))


def _convert(raw: str, kind: str, env_name: str):
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{env_name} must be a whole number, got {raw!r}") from None
    if kind == "bool":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return raw


def _with_local_defaults(config: Config) -> Config:
    """No WeChat token configured: local mode with made-up credentials and the playground on."""
    if config.wechat_token:
        return config
    return replace(
        config,
        wechat_token=secrets.token_hex(8),
        wechat_app_id=config.wechat_app_id or LOCAL_APP_ID,
        wechat_aes_key=config.wechat_aes_key or new_aes_key(),
        local_mode=True,
        playground=True,
    )


LOCAL_CORP_ID = "wwlocalcorp"


def _with_wecom_defaults(config: Config) -> Config:
    """No WeCom app configured: made-up credentials, so /wecom answers only the playground."""
    if not config.wecom_bot_token:
        config = replace(config, wecom_bot_token=secrets.token_hex(8),
                         wecom_bot_aes_key=config.wecom_bot_aes_key or new_aes_key())
    if config.wecom_token:
        return config
    return replace(
        config,
        wecom_token=secrets.token_hex(8),
        wecom_aes_key=config.wecom_aes_key or new_aes_key(),
        wecom_corp_id=config.wecom_corp_id or LOCAL_CORP_ID,
        wecom_agent_id=config.wecom_agent_id or "1000002",
    )


def new_aes_key() -> str:
    """A fresh EncodingAESKey: 43 characters of base64 (32 random bytes)."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")[:43]
