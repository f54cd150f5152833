"""One report: its details, full history, and the actions (each the same rule as in WeCom).

Every action goes through bot.reports (staffing, closing) with the signed-in person as `by`,
so the dashboard can do nothing a WeCom command could not, and every action is an event.
"""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from bot import texts
from bot.dashboard import bp
from bot.dashboard.history import history
from bot.dashboard.rows import board_row, name_of
from bot.dashboard.text import OUTCOME_NAMES, T
from bot.reports import closing, staffing
from bot.reports.query import normalize_id

NOTE_CHARS = 500


def ctx():
    return current_app.extensions["fanzha"].ctx


def visible_report(rid: str) -> dict:
    report = ctx().state.get_report(normalize_id(rid)[:16])
    if report is None or not g.account.sees(report):
        abort(404)  # another grid's report does not exist, as far as this account can tell
    return report


@bp.errorhandler(404)
def not_found(_error):
    return render_template("dashboard/message.html", message=T["no_such_report"]), 404


@bp.get("/reports/<rid>")
def report_page(rid: str):
    report = visible_report(rid)
    registry, now = ctx().registry(), ctx().clock()
    grid = staffing.grid_of(report, ctx())
    targets = [*(grid.members if grid else ()), *registry.duty]
    return render_template(
        "dashboard/report.html", report=report, row=board_row(report, registry, now), now=now,
        events=history(ctx().state.report_events(report["id"]), registry),
        targets=[(p.wecom, p.name) for p in dict.fromkeys(targets)],
        outcomes=texts.OUTCOMES, outcome_name=OUTCOME_NAMES.get(report.get("outcome"), ""),
        closed_by=name_of(report.get("closed_by"), registry),
    )


def done(rid: str, message: str, ok: bool = True):
    flash(message, "ok" if ok else "error")
    return redirect(url_for("dashboard.report_page", rid=rid))


@bp.post("/reports/<rid>/claim")
def report_claim(rid: str):
    report = visible_report(rid)
    return done(report["id"], staffing.claim(report["id"], g.account.user, ctx()))


@bp.post("/reports/<rid>/release")
def report_release(rid: str):
    report = visible_report(rid)
    return done(report["id"], staffing.release(report["id"], g.account.user, ctx()))


@bp.post("/reports/<rid>/contacted")
def report_contacted(rid: str):
    report = visible_report(rid)
    return done(report["id"], staffing.mark_contacted(report["id"], g.account.user, ctx()))


@bp.post("/reports/<rid>/transfer")
def report_transfer(rid: str):
    report = visible_report(rid)
    target = request.form.get("target", "").strip()[:64]
    if not target:
        return done(report["id"], T["bad_target"], ok=False)
    return done(report["id"], staffing.transfer(report["id"], g.account.user, target, ctx()))


@bp.post("/reports/<rid>/note")
def report_note(rid: str):
    report = visible_report(rid)
    note = request.form.get("note", "").strip()[:NOTE_CHARS]
    if not note:
        return done(report["id"], T["note_empty"], ok=False)
    now = ctx().clock()
    ctx().state.update_report(report["id"], {}, {"at": now, "by": g.account.user, "what": "note", "text": note}, [])
    return done(report["id"], T["note_added"])


@bp.post("/reports/<rid>/close")
def report_close(rid: str):
    report = visible_report(rid)
    choice = request.form.get("outcome", "")
    if choice not in texts.OUTCOMES:
        return done(report["id"], T["bad_outcome"], ok=False)
    amount = closing.parse_amount(request.form.get("amount", "").strip() or "0")
    if amount is None:
        return done(report["id"], T["bad_amount"], ok=False)
    current, _, refusal = staffing.load_for(report["id"], g.account.user, ctx())
    if current is None:
        return done(report["id"], refusal, ok=False)
    code, outcome_name = texts.OUTCOMES[choice]
    closing.close(current, g.account.user, ctx(), code, outcome_name, amount)
    words = ""
    if amount and choice in closing.ASKS_AMOUNT:
        template = texts.AMOUNT_SAVED if choice == "1" else texts.AMOUNT_LOST
        words = template.format(amount=f"{amount:,.0f}")
    return done(report["id"], texts.STAFF_CLOSED.format(id=report["id"], outcome=outcome_name, amount=words))
