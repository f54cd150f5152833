"""`/wechat` driven with real signed and encrypted requests built from the protocol."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from bot.channels.wxcrypto import sign
from bot.playground.wxclient import Delivery, WeChatServer, message_xml, signature
from tests.conftest import AES_KEY, APP_ID, OLD_AES_KEY, TOKEN

SCAM = "您好，我是公安局民警，您的银行账户涉嫌洗钱，请立即把资金转入安全账户配合调查，不要告诉家人"


# --- signatures and URL verification ---------------------------------------------------------


def test_official_signature_example():
    assert sign("AAAAA", "1714037059", "486452656") == "899cf89e464efb63f54ddac96b0a0a235f53aa78"
    assert signature("AAAAA", "1714037059", "486452656") == "899cf89e464efb63f54ddac96b0a0a235f53aa78"


def test_url_verification_with_the_official_example(make_app, clock):
    clock.now = 1714037059 + 10
    client = make_app(wechat_token="AAAAA").test_client()
    query = {
        "signature": "899cf89e464efb63f54ddac96b0a0a235f53aa78",
        "timestamp": "1714037059",
        "nonce": "486452656",
        "echostr": "echo-1234567",
    }
    response = client.get("/wechat?" + urlencode(query))
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "echo-1234567"


@pytest.mark.parametrize(
    "change",
    [
        {"signature": "0" * 40},
        {"signature": ""},
        {"nonce": "1"},
        {"timestamp": ""},
    ],
)
def test_url_verification_refuses_forgeries(app, wechat, change):
    query = {**wechat.verification("abc"), **change}
    response = app.test_client().get("/wechat?" + urlencode(query))
    assert response.status_code == 403
    assert "abc" not in response.get_data(as_text=True)


def test_url_verification_refuses_stale_timestamp(app, wechat, clock):
    query = wechat.verification("abc")
    clock.advance(301)
    assert app.test_client().get("/wechat?" + urlencode(query)).status_code == 403


def test_timestamp_window_is_configurable(make_app, wechat, clock):
    client = make_app(max_timestamp_skew=30).test_client()
    query = wechat.verification("abc")
    clock.advance(31)
    assert client.get("/wechat?" + urlencode(query)).status_code == 403


# --- the three modes --------------------------------------------------------------------------


def test_plaintext_mode(chat, wechat):
    response = chat.post(wechat.deliver(wechat.text("u1", "帮助"), encrypted=False))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<Encrypt>" not in body
    reply = wechat.read_reply(body)
    assert reply["ToUserName"] == "u1" and reply["FromUserName"] == wechat.account
    assert reply["MsgType"] == "text" and "反诈哨兵" in reply["Content"]


def test_safe_mode_reply_is_encrypted_and_signed(chat, wechat):
    response = chat.post(wechat.deliver(wechat.text("u1", "帮助"), encrypted=True))
    body = response.get_data(as_text=True)
    assert "<Encrypt>" in body and "反诈" not in body
    assert "反诈哨兵" in wechat.read_reply(body)["Content"]


def test_compatible_mode_carries_plaintext_and_ciphertext(chat, wechat):
    fields = wechat.text("u1", "帮助")
    inner = message_xml(fields)
    delivery = wechat.deliver_xml(inner, encrypted=True)
    sealed = delivery.body.decode().split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    both = message_xml({**fields, "Encrypt": sealed})
    response = chat.post(Delivery(delivery.query, both.encode()))
    assert "反诈哨兵" in wechat.read_reply(response.get_data())["Content"]


def test_key_rotation_previous_key_accepted_and_used_for_reply(make_app, clock):
    app = make_app(wechat_aes_key=AES_KEY, wechat_aes_key_previous=OLD_AES_KEY)
    old_side = WeChatServer(token=TOKEN, app_id=APP_ID, aes_key=OLD_AES_KEY, clock=clock)
    new_side = WeChatServer(token=TOKEN, app_id=APP_ID, aes_key=AES_KEY, clock=clock)
    client = app.test_client()
    for side in (old_side, new_side):
        delivery = side.deliver(side.text("u1", "帮助"), encrypted=True)
        response = client.post(delivery.path_with_query, data=delivery.body)
        assert "反诈哨兵" in side.read_reply(response.get_data())["Content"]
    # the reply to the old-key message is sealed with the old key, so the new one cannot open it
    delivery = old_side.deliver(old_side.text("u1", "帮助"), encrypted=True)
    response = client.post(delivery.path_with_query, data=delivery.body)
    with pytest.raises(ValueError):  # the AppID check at the end of the plaintext fails
        new_side.read_reply(response.get_data())


def test_unknown_key_is_refused(app, clock):
    stranger = WeChatServer(token=TOKEN, app_id=APP_ID, aes_key=OLD_AES_KEY, clock=clock)
    delivery = stranger.deliver(stranger.text("u1", "帮助"), encrypted=True)
    response = app.test_client().post(delivery.path_with_query, data=delivery.body)
    assert response.status_code == 400


def test_wrong_app_id_is_refused(app, clock):
    other = WeChatServer(token=TOKEN, app_id="wxsomeoneelse", aes_key=AES_KEY, clock=clock)
    delivery = other.deliver(other.text("u1", "帮助"), encrypted=True)
    assert app.test_client().post(delivery.path_with_query, data=delivery.body).status_code == 400


# --- failures: clear answers, no tracebacks ---------------------------------------------------


def _post(app, delivery: Delivery, body: bytes | None = None):
    return app.test_client().post(delivery.path_with_query, data=delivery.body if body is None else body)


def _no_traceback(response) -> None:
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text


@pytest.mark.parametrize("param", ["signature", "timestamp", "nonce"])
def test_plaintext_missing_or_forged_signature_is_403(app, wechat, param):
    delivery = wechat.deliver(wechat.text("u1", "帮助"), encrypted=False)
    for value in (None, "123456"):
        query = dict(delivery.query)
        if value is None:
            query.pop(param)
        else:
            query[param] = value
        response = _post(app, Delivery(query, delivery.body))
        assert response.status_code == 403, (param, value)
        _no_traceback(response)


def test_encrypted_with_forged_msg_signature_is_403(app, wechat):
    delivery = wechat.deliver(wechat.text("u1", "帮助"), encrypted=True)
    for query in (
        {**delivery.query, "msg_signature": "f" * 40},
        {k: v for k, v in delivery.query.items() if k != "msg_signature"},
    ):
        assert _post(app, Delivery(query, delivery.body)).status_code == 403


def test_stale_message_is_refused(app, wechat, clock):
    delivery = wechat.deliver(wechat.text("u1", "帮助"))
    clock.advance(3600)
    assert _post(app, delivery).status_code == 403


def _signed_raw(wechat: WeChatServer, body: bytes) -> Delivery:
    delivery = wechat.deliver_xml("<xml/>", encrypted=False)
    return Delivery(delivery.query, body)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<xml><Content>&lol3;</Content></xml>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>"
    b"<MsgType>text</MsgType><Content>&xxe;</Content></xml>"
)


@pytest.mark.parametrize(
    "body",
    [
        b"not xml at all",
        b"",
        b"\xff\xfe\x00<xml>",
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        b"<xml><MsgType>text</MsgType></xml>",  # missing fields
        b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>"
        b"<MsgType>text</MsgType><Content>x</Content><Content>y</Content></xml>",  # repeated field
        b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>soon</CreateTime>"
        b"<MsgType>text</MsgType><Content>x</Content></xml>",
        b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>"
        b"<MsgType>text</MsgType></xml>",  # text without Content
    ],
)
def test_bad_bodies_are_400(app, wechat, body):
    response = _post(app, _signed_raw(wechat, body))
    assert response.status_code == 400
    _no_traceback(response)
    assert "root:" not in response.get_data(as_text=True)


@pytest.mark.parametrize("encrypt", ["", "not base64!!", "QUJD", "A" * 44, "A" * 64])
def test_undecryptable_is_400(app, wechat, encrypt):
    delivery = wechat.deliver(wechat.text("u1", "帮助"), encrypted=True)
    query = dict(delivery.query)
    query["msg_signature"] = signature(TOKEN, query["timestamp"], query["nonce"], encrypt)
    body = message_xml({"ToUserName": "gh", "Encrypt": encrypt}).encode()
    response = _post(app, Delivery(query, body))
    assert response.status_code == 400
    _no_traceback(response)


def test_encrypted_dtd_inside_the_envelope_is_400(app, wechat):
    delivery = wechat.deliver_xml(BILLION_LAUGHS.decode(), encrypted=True)
    assert _post(app, delivery).status_code == 400


def test_unknown_encrypt_type_is_400(app, wechat):
    delivery = wechat.deliver(wechat.text("u1", "帮助"), encrypted=False)
    assert _post(app, Delivery({**delivery.query, "encrypt_type": "rot13"}, delivery.body)).status_code == 400


def test_body_over_64_kb_is_413(app, wechat):
    delivery = wechat.deliver(wechat.text("u1", "骗" * 30000), encrypted=False)
    assert len(delivery.body) > 64 * 1024
    response = _post(app, delivery)
    assert response.status_code == 413
    _no_traceback(response)


def test_wrong_method_and_path_answer_plainly(app):
    client = app.test_client()
    assert client.put("/wechat").status_code == 405
    assert client.get("/nowhere").status_code == 404
    _no_traceback(client.get("/nowhere"))


# --- message types ----------------------------------------------------------------------------


def test_text_scam_gets_a_warning(chat):
    reply = chat.send(SCAM)
    assert "诈骗" in reply and "96110" in reply


def test_everyday_text_is_not_alarming(chat):
    reply = chat.send("妈，我今晚加班，晚饭不回来吃了，你们先吃")
    assert "高度疑似" not in reply


def test_link_is_checked_like_text(chat, wechat):
    fields = wechat.fields(
        "u1",
        "link",
        Title="公安局通知：您涉嫌洗钱",
        Description="请立即将资金转入安全账户配合调查，不要告诉家人",
        Url="http://gaj-anquan.example.top/case",
    )
    assert "诈骗" in chat.deliver(fields)


def test_voice_with_recognition_is_checked(chat, wechat):
    fields = wechat.fields("u1", "voice", MediaId="m1", Format="amr", Recognition=SCAM)
    assert "诈骗" in chat.deliver(fields)


@pytest.mark.parametrize(
    "kind,word",
    [("image", "图片"), ("video", "视频"), ("file", "文件"), ("location", "位置"), ("voice", "语音")],
)
def test_media_gets_a_pointer_to_what_works(chat, wechat, kind, word):
    reply = chat.deliver(wechat.fields("u1", kind, MediaId="m1"))
    assert word in reply and "粘贴" in reply


def test_subscribe_welcomes_and_remembers(chat, app):
    reply = chat.event("subscribe", user="newbie")
    assert "欢迎" in reply and "反诈知识" in reply
    state = app.extensions["fanzha"].ctx.state
    assert state.is_subscriber("newbie")
    assert chat.event("unsubscribe", user="newbie") == ""
    assert not state.is_subscriber("newbie")


@pytest.mark.parametrize("key", ["HELP", "CHECK_HOWTO"])
def test_menu_click(chat, key):
    assert "反诈哨兵" in chat.event("CLICK", key=key)


def test_menu_view_gets_no_reply(chat):
    assert chat.event("VIEW", key="https://example.org/") == ""


def test_unknown_event_is_quiet(chat):
    assert chat.event("LOCATION") == ""


def test_empty_text_asks_for_content(chat):
    assert "粘贴" in chat.send("   ")


def test_reply_cannot_break_out_of_cdata(chat, wechat):
    fields = wechat.text("u]]><x>1</x>", "帮助")
    response = chat.post(wechat.deliver(fields, encrypted=False))
    assert wechat.read_reply(response.get_data())["ToUserName"] == "u]]><x>1</x>"


def test_a_huge_message_of_emoji_and_zero_width_characters_gets_a_polite_answer(chat, wechat):
    text = "😀\u200b\u200d" * 4500  # ~60 KB once encrypted: under the limit, still answered
    delivery = wechat.deliver(wechat.text("u1", text))
    assert len(delivery.body) < 64 * 1024
    response = chat.post(delivery)
    assert response.status_code == 200
    assert wechat.read_reply(response.get_data())["Content"]


@pytest.mark.parametrize("payload", ["'; DROP TABLE reports; --", "<script>alert(1)</script>", "]]><x/>&amp;"])
def test_injection_text_is_just_text(chat, payload):
    reply = chat.send(payload)
    assert reply and "Traceback" not in reply
