"""A report's events as lines a person reads: when, who, what, and the details."""

from __future__ import annotations

import time

from bot.community.registry import Registry
from bot.dashboard.rows import name_of
from bot.dashboard.text import EVENTS, OUTCOME_NAMES, RISK

CHANNELS = {"wecom_card": "企业微信卡片", "wecom_app": "企业微信消息", "wecom_group": "网格群",
            "wecom_card_update": "卡片更新", "wecom_claimer_card": "认领人卡片", "mp_text": "公众号消息"}


def clock(epoch) -> str:
    """MM-DD HH:MM:SS in China Standard Time."""
    try:
        return time.strftime("%m-%d %H:%M:%S", time.gmtime(float(epoch) + 8 * 3600))
    except (TypeError, ValueError):
        return ""


def history(events: list[dict], registry: Registry) -> list[dict]:
    return [{"at": clock(e.get("at")), "by": who(str(e.get("by") or ""), registry),
             "what": EVENTS.get(str(e.get("what")), str(e.get("what"))), "kind": str(e.get("what")),
             "detail": detail(e, registry)} for e in events]


def who(user: str, registry: Registry) -> str:
    """Staff by name; an informant or resident (an Official Account openid) only as such."""
    name = name_of(user, registry)
    if name != user or not user:
        return name
    return f"信息员/居民 …{user[-4:]}"


def detail(event: dict, registry: Registry) -> str:
    what = event.get("what")
    if what == "filed":
        return RISK.get(event.get("risk"), "")
    if what == "merged":
        raised = "，风险提高为" + RISK.get(event.get("risk"), "") if event.get("raised") else ""
        return f"{event.get('situation') or ''}{raised}"
    if what == "transferred":
        return "转给 " + name_of(event.get("to"), registry)
    if what == "closed":
        amount = float(event.get("amount") or 0)
        money = f"，{amount:,.0f} 元" if amount else ""
        return OUTCOME_NAMES.get(event.get("outcome"), str(event.get("outcome"))) + money
    if what == "escalated":
        return "通知 " + "、".join(name_of(u, registry) for u in event.get("notify") or [])
    if what == "note":
        return str(event.get("text") or "")
    if what in ("sent", "held", "failed"):
        # An Official Account openid means nothing to staff; say who it was instead.
        to = "信息员" if event.get("channel") == "mp_text" else name_of(str(event.get("to") or ""), registry)
        reason = f"（{event['reason']}）" if event.get("reason") else ""
        return f"{CHANNELS.get(event.get('channel'), event.get('channel') or '')} → {to}{reason}"
    return ""
