"""POST /wechat without Flask's request machinery.

A resident's message is the busiest request by far, and the bot's own work on it (the envelope,
one Redis round trip, detection) is small enough that Flask's per-request cost (request context,
URL map, hooks, the Response object) was a tenth of it (measured in-process with py-spy). This
WSGI middleware answers that one request with the same `wechat_mp.answer_message` the Flask view
uses, so both give the same bytes; everything else, and any POST /wechat it is not sure about
(no Content-Length, a body over the limit), goes on to Flask unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from urllib.parse import unquote_plus

from werkzeug.http import HTTP_STATUS_CODES

from bot.channels.common import Answer
from bot.channels.wechat_mp import answer_message

log = logging.getLogger(__name__)

PATH = "/wechat"
INTERNAL_ERROR = Answer(500, "500 Internal Server Error")  # as bot/errors.py answers


class FirstValues(dict):
    """Query parameters with the first value of a repeated name, as Flask's request.args.get."""

    @classmethod
    def parse(cls, query: str) -> FirstValues:
        """parse_qsl(query, keep_blank_values=True), first value of each name. WeChat's parameters
        are plain ASCII, so a part without "%" or "+" is taken as it is (parse_qsl unquotes every
        part: a fifth of this layer's own cost)."""
        values = cls()
        for part in query.split("&"):
            if not part:
                continue
            name, _, value = part.partition("=")
            if "%" in part or "+" in part:
                name, value = unquote_plus(name), unquote_plus(value)
            values.setdefault(name, value)
        return values


class WeChatFastPath:
    def __init__(self, app: Callable, services, max_body: int):
        self.app = app  # the Flask WSGI app (everything else)
        self.services = services
        self.max_body = max_body

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        length = self._length(environ)
        if length is None:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            answer = answer_message(body, FirstValues.parse(environ.get("QUERY_STRING", "")), self.services)
        except Exception:  # the router answers handler errors itself; this is the last resort
            log.exception("unhandled error on POST %s", PATH)
            answer = INTERNAL_ERROR
        payload = answer.body.encode("utf-8")
        start_response(
            f"{answer.status} {HTTP_STATUS_CODES.get(answer.status, 'Unknown').upper()}",  # as werkzeug
            [("Content-Type", answer.content_type), ("Content-Length", str(len(payload)))],
        )
        return [payload]

    def _length(self, environ: dict) -> int | None:
        """The body's length when this path takes the request; None sends it on to Flask."""
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != PATH:
            return None
        raw = environ.get("CONTENT_LENGTH") or ""
        if not raw.isdecimal() or int(raw) > self.max_body:
            return None  # Flask answers 411/413 and reads chunked bodies
        return int(raw)
