"""OfficialAccountClient: stable_token, customer-service text, the 48 h window."""

from __future__ import annotations

import pytest

from bot.outbound.errors import ApiError
from bot.outbound.mp import OfficialAccountClient
from tests.fake_wechat_api import MemoryTokenStore, fake_api  # noqa: F401  (fixture)


@pytest.fixture
def client(fake_api):  # noqa: F811
    return OfficialAccountClient(fake_api.url, "wxapp", "appsecret", MemoryTokenStore(), timeout=2.0)


def test_send_text_fetches_a_stable_token_by_post_and_sends(client, fake_api):  # noqa: F811
    client.send_text("openid-1", "您报告的情况已处理")
    client.send_text("openid-1", "谢谢")
    [fetch] = fake_api.calls_to("stable_token")
    assert fetch.method == "POST"
    assert fetch.body == {
        "grant_type": "client_credential",
        "appid": "wxapp",
        "secret": "appsecret",
        "force_refresh": False,
    }
    sent = fake_api.sent("message/custom/send")
    assert sent[0].body == {
        "touser": "openid-1",
        "msgtype": "text",
        "text": {"content": "您报告的情况已处理"},
    }
    assert len(sent) == 2


def test_invalid_token_is_refetched_once(client, fake_api):  # noqa: F811
    client.send_text("openid-1", "一")
    fake_api.revoke_tokens("mp")
    client.send_text("openid-1", "二")
    assert len(fake_api.calls_to("stable_token")) == 2


def test_outside_the_48h_window_is_held_not_retried(client, fake_api):  # noqa: F811
    fake_api.close_window("openid-2")
    with pytest.raises(ApiError) as caught:
        client.send_text("openid-2", "一")
    assert caught.value.errcode == 45015 and caught.value.out_of_window and not caught.value.retryable


def test_wrong_appsecret_says_which_setting(fake_api):  # noqa: F811
    fake_api.app_secret = "real"
    client = OfficialAccountClient(fake_api.url, "wxapp", "wrong", MemoryTokenStore())
    with pytest.raises(ApiError) as caught:
        client.send_text("openid-1", "一")
    assert caught.value.config_error and "WECHAT_APP_SECRET" in str(caught.value)
