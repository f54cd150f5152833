"""Reports as the dashboard shows them: names instead of ids, one account's share only."""

from __future__ import annotations

from bot.community.registry import Registry
from bot.dashboard.accounts import Account
from bot.dashboard.text import RISK, STATUS, T
from bot.reports.notices import place_of
from bot.reports.query import open_reports

SNIPPET_CHARS = 60
RISK_RANK = {"high": 0, "medium": 1, "low": 2}


def name_of(user: str | None, registry: Registry) -> str:
    if not user:
        return ""
    if user == "system":
        return T["system"]
    if user == "worker":
        return T["worker"]
    person = registry.person(user)
    return person.name if person else user


def grid_name(grid_id: str | None, registry: Registry) -> str:
    return next((g.name for g in registry.grids if g.id == grid_id), T["no_grid"])


def is_overdue(report: dict, now: float) -> bool:
    """Past the contact deadline with nobody in touch yet, or marked so by the escalation ladder."""
    if report.get("status") in ("contacted", "closed"):
        return False
    return bool(report.get("overdue")) or float(report["deadline_at"]) < now


def board_row(report: dict, registry: Registry, now: float) -> dict:
    situation = str(report.get("situation") or "")
    return {
        "id": report["id"],
        "risk": report.get("risk"),
        "risk_name": RISK.get(report.get("risk"), report.get("risk")),
        "place": place_of(report),
        "grid": report.get("grid"),
        "grid_name": grid_name(report.get("grid"), registry),
        "status": report.get("status"),
        "status_name": STATUS.get(report.get("status"), report.get("status")),
        "claimer": report.get("claimed_by"),
        "claimer_name": name_of(report.get("claimed_by"), registry),
        "created_at": report.get("created_at"),
        "deadline_at": report.get("deadline_at"),
        "contacted_at": report.get("contacted_at"),
        "overdue": is_overdue(report, now),
        "situation": situation[:SNIPPET_CHARS] + ("…" if len(situation) > SNIPPET_CHARS else ""),
        "informants": len(report.get("informants") or []),
    }


def board_order(report: dict) -> tuple:
    """Running clocks first, the least time left on top; contacted ones (clock stopped) after."""
    return (report.get("status") == "contacted", float(report["deadline_at"]), RISK_RANK.get(report.get("risk"), 3))


def board_rows(account: Account, state, registry: Registry, now: float, filters: dict) -> list[dict]:
    reports = [r for r in open_reports(state) if account.sees(r) and matches(r, filters)]
    return [board_row(r, registry, now) for r in sorted(reports, key=board_order)]


def matches(report: dict, filters: dict) -> bool:
    return all(not filters.get(name) or report.get(name) == filters[name] for name in ("grid", "risk", "status"))


def visible_reports(account: Account, state) -> list[dict]:
    """Every report this account may see, oldest first (closed ones too)."""
    reports = (state.get_report(rid) for rid in state.report_ids())
    return [r for r in reports if r and account.sees(r)]
