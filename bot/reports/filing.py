"""Filing a report: route it to the building's grid, set its deadline, queue the notifications.

Exactly once and merged: a webhook retry never reaches here twice (the router dedupes by
message id), and the same household reported again within 30 minutes joins the open report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot import texts
from bot.community.registry import Grid, Person, Registry
from bot.reports import notices as notify

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
    journal_id: str = ""  # set when the report was held in the journal while Redis was down


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
    notices = notify.cards(report, handlers, now) + notify.group(report, grid, texts.NOTICE_GROUP, now)
    event = {"at": now, "by": filing.reporter, "what": "filed", "risk": filing.risk,
             "journal_id": filing.journal_id}
    ctx.state.save_report(report, event, notices, ladder_times(registry, filing.risk, now))
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
    notices = notify.staff_texts(update, handlers, texts.NOTICE_UPDATE, now)
    event = {
        "at": now,
        "by": filing.reporter,
        "what": "merged",
        "situation": filing.situation,
        "risk": merged["risk"],
        "raised": raised,
        "journal_id": filing.journal_id,
    }
    steps = ladder_times(registry, filing.risk, now) if raised else None
    ctx.state.update_report(report["id"], changes, event, notices, steps)
    repeated = filing.reporter in informants
    return Filed(report=merged, merged=True, raised=raised, repeated=repeated, grid=grid, handlers=handlers)


def recipients(grid: Grid | None, registry: Registry, risk: str) -> tuple[Person, ...]:
    """The grid's leader and 预警专员 always; the duty officers for HIGH, or when no grid is known."""
    people = list(grid.responders) if grid else []
    if risk == "high" or not grid:
        people += [p for p in registry.duty if p not in people]
    return tuple(people)


def ladder_times(registry: Registry, risk: str, start: float) -> dict[int, float]:
    """When each escalation step of this risk level falls due, counted from `start`."""
    return {i: start + step.after for i, step in enumerate(registry.ladders.get(risk, ()))}
