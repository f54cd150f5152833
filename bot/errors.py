"""Plain, precise answers for HTTP errors: never a traceback, never an HTML stack page."""

from __future__ import annotations

import logging

import redis
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from bot import texts

log = logging.getLogger(__name__)


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return Response(f"{exc.code} {exc.name}", status=exc.code, mimetype="text/plain")

    @app.errorhandler(redis.RedisError)
    def store_down(exc: redis.RedisError) -> Response:
        # Pages that need Redis (the dashboard) say so plainly; the webhook has its own degraded mode.
        log.error("redis unavailable on %s %s", request.method, request.path)
        return Response(texts.STORE_DOWN, status=503, mimetype="text/plain")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return Response("500 Internal Server Error", status=500, mimetype="text/plain")
