"""反诈哨兵 — a WeChat bot that helps a residential community stop telecom fraud.

`create_app(config=None)` builds everything; nothing happens at import time.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

from flask import Flask

from bot.channels.wxcrypto import AesKey
from bot.config import Config, load_config
from bot.context import Context
from bot.logmask import install_log_masking
from bot.router import Router

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What the Flask views reach through `current_app.extensions["fanzha"]`."""

    config: Config
    ctx: Context
    router: Router  # Official Account: residents and informants
    staff_router: Router  # WeCom: grid staff and duty officers
    aes_keys: list[AesKey]
    wecom_keys: list[AesKey]
    wecom_bot_keys: list[AesKey]


def create_app(config: dict | None = None) -> Flask:
    """Build the bot: config, Redis, pattern library, knowledge, router, blueprints."""
    cfg = load_config(config)
    install_log_masking()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    app.extensions["fanzha"] = build_services(cfg)
    if cfg.proxy_hops:
        # Behind HTTPS proxies: the client's address (dashboard lockout) and scheme come from them.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=cfg.proxy_hops, x_proto=cfg.proxy_hops, x_host=cfg.proxy_hops)
    register_blueprints(app, cfg)
    from bot.channels.fastpath import WeChatFastPath

    app.wsgi_app = WeChatFastPath(app.wsgi_app, app.extensions["fanzha"], cfg.max_body_bytes)
    from bot.errors import register_error_pages

    register_error_pages(app)
    return app


def build_services(cfg: Config) -> Services:
    from bot import state
    from bot.community.registry import load_registry
    from bot.detection import LiveDetector
    from bot.detection.knowledge import KnowledgeBase
    from bot.handlers import DEGRADED_ROUTES, ROUTES, STAFF_ROUTES
    from bot.journal import Journal
    from bot.livefile import LiveFile
    from bot.reports.parse import load_report_rules
    from bot.reports.replay import replay_held

    community = LiveFile(cfg.community_file, load_registry)
    cfg = replace(cfg, community_id=cfg.community_id or community.value.community_id)

    if cfg.redis_url:
        conn = state.connect(cfg.redis_url)
    else:
        log.warning("REDIS_URL is not set: using the embedded in-process store (local use only)")
        conn = state.connect_embedded()
    clock = cfg.extra.get("clock", time.time)
    ctx = Context(
        config=cfg,
        state=state.State(conn, cfg.community_id),
        detector=LiveDetector(cfg.patterns_file),
        knowledge=KnowledgeBase(cfg.knowledge_dir),
        community=community,
        rules=LiveFile(cfg.rules_file, load_report_rules),
        journal=Journal(cfg.journal_file, clock=clock),
        clock=clock,
    )
    return Services(
        config=cfg, ctx=ctx, staff_router=Router(STAFF_ROUTES),
        router=Router(ROUTES, DEGRADED_ROUTES, on_healthy=replay_held),
        aes_keys=aes_keys(cfg), wecom_keys=[AesKey(cfg.wecom_aes_key, cfg.wecom_corp_id)],
        wecom_bot_keys=[AesKey(cfg.wecom_bot_aes_key, "")],  # the group bot's receive id is empty
    )


def aes_keys(cfg: Config) -> list[AesKey]:
    """The current EncodingAESKey first, then the previous one while keys rotate."""
    names = (("WECHAT_AES_KEY", cfg.wechat_aes_key), ("WECHAT_AES_KEY_PREVIOUS", cfg.wechat_aes_key_previous))
    keys = []
    for name, value in names:
        if not value:
            continue
        try:
            keys.append(AesKey(value, cfg.wechat_app_id))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    return keys


def register_blueprints(app: Flask, cfg: Config) -> None:
    from bot import health
    from bot.channels import wechat_mp, wecom, wecom_bot
    from bot.dashboard import bp as dashboard_bp

    app.register_blueprint(wechat_mp.bp)
    app.register_blueprint(wecom.bp)
    app.register_blueprint(wecom_bot.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(dashboard_bp)
    if cfg.playground:
        from bot.playground import bp as playground_bp

        app.register_blueprint(playground_bp)


def build_worker(services: Services):
    """The worker for these services: the real API clients, pointed at the configured hosts."""
    from bot.delivery import Sender
    from bot.outbound.mp import OfficialAccountClient
    from bot.outbound.wecom import WeComClient
    from bot.worker import Worker

    cfg, state = services.config, services.ctx.state
    wecom = WeComClient(cfg.wecom_api_base, cfg.wecom_corp_id, cfg.wecom_secret, cfg.wecom_agent_id, state)
    mp = OfficialAccountClient(cfg.wechat_api_base, cfg.wechat_app_id, cfg.wechat_app_secret, state)
    return Worker(services.ctx, Sender(services.ctx, wecom, mp))
