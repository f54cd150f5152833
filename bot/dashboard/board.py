"""The live board: open reports, the least time left first; the page polls /api/board."""

from __future__ import annotations

from flask import current_app, g, jsonify, render_template, request

from bot.dashboard import bp
from bot.dashboard.rows import board_rows
from bot.dashboard.text import RISK, STATUS, T

FILTERS = ("grid", "risk", "status")
POLL_MS = 1000  # a new report must be on screen within 2 s of the webhook (issue 6)


def filters_from_request() -> dict:
    values = {name: request.args.get(name, "")[:32] for name in FILTERS}
    if not g.account.is_duty:
        values["grid"] = g.account.grid.id  # a grid leader's board is always their own grid
    return values


@bp.get("")
@bp.get("/")
def board():
    registry = current_app.extensions["fanzha"].ctx.registry()
    return render_template(
        "dashboard/board.html", filters=filters_from_request(), grids=g.account.grids(registry),
        risks=RISK, statuses={k: v for k, v in STATUS.items() if k != "closed"}, poll_ms=POLL_MS,
        words={k: T[k] for k in ("overdue", "left", "contacted_stop", "unassigned", "none")},
    )


@bp.get("/api/board")
def board_data():
    ctx = current_app.extensions["fanzha"].ctx
    now = ctx.clock()
    rows = board_rows(g.account, ctx.state, ctx.registry(), now, filters_from_request())
    counts = {
        "open": sum(r["status"] == "open" for r in rows),
        "claimed": sum(r["status"] == "claimed" for r in rows),
        "contacted": sum(r["status"] == "contacted" for r in rows),
        "overdue": sum(r["overdue"] for r in rows),
        "high": sum(r["risk"] == "high" for r in rows),
    }
    return jsonify(now=now, reports=rows, counts=counts)
