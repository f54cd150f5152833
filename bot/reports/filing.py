"""Filing a report: route it to the building's grid, set its deadline, queue the notifications.

Exactly once and merged: a webhook retry never reaches here twice (the router dedupes by
message id), and the same household reported again within 30 minutes joins the open report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot import texts
from bot.community.registry import Grid, Person, Registry
from bot.privacy import mask_personal_numbers

HOUSEHOLD_WINDOW = 30 * 60
RISK_ORDER = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class Filing:
    """What an informant (or a resident in danger) confirmed."""

    reporter: str
    risk: str
    situation: str
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    person: str | None = None
    risk_reasons: tuple[str, ...] = ()
    source: str = "informant"  # informant | resident


@dataclass(frozen=True)
class Filed:
    report: dict
    merged: bool = False
    raised: bool = False
    repeated: bool = False  # the same informant reported the same household again
    grid: Grid | None = None
    handlers: tuple[Person, ...] = field(default_factory=tuple)


def household_key(filing: Filing) -> str:
    """Who the report is about: the flat when known, else the building and the person's words."""
    person = re.sub(r"\s+", "", filing.person or "")
    if filing.building and filing.room:
        return f"{filing.building}|{filing.unit or ''}|{filing.room}"
    if filing.building and person:
        return f"{filing.building}|{filing.unit or ''}|{person}"
    return f"reporter:{filing.reporter}|{filing.building or ''}|{person}"


def file_report(filing: Filing, ctx) -> Filed:
    registry: Registry = ctx.registry()
    household = household_key(filing)
    new_id = ctx.state.next_report_id()
    holder = ctx.state.hold_household(household, new_id, HOUSEHOLD_WINDOW)
    if holder:
        existing = ctx.state.get_report(holder)
        if existing and existing.get("status") != "closed":
            return merge_report(existing, filing, ctx, registry)
        ctx.state.release_household(household, holder)
        ctx.state.hold_household(household, new_id, HOUSEHOLD_WINDOW)
    return create_report(new_id, household, filing, ctx, registry)


def create_report(rid: str, household: str, filing: Filing, ctx, registry: Registry) -> Filed:
    now = ctx.clock()
    grid = registry.grid_for(filing.building)
    report = {
        "id": rid,
        "status": "open",
        "risk": filing.risk,
        "source": filing.source,
        "building": filing.building,
        "unit": filing.unit,
        "room": filing.room,
        "person": filing.person,
        "situation": filing.situation,
        "risk_reasons": list(filing.risk_reasons),
        "grid": grid.id if grid else None,
        "household": household,
        "created_at": now,
        "deadline_at": now + registry.contact_within[filing.risk],
        "claimed_by": None,
        "informants": [filing.reporter],
    }
    handlers = recipients(grid, registry, filing.risk)
    notices = staff_notices(report, handlers, texts.NOTICE_NEW, now) + group_notice(report, grid, now)
    event = {"at": now, "by": filing.reporter, "what": "filed", "risk": filing.risk}
    ctx.state.save_report(report, event, notices)
    return Filed(report=report, grid=grid, handlers=handlers)


def merge_report(report: dict, filing: Filing, ctx, registry: Registry) -> Filed:
    now = ctx.clock()
    raised = RISK_ORDER[filing.risk] > RISK_ORDER.get(report["risk"], 0)
    informants = list(report.get("informants") or [])
    changes: dict = {
        "informants": informants + [filing.reporter] if filing.reporter not in informants else informants
    }
    if raised:
        changes["risk"] = filing.risk
        changes["deadline_at"] = min(report["deadline_at"], now + registry.contact_within[filing.risk])
    merged = {**report, **changes}
    grid = registry.grid_for(report.get("building"))
    handlers = recipients(grid, registry, merged["risk"])
    update = {**merged, "situation": filing.situation}
    notices = staff_notices(update, handlers, texts.NOTICE_UPDATE, now)
    event = {
        "at": now,
        "by": filing.reporter,
        "what": "merged",
        "situation": filing.situation,
        "risk": merged["risk"],
        "raised": raised,
    }
    ctx.state.update_report(report["id"], changes, event, notices)
    repeated = filing.reporter in informants
    return Filed(report=merged, merged=True, raised=raised, repeated=repeated, grid=grid, handlers=handlers)


def recipients(grid: Grid | None, registry: Registry, risk: str) -> tuple[Person, ...]:
    """The grid's leader and 预警专员 always; the duty officers for HIGH, or when no grid is known."""
    people = list(grid.responders) if grid else []
    if risk == "high" or not grid:
        people += [p for p in registry.duty if p not in people]
    return tuple(people)


def place_of(report: dict) -> str:
    parts = [report.get("building"), report.get("unit"), report.get("room")]
    return "".join(p for p in parts if p) or texts.REPORT_UNKNOWN_PLACE


def staff_notices(report: dict, people: tuple[Person, ...], template: str, now: float) -> list[dict]:
    """Full details, for the grid's staff and the duty officers only (a private app message)."""
    content = template.format(
        risk=texts.RISK_NAMES[report["risk"]],
        id=report["id"],
        place=place_of(report),
        person=report.get("person") or texts.REPORT_UNKNOWN_PERSON,
        situation=report["situation"],
        deadline=clock_time(report["deadline_at"]),
    )
    return [
        {
            "channel": "wecom_app",
            "recipient": p.wecom,
            "report_id": report["id"],
            "kind": "report",
            "content": content,
            "created_at": now,
        }
        for p in people
    ]


def group_notice(report: dict, grid: Grid | None, now: float) -> list[dict]:
    """A plain notice for the grid's group chat: numbers masked, no names beyond the building."""
    if not grid or not grid.group_chat:
        return []
    content = texts.NOTICE_GROUP.format(
        risk=texts.RISK_NAMES[report["risk"]],
        id=report["id"],
        place=place_of(report),
        situation=mask_personal_numbers(report["situation"]),
    )
    return [
        {
            "channel": "wecom_group",
            "recipient": grid.group_chat,
            "report_id": report["id"],
            "kind": "report_group",
            "content": content,
            "created_at": now,
        }
    ]


def clock_time(epoch: float) -> str:
    """HH:MM in China Standard Time (UTC+8), the clock staff read."""
    seconds = int(epoch + 8 * 3600) % 86400
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
