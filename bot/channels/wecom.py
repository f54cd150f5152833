"""`/wecom`: the WeCom (企业微信) app callback. It only converts: request -> Incoming, Reply -> XML.

Protocol facts (WeCom docs, checked 2026):
- Every callback is encrypted (same AES scheme as the Official Account) with the CorpID as the
  receive id; msg_signature = sha1(sorted token, timestamp, nonce, Encrypt).
- GET verification: `echostr` is itself encrypted; decrypt it and answer the plaintext.
- `MsgId` may be a string (wechatpy's integer field breaks on it: we never use that parser).
- A card button click arrives as Event `template_card_event` with TaskId, EventKey (the button
  key), CardType and ResponseCode (used once, within ~72 h, to update everyone's card).
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, request

from bot.channels.common import Answer, echo_encrypted, handle, plain, respond, verify_signed
from bot.channels.wechat_mp import MAX_ID_LENGTH, reply_xml
from bot.channels.wxcrypto import BadMessage, decrypt_with_any, parse_xml, seal_reply
from bot.messages import Incoming, Reply

bp = Blueprint("wecom", __name__)


@bp.get("/wecom")
def verify_url() -> Response:
    services = current_app.extensions["fanzha"]
    return respond(echo_encrypted(request.args, services.config.wecom_token, services.wecom_keys, services))


@bp.post("/wecom")
def receive() -> Response:
    services = current_app.extensions["fanzha"]

    def read() -> Incoming:
        return to_incoming(open_envelope(request.get_data(cache=False), request.args, services))

    def render(reply: Reply, msg: Incoming) -> Answer:
        return render_reply(reply, msg, request.args.get("nonce", ""), services)

    return respond(handle(read, services.staff_router, services, render))


def open_envelope(body: bytes, args, services) -> dict[str, str]:
    encrypted = parse_xml(body).get("Encrypt", "")
    if not encrypted:
        raise BadMessage("missing field Encrypt")
    verify_signed(
        args, services.config.wecom_token, services.ctx.clock(), services.config.max_timestamp_skew, encrypted
    )
    plaintext, _ = decrypt_with_any(services.wecom_keys, encrypted)
    return parse_xml(plaintext.encode("utf-8"))


def to_incoming(fields: dict[str, str]) -> Incoming:
    user = fields.get("FromUserName", "")
    kind = fields.get("MsgType", "").lower()
    created = fields.get("CreateTime", "")
    if not user or not kind or not created.isdecimal():  # not isdigit(): "²" is a digit int() refuses
        raise BadMessage("missing field FromUserName, MsgType or CreateTime")
    if len(user) > MAX_ID_LENGTH:
        raise BadMessage("FromUserName is too long")
    event = fields.get("Event", "").lower() if kind == "event" else ""
    return Incoming(
        channel="wecom",
        user=user,
        account=fields.get("ToUserName", ""),
        kind=kind if kind in ("text", "event") else "other",
        msg_id=dedupe_key(fields, user, created, event),
        created_at=int(created),
        text=fields.get("Content", "") if kind == "text" else "",
        event=event,
        event_key=fields.get("EventKey", "")[:MAX_ID_LENGTH],
        fields=fields,
    )


def dedupe_key(fields: dict[str, str], user: str, created: str, event: str) -> str:
    msg_id = fields.get("MsgId", "")  # a string in WeCom: keep it as text
    if msg_id:
        return f"wecom:{msg_id[:MAX_ID_LENGTH]}"
    task = fields.get("TaskId", "")[:MAX_ID_LENGTH]
    key = fields.get("EventKey", "")[:MAX_ID_LENGTH]
    return f"wecom:{user}:{created}:{event}:{task}:{key}"


def render_reply(reply: Reply, msg: Incoming, nonce: str, services) -> Answer:
    if reply.is_empty:
        return plain(200, "")
    xml = reply_xml(reply, msg, services.ctx.clock())
    sealed = seal_reply(
        services.wecom_keys[0], services.config.wecom_token, xml, nonce or str(time.time_ns())
    )
    return Answer(200, sealed, "application/xml")
