"""The notifications a report produces, as outbox entries for the worker to deliver.

Channels: `wecom_card` (an interactive card with a 认领 button, built by the worker from the
report's state at send time), `wecom_app` (a plain app message to one staff member),
`wecom_group` (the grid's group chat: numbers masked), `mp_text` (an Official Account
customer-service message to a resident or informant).
"""

from __future__ import annotations

from bot import texts
from bot.community.registry import Grid
from bot.privacy import mask_personal_numbers


def notice(channel: str, recipient: str, report_id: str, kind: str, content: str, now: float) -> dict:
    return {"channel": channel, "recipient": recipient, "report_id": report_id, "kind": kind,
            "content": content, "created_at": now}


def duty_alerts(duty, report_id: str, content: str, now: float) -> list[dict]:
    """An alert to each duty officer (one that cannot be delivered is logged, never alerted again)."""
    return [notice("wecom_app", p.wecom, report_id, "alert", content, now) for p in duty]


def place_of(report: dict) -> str:
    parts = [report.get("building"), report.get("unit"), report.get("room")]
    return "".join(p for p in parts if p) or texts.REPORT_UNKNOWN_PLACE


def clock_time(epoch: float) -> str:
    """HH:MM in China Standard Time (UTC+8), the clock staff read."""
    seconds = int(epoch + 8 * 3600) % 86400
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def details(report: dict, template: str) -> str:
    """Full details, for the grid's staff and the duty officers only."""
    return template.format(
        risk=texts.RISK_NAMES[report["risk"]], id=report["id"], place=place_of(report),
        person=report.get("person") or texts.REPORT_UNKNOWN_PERSON, situation=report["situation"],
        deadline=clock_time(report["deadline_at"]),
    )


def cards(report: dict, people, now: float) -> list[dict]:
    """A 认领 card for each person (the worker builds it from the report when it sends)."""
    content = details(report, texts.NOTICE_NEW)
    return [notice("wecom_card", p.wecom, report["id"], "claim_card", content, now) for p in people]


def staff_texts(report: dict, people, template: str, now: float, kind: str = "update") -> list[dict]:
    content = details(report, template)
    return [notice("wecom_app", p.wecom, report["id"], kind, content, now) for p in people]


def group(report: dict, grid: Grid | None, template: str, now: float, **extra: str) -> list[dict]:
    """A plain notice for the grid's group chat: numbers masked, no names beyond the building."""
    if not grid or not grid.group_chat:
        return []
    content = template.format(
        risk=texts.RISK_NAMES[report["risk"]], id=report["id"], place=place_of(report),
        situation=mask_personal_numbers(report.get("situation") or ""), **extra,
    )
    return [notice("wecom_group", grid.group_chat, report["id"], "group", content, now)]
