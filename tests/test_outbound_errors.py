"""ApiError classification: what to retry, when to re-fetch the token, what an admin must fix."""

from __future__ import annotations

import pytest

from bot.outbound.errors import ApiError, redact


@pytest.mark.parametrize("errcode", [-1, -2, -3, 45009, 45033, 45011])
def test_busy_rate_limits_and_timeouts_are_retryable(errcode):
    error = ApiError(errcode, "x", "message/send")
    assert error.retryable and not error.config_error and not error.token_invalid


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_token_errors_ask_for_a_fresh_token(errcode):
    error = ApiError(errcode, "x", "message/send")
    assert error.token_invalid and not error.retryable


def test_http_5xx_is_retryable_4xx_is_not():
    assert ApiError(-4, "HTTP 502", "appchat/send", http_status=502).retryable
    assert not ApiError(-4, "HTTP 404", "appchat/send", http_status=404).retryable


def test_60020_is_a_config_error_naming_the_ip_and_the_setting():
    error = ApiError(
        60020, "not allow to access from your ip, hint: [1], from ip: 203.0.113.7, more info", "message/send"
    )
    assert error.config_error and not error.retryable
    assert "203.0.113.7" in str(error) and "企业可信IP" in str(error)


@pytest.mark.parametrize("errcode", [40013, 40056, 48002, 81013])
def test_admin_errors_carry_advice(errcode):
    error = ApiError(errcode, "x", "message/send")
    assert error.config_error and error.hint and not error.retryable


def test_out_of_window_is_neither_retryable_nor_config():
    for errcode in (45015, 45047):
        error = ApiError(errcode, "x", "message/custom/send")
        assert error.out_of_window and not error.retryable and not error.config_error


def test_a_context_hint_turns_a_token_code_into_a_config_error():
    error = ApiError(40001, "invalid credential", "gettoken", config_hint="Set WECOM_SECRET.")
    assert error.config_error and not error.token_invalid and "WECOM_SECRET" in str(error)


def test_secrets_are_redacted():
    text = redact("url: /cgi-bin/gettoken?corpid=ww1&corpsecret=S3CRET and /send?access_token=TOK&x=1 key=K")
    assert "S3CRET" not in text and "TOK" not in text and "key=K" not in text
