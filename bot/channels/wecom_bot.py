"""`/wecom/bot`: the WeCom 智能机器人 (group bot) callback, so staff can type `@哨兵 认领 R7` in the
grid's group chat. It only converts: request -> Incoming, Reply -> encrypted JSON.

Protocol facts (WeCom 智能机器人 docs, 2025-2026):
- GET verification: msg_signature over (token, timestamp, nonce, echostr); decrypt echostr and
  answer the plaintext.
- POST body is JSON `{"encrypt": ...}`, the same AES scheme with an EMPTY receive id; the plaintext
  is JSON with msgid, chatid, chattype (single/group), from.userid, msgtype, text.content (which
  carries the @name), response_url.
- The passive reply is JSON `{"encrypt", "msgsignature", "timestamp", "nonce"}` built by hand
  (wechatpy only emits XML); its plaintext here is a finished `stream` message.
"""

from __future__ import annotations

import json
import secrets
import time

from flask import Blueprint, Response, current_app, request

from bot.channels.common import Answer, echo_encrypted, handle, plain, respond, verify_signed
from bot.channels.wechat_mp import MAX_ID_LENGTH, fit_reply
from bot.channels.wxcrypto import BadMessage, decrypt_with_any, sign
from bot.messages import Incoming, Reply

bp = Blueprint("wecom_bot", __name__)


@bp.get("/wecom/bot")
def verify_url() -> Response:
    services = current_app.extensions["fanzha"]
    return respond(echo_encrypted(request.args, services.config.wecom_bot_token, services.wecom_bot_keys, services))


@bp.post("/wecom/bot")
def receive() -> Response:
    services = current_app.extensions["fanzha"]

    def read() -> Incoming:
        return to_incoming(open_envelope(request.get_data(cache=False), request.args, services))

    return respond(handle(read, services.staff_router, services, lambda reply, msg: render_reply(reply, services)))


def open_envelope(raw: bytes, args, services) -> dict:
    encrypted = load_json(raw).get("encrypt")
    if not isinstance(encrypted, str) or not encrypted:
        raise BadMessage("missing field encrypt")
    verify_signed(
        args,
        services.config.wecom_bot_token,
        services.ctx.clock(),
        services.config.max_timestamp_skew,
        encrypted,
    )
    plaintext, _ = decrypt_with_any(services.wecom_bot_keys, encrypted)
    return load_json(plaintext.encode("utf-8"))


def load_json(raw: bytes) -> dict:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadMessage("not JSON") from None
    if not isinstance(body, dict):
        raise BadMessage("not a JSON object")
    return body


def to_incoming(body: dict) -> Incoming:
    sender = body.get("from") if isinstance(body.get("from"), dict) else {}
    user, msg_id = str(sender.get("userid") or ""), str(body.get("msgid") or "")
    if not user or not msg_id or len(user) > MAX_ID_LENGTH:
        raise BadMessage("missing field from.userid or msgid")
    kind = str(body.get("msgtype") or "")
    text_part = body.get("text") if isinstance(body.get("text"), dict) else {}
    return Incoming(
        channel="wecom_bot",
        user=user,
        kind="text" if kind == "text" else "other",
        msg_id=f"wbot:{msg_id[:MAX_ID_LENGTH]}",
        created_at=0,
        text=str(text_part.get("content") or "") if kind == "text" else "",
        fields={"chatid": str(body.get("chatid") or ""), "chattype": str(body.get("chattype") or "")},
    )


def render_reply(reply: Reply, services) -> Answer:
    if reply.is_empty:
        return plain(200, "")
    stream = {
        "msgtype": "stream",
        "stream": {"id": secrets.token_hex(8), "finish": True, "content": fit_reply(reply.text)},
    }
    plaintext = json.dumps(stream, ensure_ascii=False)
    key = services.wecom_bot_keys[0]
    encrypted = key.encrypt(plaintext)
    timestamp, nonce = str(int(services.ctx.clock() or time.time())), secrets.token_hex(8)
    sealed = {
        "encrypt": encrypted,
        "msgsignature": sign(services.config.wecom_bot_token, timestamp, nonce, encrypted),
        "timestamp": int(timestamp),
        "nonce": nonce,
    }
    return Answer(200, json.dumps(sealed), "application/json")
