"""Escalation: a report nobody claims, or nobody contacts, climbs its risk level's ladder.

Like an on-call page that is not acknowledged: each step of the ladder (in the registry) falls
due at a fixed time after filing; the worker takes due steps and re-checks the report's state
before acting, so a claim or a close in the meantime quietly cancels what was pending.
"""

from __future__ import annotations

import logging

import redis

from bot import texts
from bot.community.registry import EscalationStep, Person, Registry
from bot.reports import notices as notify
from bot.reports.notices import place_of
from bot.reports.staffing import grid_of, reopened
from bot.state.reports import ReportUpdate

log = logging.getLogger(__name__)

STATUSES_FOR = {
    "unclaimed": ("open",),
    "not_contacted": ("open", "claimed"),
    "open": ("open", "claimed", "contacted"),
}


def run_due_steps(ctx, now: float) -> int:
    """Act on every escalation step that is due; returns how many fired. What a step does and
    its end (removed, or scheduled again) are one transaction (see State.finish_step): a step
    fires exactly once, whatever happens to the worker or to Redis. A step that fails for a
    reason of its own (a damaged report) is reported to the duty officers, and the others run."""
    fired = 0
    for rid, index, lease in ctx.state.take_due_steps(now):
        try:
            updates, next_due = plan_step(rid, index, ctx, now)
        except redis.RedisError:
            raise  # Redis failing: the pass ends, and the step is due again when its lease runs out
        except Exception:  # noqa: BLE001 - this report only; logged with its trace, not retried
            log.exception("escalation step %d of %s failed", index, rid)
            updates, next_due = [failed_step_alert(rid, ctx, now)], None
        if ctx.state.finish_step(rid, index, lease, updates, next_due) and updates and updates[0].event:
            log.info("escalated %s step %d to %d people", rid, index, len(updates[0].event["notify"]))
            fired += 1
    return fired


def failed_step_alert(rid: str, ctx, now: float) -> ReportUpdate:
    content = texts.ALERT_ESCALATION_FAILED.format(id=rid)
    return ReportUpdate(rid, {}, None, notify.duty_alerts(ctx.registry().duty, rid, content, now))


def plan_step(rid: str, index: int, ctx, now: float) -> tuple[list[ReportUpdate], float | None]:
    """(what the step writes, when it is due again): nothing when the report no longer needs it."""
    report = ctx.state.get_report(rid)
    registry: Registry = ctx.registry()
    ladder = registry.ladders.get(report.get("risk", ""), ()) if report else ()
    if not report or index >= len(ladder):
        return [], None
    step = ladder[index]
    if report.get("status") not in STATUSES_FOR[step.condition]:
        return [], None  # claimed, contacted or closed in the meantime: nothing to do
    people = targets(step, report, registry, ctx)
    event = {"at": now, "by": "system", "what": "escalated", "step": index,
             "notify": [p.wecom for p in people], "condition": step.condition}
    changes = {"overdue": True} if step.mark_overdue else {}
    updates = [ReportUpdate(rid, changes, event, escalation_notices(step, report, people, now))]
    if step.reopen:
        updates.append(reopened(report, "system", ctx, "reopened", texts.NOTICE_REOPENED, now))
    return updates, (now + step.repeat if step.repeat else None)


def targets(step: EscalationStep, report: dict, registry: Registry, ctx) -> tuple[Person, ...]:
    grid = grid_of(report, ctx)
    found: list[Person] = []
    for target in step.notify:
        if target == "duty":
            found += registry.duty
        elif target == "claimer" and report.get("claimed_by"):
            person = registry.person(report["claimed_by"])
            found += [person] if person else []
        elif grid and target == "grid_staff":
            found += grid.responders
        elif grid and target == "grid_members":
            found += grid.members
        elif grid and target == "grid_volunteers":
            found += grid.volunteers
    if not grid and "duty" not in step.notify and "claimer" not in step.notify:
        found += registry.duty  # no grid known: the duty officers are the grid
    return tuple(dict.fromkeys(found))


def escalation_notices(step: EscalationStep, report: dict, people, now: float) -> list[dict]:
    if step.reopen:
        return []  # reopening sends fresh cards to the whole grid itself
    minutes = int((now - float(report["created_at"])) // 60)
    if step.notify == ("claimer",):
        content = texts.NOTICE_REMIND_CLAIMER.format(id=report["id"], place=place_of(report))
    else:
        what = texts.NOTICE_ESCALATE_UNCLAIMED if step.condition == "unclaimed" else texts.NOTICE_ESCALATE_NOT_CONTACTED
        content = texts.NOTICE_ESCALATE.format(
            risk=texts.RISK_NAMES[report["risk"]], id=report["id"], place=place_of(report),
            minutes=minutes, what=what,
        )
    return [notify.notice("wecom_app", p.wecom, report["id"], "escalation", content, now) for p in people]
