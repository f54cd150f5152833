"""`/healthz`: is Redis answering, and which pattern library is in service."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    services = current_app.extensions["fanzha"]
    redis_ok = services.ctx.state.ping()
    library = services.ctx.detector.info()
    body = {
        "status": "ok" if redis_ok else "degraded",
        "redis": {"ok": redis_ok, "embedded": not services.config.redis_url},
        "patterns": {
            key: library.get(key)
            for key in ("file", "sha256", "loaded_at", "types", "phrasings", "valid", "error")
        },
        "community": services.config.community_id,
    }
    return jsonify(body), (200 if redis_ok else 503)
