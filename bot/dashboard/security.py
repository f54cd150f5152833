"""Sessions, CSRF tokens and response headers for the dashboard.

The session cookie is signed with one secret that every web process shares: SECRET_KEY when
set, else a key made once and stored in Redis with SET NX (whichever process is first wins, the
others read it), so a sign-in on one gunicorn worker is valid on all of them.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta

import redis
from flask import Flask, Response, request, session
from flask.sessions import SecureCookieSessionInterface

log = logging.getLogger(__name__)

SESSION_PATH = "/dashboard"
SESSION_HOURS = 12  # one night shift; then sign in again
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
# Everything from this machine, nothing inline that could run: resident text can never become code.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class SharedSecretSessions(SecureCookieSessionInterface):
    """Cookie sessions whose key is fetched on first use (Redis may start after the app).

    Only the dashboard has sessions: every other request (the webhooks' thousands of messages)
    gets Flask's empty null session, without reading, verifying or signing a cookie."""

    def open_session(self, app: Flask, request):
        if not request.path.startswith(SESSION_PATH):
            return None
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            try:
                app.secret_key = shared_secret(app)
            except redis.RedisError:
                log.warning("dashboard sessions unavailable: Redis does not answer")
                return None  # Flask then hands out an empty session that cannot be saved
        return super().get_signing_serializer(app)


def shared_secret(app: Flask) -> str:
    services = app.extensions["fanzha"]
    configured = services.config.secret_key
    return configured or services.ctx.state.session_secret()


def configure(app: Flask) -> None:
    """Cookie settings: HttpOnly, SameSite=Lax, Secure except on the local machine."""
    local = app.extensions["fanzha"].config.local_mode
    app.session_interface = SharedSecretSessions()
    app.config.update(
        SESSION_COOKIE_NAME="fz_dashboard",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not local,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok() -> bool:
    expected = session.get("csrf") or ""
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    return bool(expected and given) and hmac.compare_digest(expected.encode(), given.encode())


def harden(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if response.mimetype in ("text/html", "application/json", "text/csv"):
        response.headers["Cache-Control"] = "no-store"  # residents' details stay off shared disks
    return response


def client_address() -> str:
    # Behind a reverse proxy this is the proxy unless the app is wrapped in ProxyFix.
    return request.remote_addr or "unknown"
