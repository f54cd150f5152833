"""Reading reports back: for the operations CLI now, the dashboard and the staff commands later."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")
SUMMARY_FIELDS = (
    "id",
    "risk",
    "building",
    "unit",
    "room",
    "grid",
    "status",
    "created_at",
    "deadline_at",
    "claimed_by",
    "informants",
    "source",
)


def iso(epoch) -> str | None:
    if epoch in (None, ""):
        return None
    return datetime.fromtimestamp(float(epoch), CST).isoformat(timespec="seconds")


def summary(report: dict) -> dict:
    out = {name: report.get(name) for name in SUMMARY_FIELDS}
    out["created_at"], out["deadline_at"] = iso(report.get("created_at")), iso(report.get("deadline_at"))
    return out


def list_reports(state, status: str | None = None) -> list[dict]:
    reports = (state.get_report(rid) for rid in state.report_ids())
    return [summary(r) for r in reports if r and (status is None or r.get("status") == status)]


def open_reports(state) -> list[dict]:
    """Reports not yet closed, the most urgent (earliest deadline) first."""
    reports = (state.get_report(rid) for rid in state.report_ids())
    return sorted((r for r in reports if r and r.get("status") != "closed"), key=lambda r: r["deadline_at"])


def report_with_history(state, rid: str) -> dict | None:
    report = state.get_report(normalize_id(rid))
    if not report:
        return None
    events = [{**e, "at": iso(e.get("at"))} for e in state.report_events(report["id"])]
    return {
        **summary(report),
        "person": report.get("person"),
        "situation": report.get("situation"),
        "risk_reasons": report.get("risk_reasons"),
        "events": events,
    }


def normalize_id(rid: str) -> str:
    """ "7", "r7", "R7" all name report R7."""
    rid = rid.strip().upper()
    return rid if rid.startswith("R") else f"R{rid}"
