"""What every callback adapter shares: plain answers, the refusal of bad requests, the encrypted
URL check of WeCom-style callbacks, and the verify -> parse -> dispatch -> render sequence.

Adapters answer with an `Answer` (status, body, media type), not a Flask Response: the busiest
path, an Official Account message, is also served without Flask (see `fastpath.py`), and both
ways must give the same bytes."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask import Response

from bot.channels.wxcrypto import (
    AesKey,
    BadMessage,
    BadSignature,
    check_fresh,
    decrypt_with_any,
    verify_signature,
)
from bot.messages import Incoming, Reply


class Answer(NamedTuple):
    status: int
    body: str
    mimetype: str = "text/plain"

    @property
    def content_type(self) -> str:
        return f"{self.mimetype}; charset=utf-8"


def respond(answer: Answer) -> Response:
    """The Flask view's Response for an answer."""
    return Response(answer.body, status=answer.status, mimetype=answer.mimetype)


def plain(status: int, text: str) -> Answer:
    return Answer(status, text)


def refusal(exc: Exception) -> Answer:
    """403 for anything not from WeChat/WeCom (or replayed), 400 for anything unreadable."""
    if isinstance(exc, BadSignature):
        return plain(403, f"forbidden: {exc}")
    return plain(400, f"bad request: {exc}")


def verify_signed(args, token: str, now: float, max_skew: int, *signed: str) -> None:
    """msg_signature over (token, timestamp, nonce, *signed), and a fresh timestamp."""
    timestamp = args.get("timestamp", "")
    verify_signature(args.get("msg_signature", ""), token, timestamp, args.get("nonce", ""), *signed)
    check_fresh(timestamp, now, max_skew)


def echo_encrypted(args, token: str, keys: list[AesKey], services) -> Answer:
    """WeCom-style URL check: `echostr` is encrypted; answer its plaintext."""
    echostr = args.get("echostr", "")
    try:
        verify_signed(args, token, services.ctx.clock(), services.config.max_timestamp_skew, echostr)
        plaintext, _ = decrypt_with_any(keys, echostr)
    except (BadSignature, BadMessage) as exc:
        return refusal(exc)
    return plain(200, plaintext)


def handle(
    read: Callable[[], Incoming], router, services, render: Callable[[Reply, Incoming], Answer]
) -> Answer:
    """Read the request into a message (or refuse it), let the router answer it once, render."""
    try:
        msg = read()
    except (BadSignature, BadMessage) as exc:
        return refusal(exc)
    return render(router.dispatch(msg, services.ctx), msg)
