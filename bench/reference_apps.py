"""The two reference servers of the load test, served by the same gunicorn set-up as the bot.

    gunicorn bench.reference_apps:bare_app       # a bare Flask endpoint that answers `success`
    gunicorn bench.reference_apps:wechatpy_app   # the simplest encrypted WeChat bot, with wechatpy

`wechatpy_app` is what the simplest 安全模式 Official Account bot costs: check the signature,
decrypt, parse, reply with a fixed text, encrypt. No detection, no Redis, no dedupe. It reads
WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_AES_KEY like the bot, so the load client can send both
servers the very same requests.
"""

from __future__ import annotations

import os

from flask import Flask, Response, request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

REPLY_TEXT = "收到。这是最简单的公众号机器人的回复。"


def _with_healthz(app: Flask) -> Flask:
    # The load script waits for /healthz before measuring, as it does for the bot.
    app.add_url_rule("/healthz", "healthz", lambda: "ok")
    return app


def make_bare_app() -> Flask:
    app = Flask("bare_reference")

    @app.post("/wechat")
    def receive() -> str:
        return "success"

    return _with_healthz(app)


def make_wechatpy_app(token: str, app_id: str, aes_key: str) -> Flask:
    app = Flask("wechatpy_reference")
    crypto = WeChatCrypto(token, aes_key, app_id)

    @app.post("/wechat")
    def receive() -> Response:
        args = request.args
        timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
        try:
            check_signature(token, args.get("signature", ""), timestamp, nonce)
            xml = crypto.decrypt_message(request.get_data(), args.get("msg_signature", ""), timestamp, nonce)
        except (InvalidSignatureException, InvalidAppIdException):
            return Response("forbidden", status=403)
        message = parse_message(xml)
        reply = TextReply(content=REPLY_TEXT, message=message)
        return Response(crypto.encrypt_message(reply.render(), nonce, timestamp), mimetype="application/xml")

    return _with_healthz(app)


bare_app = make_bare_app()
# Built at import only when configured: importing the module for bare_app needs no WeChat settings.
wechatpy_app = (
    make_wechatpy_app(os.environ["WECHAT_TOKEN"], os.environ["WECHAT_APP_ID"], os.environ["WECHAT_AES_KEY"])
    if os.environ.get("WECHAT_AES_KEY")
    else None
)
