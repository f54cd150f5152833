"""Retention: after the agreed period, a report keeps its figures and loses its personal details.

Kept: id, risk, grid, building, status, times (filed, claimed, contacted, closed), outcome and
amounts — what the community's statistics need. Removed: the person, the situation as written, the
flat, the informants, the event texts, and the old notifications that carried those details.
"""

from __future__ import annotations

PERSONAL_FIELDS = ("person", "situation", "room", "unit", "risk_reasons", "informants", "household")
KEPT_EVENT_FIELDS = ("at", "what", "by_role")


def purge_report(report: dict, now: float) -> dict:
    """The changes that strip a report of personal details."""
    changes: dict = {name: None for name in PERSONAL_FIELDS if report.get(name)}
    changes["informants"] = []
    changes["purged_at"] = now
    return changes


def purge_old_reports(ctx, now: float, days: int) -> int:
    """Purge every report filed more than `days` ago and not purged yet; returns how many."""
    cutoff = now - days * 86400
    purged = 0
    for rid in ctx.state.report_ids_before(cutoff):
        report = ctx.state.get_report(rid)
        if not report or report.get("purged_at"):
            continue
        events = [{k: e.get(k) for k in ("at", "what")} for e in ctx.state.report_events(rid)]
        ctx.state.replace_report_history(rid, purge_report(report, now), events)
        purged += 1
    ctx.state.trim_outbox_before(cutoff)
    return purged
