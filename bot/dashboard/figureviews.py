"""The figures page, the printable monthly summary and the CSV export of reports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Response, current_app, flash, g, render_template, request

from bot.dashboard import bp
from bot.dashboard import charts as draw
from bot.dashboard.figures import Figures, Period, add_checks, add_informants, change, compute, day_of
from bot.dashboard.history import clock
from bot.dashboard.rows import grid_name, name_of, visible_reports
from bot.dashboard.text import OUTCOME_NAMES, RISK, STATUS, T

DEFAULT_DAYS = 90  # "in the last three months", as the community reports it
MAX_DAYS = 400
RISK_SERIES = [("high", "risk-high"), ("medium", "risk-medium"), ("low", "risk-low")]
CHECK_SERIES = [("scam", "check-scam"), ("suspicious", "check-suspicious"), ("safe", "check-safe")]


def ctx():
    return current_app.extensions["fanzha"].ctx


def requested_period(default: Period) -> Period:
    try:
        first = date.fromisoformat(request.args.get("from") or default.first.isoformat())
        last = date.fromisoformat(request.args.get("to") or default.last.isoformat())
    except ValueError:
        flash(T["bad_period"], "error")
        return default
    first, last = min(first, last), max(first, last)
    return Period(max(first, last - timedelta(days=MAX_DAYS)), last)


def recent_period() -> Period:
    today = date.fromisoformat(ctx().today())
    return Period(today - timedelta(days=DEFAULT_DAYS - 1), today)


def figures_for(period: Period, items: list) -> Figures:
    c = ctx()
    figures = compute(items, period, c.clock(), c.registry().contact_within)
    checks = {day: c.state.checks_on(day) for day in period.days()}
    names = {t.id: t.name for t in c.detector.detector.library.types}
    add_checks(figures, checks, names)
    buildings = None if g.account.is_duty else set(g.account.grid.buildings)
    add_informants(figures, c.state.informants(), items, buildings)
    return figures


def report_items() -> list:
    state = ctx().state
    return [(r, state.report_events(r["id"])) for r in visible_reports(g.account, state)]


def charts_for(figures: Figures) -> dict:
    registry = ctx().registry()
    grids = [g_.id for g_ in g.account.grids(registry)]
    grids += [""] if figures.by_grid.get("") else []  # reports from buildings no grid owns
    grid_series = [(gid, f"series-{i % 6}") for i, gid in enumerate(grids)]
    days = [d for d, *_ in figures.checks]
    checks = {d: {"scam": s, "suspicious": u, "safe": n - s - u} for d, n, s, u in figures.checks}
    weeks = list(figures.weekly_risk)
    return {
        "weekly_risk": draw.stacked_bars(weeks, RISK_SERIES, figures.weekly_risk, "每周报告数（按风险）",
                                         every=max(1, len(weeks) // 8)),
        "weekly_grid": draw.stacked_bars(weeks, grid_series, figures.weekly_grid, "每周报告数（按网格）",
                                         every=max(1, len(weeks) // 8)),
        "grid_legend": [(css, grid_name(gid, registry)) for gid, css in grid_series],
        "checks": draw.stacked_bars(days, CHECK_SERIES, checks, "每天居民查询数", every=max(1, len(days) // 8)),
        "types": draw.hbars(figures.top_types, "最常见的骗局类型"),
        "timings": [(t, draw.against_target([("认领", _minutes(t.claim_median)), ("联系", _minutes(t.contact_median))],
                                            t.target / 60, f"{RISK[t.risk]}处理时间")) for t in figures.timings],
    }


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def page_values(period: Period) -> dict:
    items = report_items()
    figures = figures_for(period, items)
    before = compute(items, period.year_before(), ctx().clock(), ctx().registry().contact_within)
    return {"f": figures, "before": before, "charts": charts_for(figures), "risks": RISK,
            "outcomes": OUTCOME_NAMES, "grid_name": lambda gid: grid_name(gid, ctx().registry()),
            "change": {"total": change(figures.total, before.total), "lost": change(figures.lost, before.lost),
                       "saved": change(figures.saved, before.saved)}}


@bp.get("/figures")
def figures_page():
    period = requested_period(recent_period())
    return render_template("dashboard/figures.html", **page_values(period))


@bp.get("/figures/monthly")
def monthly_page():
    today = date.fromisoformat(ctx().today())
    try:
        first = date.fromisoformat((request.args.get("month") or today.isoformat()[:7]) + "-01")
    except ValueError:
        flash(T["bad_period"], "error")
        first = today.replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    values = page_values(Period(first, last))
    return render_template("dashboard/monthly.html", month=first.isoformat()[:7],
                           community=ctx().registry().community_name, printed=day_of(ctx().clock()), **values)


CSV_COLUMNS = ("编号", "提交时间", "风险", "楼栋", "单元", "房号", "网格", "状态", "认领人", "认领时间",
               "联系时间", "结案时间", "结果", "避免损失(元)", "损失(元)", "信息员人数", "来源")


@bp.get("/export.csv")
def export_csv():
    period = requested_period(recent_period())
    registry = ctx().registry()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for report in visible_reports(g.account, ctx().state):
        if period.contains(report.get("created_at")):
            writer.writerow([_cell(v) for v in csv_row(report, registry)])
    name = f"reports-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    # The BOM lets Excel open the Chinese text as UTF-8.
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def csv_row(report: dict, registry) -> list:
    """Figures and places only: the person's name and the situation stay in the dashboard."""
    return [report["id"], _full(report.get("created_at")), RISK.get(report.get("risk"), ""),
            report.get("building") or "", report.get("unit") or "", report.get("room") or "",
            grid_name(report.get("grid"), registry), STATUS.get(report.get("status"), ""),
            name_of(report.get("claimed_by"), registry), _full(report.get("claimed_at")),
            _full(report.get("contacted_at")), _full(report.get("closed_at")),
            OUTCOME_NAMES.get(report.get("outcome"), ""), report.get("amount_saved") or 0,
            report.get("amount_lost") or 0, len(report.get("informants") or []), report.get("source") or ""]


def _full(epoch) -> str:
    return f"{day_of(epoch)[:4]}-{clock(epoch)}" if epoch not in (None, "") else ""


def _cell(value):
    """A cell a spreadsheet will not run: text starting with = + - @ gets a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
