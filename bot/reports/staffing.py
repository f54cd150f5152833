"""What grid staff do with a report: claim it, give it back, hand it on, record the contact.

Every command returns the text the staff member sees; every change is an event in the report's
history and queues its notifications. Only staff of the report's grid and the duty officers may
act on it; a claim is taken and recorded in one transaction, so when many click at once exactly one
wins, and a claim cut short leaves nothing half done.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.community.registry import Grid, Person, Registry
from bot.reports import notices as notify
from bot.reports.query import normalize_id
from bot.state.reports import ReportUpdate


@dataclass(frozen=True)
class Staffer:
    person: Person
    grid: Grid | None  # None for duty officers
    is_duty: bool

    def may_handle(self, report: dict) -> bool:
        return self.is_duty or (self.grid is not None and self.grid.id == report.get("grid"))


def staffer(user: str, registry: Registry) -> Staffer | None:
    duty = next((p for p in registry.duty if p.wecom == user), None)
    if duty:
        return Staffer(duty, None, True)
    for grid in registry.grids:
        person = next((p for p in grid.members if p.wecom == user), None)
        if person:
            return Staffer(person, grid, False)
    return None


def name_of(user: str | None, registry: Registry) -> str:
    person = registry.person(user or "")
    return person.name if person else (user or "")


def load_for(rid: str, user: str, ctx) -> tuple[dict | None, Staffer | None, str]:
    """The report and the staff member, or the refusal to show them."""
    registry = ctx.registry()
    who = staffer(user, registry)
    if who is None:
        return None, None, texts.STAFF_NOT_REGISTERED
    report = ctx.state.get_report(normalize_id(rid))
    if report is None:
        return None, who, texts.STAFF_NO_SUCH_REPORT.format(id=normalize_id(rid))
    if not who.may_handle(report):
        grid = next((g.name for g in registry.grids if g.id == report.get("grid")), texts.REPORT_NO_GRID)
        return None, who, texts.STAFF_NOT_YOUR_GRID.format(id=report["id"], grid=grid)
    if report.get("status") == "closed":
        return None, who, texts.STAFF_ALREADY_CLOSED.format(id=report["id"])
    return report, who, ""


def claim(rid: str, user: str, ctx) -> str:
    report, who, refusal = load_for(rid, user, ctx)
    if report is None:
        return refusal
    now = ctx.clock()
    changes = {"status": "claimed", "claimed_by": user, "claimed_at": now}
    claimed = {**report, **changes}
    label = texts.CLAIMED_LABEL.format(name=who.person.name, time=notify.clock_time(now))
    notices = [notify.notice("wecom_card_update", "all", report["id"], "claimed", label, now)]
    notices += claimer_briefing(claimed, user, now)
    notices += notify.group(
        claimed, grid_of(report, ctx), texts.NOTICE_CLAIMED_GROUP, now, name=who.person.name
    )
    event = {"at": now, "by": user, "what": "claimed"}
    won, holder = ctx.state.claim_report(report["id"], user, changes, event, notices)
    if not won:
        return refused_claim(report, holder, user, ctx)
    return texts.STAFF_CLAIMED.format(
        id=report["id"],
        deadline=notify.clock_time(report["deadline_at"]),
        details=notify.details(claimed, texts.NOTICE_DETAILS),
    )


def refused_claim(report: dict, holder: str | None, user: str, ctx) -> str:
    if holder is None:  # closed between the look and the claim
        return texts.STAFF_ALREADY_CLOSED.format(id=report["id"])
    if holder == user:
        return texts.STAFF_ALREADY_YOURS.format(id=report["id"])
    return texts.STAFF_CLAIMED_BY_OTHER.format(id=report["id"], name=name_of(holder, ctx.registry()))


def claimer_briefing(report: dict, user: str, now: float) -> list[dict]:
    """The neighbour's details with 已联系/结案 buttons; for HIGH, the 紧急劝阻流程卡 too."""
    briefing = [
        notify.notice(
            "wecom_claimer_card",
            user,
            report["id"],
            "briefing",
            notify.details(report, texts.NOTICE_DETAILS),
            now,
        )
    ]
    if report["risk"] == "high":
        briefing.append(notify.notice("wecom_app", user, report["id"], "dissuasion_card", "", now))
    return briefing


