"""Signing in and out, and the gate in front of every dashboard page.

Signed out: pages redirect to the sign-in page, JSON answers 401. Every POST carries the
session's CSRF token. A password change (or a registry edit that removes someone) ends the
sessions signed in before it, because each request re-checks both.
"""

from __future__ import annotations

import math

from flask import Response, current_app, g, jsonify, redirect, render_template, request, session, url_for
from flask.sessions import NullSession

from bot import texts
from bot.dashboard import bp, fmt
from bot.dashboard import security as sec
from bot.dashboard.accounts import Account, account_for, demo_accounts, locked_for, note_failure, note_success
from bot.dashboard.history import clock
from bot.dashboard.passwords import fingerprint, verify_password
from bot.dashboard.text import T
from bot.reports.notices import clock_time

SIGN_IN = {"dashboard.login_submit", "dashboard.login_demo"}
PUBLIC = {"dashboard.login", "dashboard.static", *SIGN_IN}
DEMO_MARK = "local-demo"  # the fingerprint of a local mode sign-in, never valid elsewhere


def services():
    return current_app.extensions["fanzha"]


@bp.before_request
def gate():
    if isinstance(session, NullSession) and request.endpoint != "dashboard.static":
        # No session without the shared secret in Redis: say so instead of failing half-way.
        return Response(texts.STORE_DOWN, status=503, mimetype="text/plain")
    g.account = signed_in_account()
    if request.method == "POST" and not sec.csrf_ok():
        if request.endpoint in SIGN_IN:
            return login_page(T["login_expired"], 403)
        return refuse(T["csrf_refused"], 403)
    if g.account is None and request.endpoint not in PUBLIC:
        if request.path.startswith("/dashboard/api/"):
            return jsonify(error=T["need_sign_in"]), 401
        return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
    return None


@bp.after_request
def after(response):
    return sec.harden(response)


@bp.context_processor
def template_globals():
    return {"csrf_token": sec.csrf_token, "account": g.get("account"), "hhmm": clock_time, "when": clock,
            "local_mode": services().config.local_mode, "playground": services().config.playground,
            "money": fmt.money, "pct": fmt.pct, "trend": fmt.trend, "minutes": fmt.minutes}


def signed_in_account() -> Account | None:
    user = session.get("user")
    if not user:
        return None
    state, config = services().ctx.state, services().config
    account = account_for(user, services().ctx.registry())
    mark = session.get("pw")
    valid = (mark == DEMO_MARK and config.local_mode) or (mark == fingerprint(state.password_record(user)))
    if account is None or not valid:
        session.clear()
        return None
    return account


def refuse(message: str, status: int):
    if request.path.startswith("/dashboard/api/"):
        return jsonify(error=message), status
    return render_template("dashboard/message.html", message=message), status


@bp.get("/login")
def login():
    if g.account:
        return redirect(url_for("dashboard.board"))
    return login_page()


@bp.post("/login")
def login_submit():
    user = request.form.get("user", "").strip()[:64]
    password = request.form.get("password", "")[:256]
    state, address = services().ctx.state, sec.client_address()
    wait = locked_for(state, user, address)
    if wait:
        return login_page(T["login_locked"].format(minutes=math.ceil(wait / 60)), 429)
    account = account_for(user, services().ctx.registry())
    record = state.password_record(user) if account else None
    if not verify_password(password, record):  # runs the same hash for unknown accounts
        note_failure(state, user, address)
        return login_page(T["login_failed"], 401)
    note_success(state, user)
    start_session(user, fingerprint(record))
    return redirect(safe_next(request.form.get("next", "")))


@bp.post("/login/demo")
def login_demo():
    """Local mode only: sign in as the demo duty officer or a grid leader, no password."""
    if not services().config.local_mode:
        return refuse(T["demo_only_local"], 404)
    wanted = request.form.get("user", "")
    account = next((a for a in demo_accounts(services().ctx.registry()) if a.user == wanted), None)
    if account is None:
        return login_page(T["not_staff"], 400)
    start_session(account.user, DEMO_MARK)
    return redirect(url_for("dashboard.board"))


@bp.post("/logout")
def logout():
    session.clear()
    return login_page(T["signed_out"])


def start_session(user: str, mark: str) -> None:
    session.clear()  # a fresh session (and CSRF token) at every sign-in: no fixation
    session.permanent = True
    session.update(user=user, pw=mark)
    sec.csrf_token()


def login_page(message: str = "", status: int = 200):
    registry = services().ctx.registry()
    demos = demo_accounts(registry) if services().config.local_mode else []
    next_url = request.values.get("next", "")
    return render_template("dashboard/login.html", message=message, demos=demos, next=next_url,
                           community=registry.community_name), status


def safe_next(target: str) -> str:
    """Only back into the dashboard: never an open redirect to another site."""
    if target.startswith("/dashboard") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.board")
