"""WeComClient against the local fake API: what is sent, token reuse and re-fetch, error handling."""

from __future__ import annotations

import time

import pytest
import requests

from bot.outbound import cards
from bot.outbound.errors import ApiError
from bot.outbound.wecom import WeComClient, clip_bytes
from tests.fake_wechat_api import MemoryTokenStore, fake_api  # noqa: F401  (fixture)

REPORT = {
    "id": "R7",
    "risk": "high",
    "building": "3栋",
    "unit": "2单元",
    "room": "502",
    "person": "王阿姨",
    "situation": "情绪焦虑，要去银行转账",
    "grid": "g1",
    "deadline_at": 1_767_000_000.0,
    "created_at": 1_766_999_400.0,
    "status": "open",
}


@pytest.fixture
def client(fake_api):  # noqa: F811
    return make_client(fake_api)


def make_client(fake, store=None, timeout: float = 2.0) -> WeComClient:
    return WeComClient(fake.url, "wwcorp", "secret", 1000002, store or MemoryTokenStore(), timeout=timeout)


def test_send_card_posts_a_template_card_and_returns_the_response_code(client, fake_api):  # noqa: F811
    card = cards.report_card(REPORT, "R7_r0_zhangsan", "claim:R7")
    answer = client.send_card(["zhangsan", "lisi"], card)
    assert answer["errcode"] == 0 and answer["response_code"]
    [call] = fake_api.sent("message/send")
    assert call.body["touser"] == "zhangsan|lisi"
    assert call.body["msgtype"] == "template_card" and call.body["agentid"] == 1000002
    assert call.body["template_card"]["button_list"][0]["key"] == "claim:R7"


def test_one_token_serves_many_calls(client, fake_api):  # noqa: F811
    client.send_text(["zhangsan"], "你好")
    client.send_group("chat-g1", "**R7** 已认领")
    assert len(fake_api.calls_to("gettoken")) == 1
    [group] = fake_api.sent("appchat/send")
    assert group.body == {
        "chatid": "chat-g1",
        "msgtype": "markdown",
        "markdown": {"content": "**R7** 已认领"},
    }


def test_a_revoked_token_is_refetched_once_and_the_call_succeeds(client, fake_api):  # noqa: F811
    client.send_text(["zhangsan"], "一")
    fake_api.revoke_tokens()  # WeCom may end a token early (docs): the next call answers 42001
    assert client.send_text(["zhangsan"], "二")["errcode"] == 0
    assert len(fake_api.calls_to("gettoken")) == 2
    assert [c.answer["errcode"] for c in fake_api.calls_to("message/send")] == [0, 42001, 0]


def test_a_second_invalid_token_gives_up(client, fake_api):  # noqa: F811
    fake_api.fail_next("message/send", 40001, times=2, errmsg="invalid credential")
    with pytest.raises(ApiError) as caught:
        client.send_text(["zhangsan"], "一")
    assert caught.value.token_invalid and caught.value.errcode == 40001
    assert len(fake_api.calls_to("message/send")) == 2  # tried exactly twice, no loop


@pytest.mark.parametrize("errcode", [-1, 45009, 45033])
def test_busy_and_rate_limits_are_retryable(client, fake_api, errcode):  # noqa: F811
    fake_api.fail_next("message/send", errcode)
    with pytest.raises(ApiError) as caught:
        client.send_text(["zhangsan"], "一")
    assert caught.value.retryable and caught.value.api == "message/send"


def test_http_502_is_retryable(client, fake_api):  # noqa: F811
    fake_api.fail_next("appchat/send", http_status=502)
    with pytest.raises(ApiError) as caught:
        client.send_group("chat-g1", "x")
    assert caught.value.retryable and caught.value.http_status == 502


def test_60020_is_a_config_error_the_admin_can_act_on(client, fake_api):  # noqa: F811
    fake_api.fail_next(
        "message/send", 60020, errmsg="not allow to access from your ip, hint: [16], from ip: 198.51.100.4"
    )
    with pytest.raises(ApiError) as caught:
        client.send_text(["zhangsan"], "一")
    error = caught.value
    assert error.config_error and not error.retryable
    assert "198.51.100.4" in str(error) and "企业可信IP" in str(error)