def release(rid: str, user: str, ctx) -> str:
    report, who, holder, refusal = load_for_claimer(rid, user, ctx)
    if refusal:
        return refusal
    reopen(report, user, ctx, "released", texts.NOTICE_RELEASED_GROUP)
    return texts.STAFF_RELEASED.format(id=report["id"])


def reopen(report: dict, by: str, ctx, what: str, group_template: str) -> None:
    """Back to open: the claim is dropped and the grid gets fresh 认领 cards."""
    ctx.state.apply_updates([reopened(report, by, ctx, what, group_template, ctx.clock())])


def reopened(report: dict, by: str, ctx, what: str, group_template: str, now: float) -> ReportUpdate:
    """What reopening a report writes (see reopen)."""
    changes = {"status": "open", "claimed_by": None, "card_round": int(report.get("card_round") or 0) + 1}
    again = {**report, **changes}
    grid = grid_of(report, ctx)
    people = grid.members if grid else ctx.registry().duty
    notices = notify.cards(again, people, now) + notify.group(again, grid, group_template, now)
    return ReportUpdate(report["id"], changes, {"at": now, "by": by, "what": what}, notices, claimer=None)


def transfer(rid: str, user: str, target: str, ctx) -> str:
    report, who, holder, refusal = load_for_claimer(rid, user, ctx)
    if refusal:
        return refusal
    other = staffer(target, ctx.registry())
    if other is None or not other.may_handle(report):
        return texts.STAFF_BAD_TARGET.format(target=target, id=report["id"])
    now = ctx.clock()
    changes = {"status": "claimed", "claimed_by": target, "claimed_at": now}
    moved = {**report, **changes}
    notices = [
        notify.notice(
            "wecom_app",
            target,
            report["id"],
            "transferred",
            notify.details(moved, texts.NOTICE_TRANSFERRED),
            now,
        )
    ]
    notices += claimer_briefing(moved, target, now)[1:]
    event = {"at": now, "by": user, "what": "transferred", "to": target}
    ctx.state.update_report(report["id"], changes, event, notices, claimer=target)
    return texts.STAFF_TRANSFERRED.format(id=report["id"], name=other.person.name)


def mark_contacted(rid: str, user: str, ctx) -> str:
    report, who, holder, refusal = load_for_claimer(rid, user, ctx)
    if refusal:
        return refusal
    now = ctx.clock()
    changes = {"status": "contacted", "contacted_at": now, "claimed_by": holder or user}
    event = {"at": now, "by": user, "what": "contacted"}
    if not holder:  # contacting it is taking it on, unless someone claimed or closed it just now
        won, holder = ctx.state.claim_report(report["id"], user, changes, event, [])
        if won:
            return texts.STAFF_CONTACTED.format(id=report["id"])
        refusal = not_the_claimer(report, holder, who, user, ctx) if holder else refused_claim(report, None, user, ctx)
        if refusal:
            return refusal
    ctx.state.update_report(report["id"], {**changes, "claimed_by": holder}, event, [])
    return texts.STAFF_CONTACTED.format(id=report["id"])


def load_for_claimer(rid: str, user: str, ctx) -> tuple[dict | None, Staffer | None, str | None, str]:
    """Like load_for, and only the claimer (or a duty officer) may act on a claimed report."""
    report, who, refusal = load_for(rid, user, ctx)
    if report is None:
        return None, who, None, refusal
    holder = ctx.state.claimer(report["id"])
    return report, who, holder, not_the_claimer(report, holder, who, user, ctx)


def not_the_claimer(report: dict, holder: str | None, who: Staffer, user: str, ctx) -> str:
    """Only the claimer (or a duty officer) may act on a claimed report; '' when this one may."""
    if holder and holder != user and not who.is_duty:
        return texts.STAFF_NOT_CLAIMER.format(id=report["id"], name=name_of(holder, ctx.registry()))
    return ""


def grid_of(report: dict, ctx) -> Grid | None:
    return next((g for g in ctx.registry().grids if g.id == report.get("grid")), None)