def test_a_timeout_is_a_retryable_api_error(fake_api):  # noqa: F811
    client = make_client(fake_api, timeout=0.3)
    client.send_text(["zhangsan"], "warm the token")
    fake_api.delay_next("message/send", 1.0)
    started = time.monotonic()
    with pytest.raises(ApiError) as caught:
        client.send_text(["zhangsan"], "一")
    assert caught.value.errcode == -2 and caught.value.retryable
    assert time.monotonic() - started < 0.9
    assert len(fake_api.calls_to("message/send")) == 2  # the server DID get it: sends must be idempotent


def test_a_wrong_secret_is_a_config_error_not_a_token_retry(fake_api):  # noqa: F811
    fake_api.corp_secret = "the-real-secret"
    with pytest.raises(ApiError) as caught:
        make_client(fake_api).send_text(["zhangsan"], "一")
    assert caught.value.config_error and not caught.value.token_invalid
    assert "WECOM_SECRET" in str(caught.value)
    assert len(fake_api.calls_to("gettoken")) == 1 and not fake_api.calls_to("message/send")


def test_update_card_replaces_the_button_for_everyone(client, fake_api):  # noqa: F811
    card = cards.report_card(REPORT, "R7_r0_zhangsan", "claim:R7")
    code = client.send_card(["zhangsan"], card)["response_code"]
    client.update_card(code, "已由 张三 认领 10:32", atall=True)
    [call] = fake_api.sent("message/update_template_card")
    assert call.body == {
        "agentid": 1000002,
        "response_code": code,
        "atall": 1,
        "button": {"replace_name": "已由 张三 认领 10:32"},
    }
    assert fake_api.card_label("R7_r0_zhangsan", "zhangsan") == "已由 张三 认领 10:32"


def test_update_card_for_named_users_and_a_response_code_is_single_use(client, fake_api):  # noqa: F811
    code = fake_api.click_code("R7_r0_lisi")  # as carried by a click callback
    client.update_card(code, "已由 李四 认领 10:33", users=["lisi"])
    assert fake_api.sent("message/update_template_card")[0].body["userids"] == ["lisi"]
    with pytest.raises(ApiError) as caught:
        client.update_card(code, "again", users=["lisi"])
    assert not caught.value.retryable


def test_a_task_id_cannot_be_used_twice(client, fake_api):  # noqa: F811
    card = cards.report_card(REPORT, "R7_r0_zhangsan", "claim:R7")
    client.send_card(["zhangsan"], card)
    with pytest.raises(ApiError) as caught:
        client.send_card(["zhangsan"], card)
    assert caught.value.errcode == 42014 and not caught.value.retryable


def test_robot_webhook_needs_no_token_and_is_limited_to_20_a_minute(client, fake_api):  # noqa: F811
    url = f"{fake_api.url}/cgi-bin/webhook/send?key=robot-key-1"
    for n in range(20):
        client.send_robot(url, f"通知 {n}")
    with pytest.raises(ApiError) as caught:
        client.send_robot(url, "第 21 条")
    assert caught.value.errcode == 45009 and caught.value.retryable
    assert not fake_api.calls_to("gettoken")
    assert fake_api.sent("webhook/send")[0].body == {"msgtype": "markdown", "markdown": {"content": "通知 0"}}


def test_network_errors_never_leak_the_token_or_the_robot_key():
    client = WeComClient("http://127.0.0.1:9", "wwcorp", "S3CRET", 1, MemoryTokenStore(), timeout=0.5)
    client.tokens.store.store_token(client.tokens.app, "TOKEN-XYZ", 60)
    with pytest.raises(ApiError) as caught:
        client.send_text(["a"], "x")
    assert caught.value.retryable and "TOKEN-XYZ" not in str(caught.value)
    with pytest.raises(ApiError) as caught:
        client.send_robot("http://127.0.0.1:9/cgi-bin/webhook/send?key=ROBOTKEY", "x")
    assert "ROBOTKEY" not in str(caught.value)


def test_chinese_goes_as_utf8_not_escapes(fake_api):  # noqa: F811
    session = requests.Session()
    sent = []
    session.hooks["response"].append(lambda r, *a, **k: sent.append(r.request.body))
    client = WeComClient(fake_api.url, "wwcorp", "secret", 1, MemoryTokenStore(), session=session)
    client.send_text(["a"], "你好")
    assert "你好".encode() in sent[-1] and b"\\u" not in sent[-1]


def test_long_text_is_clipped_on_a_character_boundary():
    clipped = clip_bytes("诈" * 1000, 2048)
    assert len(clipped.encode()) <= 2048 and clipped.endswith("…")
