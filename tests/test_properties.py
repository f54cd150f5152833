"""Property-based tests: for any input, the parsers and the engines answer (or refuse cleanly),
never raise anything else, and stay within a generous bound."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.channels import wechat_mp, wecom, wecom_bot
from bot.channels.wxcrypto import AesKey, BadMessage, decrypt_with_any, parse_xml
from bot.config import ROOT
from bot.detection import LiveDetector
from bot.reports.address import parse_address
from bot.reports.parse import danger_now, load_report_rules, parse_report
from tests.conftest import AES_KEY, APP_ID

# Generous: a safety net against pathological slowness, not a speed target (see the benchmarks).
BOUND_SECONDS = 2.0
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(list("转账安全账户验证码3栋2单元502#-— \u200b\u200d😀<>&;'\"]]>\x00\n")) | st.characters(),
    max_size=3000,
)


@pytest.fixture(scope="module")
def detector():
    return LiveDetector(ROOT / "scam_patterns.yaml")


@pytest.fixture(scope="module")
def rules():
    return load_report_rules(ROOT / "report_rules.yaml")


@SETTINGS
@given(st.binary(max_size=4000))
def test_parse_xml_answers_or_refuses(body):
    try:
        fields = parse_xml(body)
    except BadMessage:
        return
    assert isinstance(fields, dict)


FIELD_NAMES = st.sampled_from(["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId",
                               "Event", "EventKey", "Recognition", "Title", "Url", "TaskId"])


@SETTINGS
@given(st.dictionaries(FIELD_NAMES, st.text(max_size=300), max_size=12))
# "²" passes str.isdigit() but not int(): found by this test, kept as a fixed case
@example({"ToUserName": "0", "FromUserName": "0", "MsgType": "0", "CreateTime": "²"})
def test_any_fields_become_a_message_or_a_clean_refusal(fields):
    for adapter in (wechat_mp, wecom):
        try:
            msg = adapter.to_incoming(fields)
        except BadMessage:
            continue
        assert msg.user and msg.msg_id


@SETTINGS
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=50),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=20))
def test_any_json_for_the_group_bot_is_read_or_refused(value):
    try:
        wecom_bot.to_incoming(value if isinstance(value, dict) else {"x": value})
    except BadMessage:
        pass
    try:
        wecom_bot.load_json(json.dumps(value).encode())
    except BadMessage:
        pass


@SETTINGS
@given(st.text(max_size=400))
def test_any_ciphertext_opens_or_is_refused(text):
    try:
        decrypt_with_any([AesKey(AES_KEY, APP_ID)], text)
    except BadMessage:
        pass


@SETTINGS
@given(HOSTILE_TEXT)
def test_detection_always_answers_quickly(detector, text):
    started = time.perf_counter()
    verdict = detector.check(text)
    assert time.perf_counter() - started < BOUND_SECONDS
    assert verdict.verdict in ("scam", "suspicious", "safe") and 0.0 <= verdict.score <= 1.0
    json.dumps(verdict.to_json())


@SETTINGS
@given(HOSTILE_TEXT)
def test_report_parsing_always_answers_quickly(rules, text):
    started = time.perf_counter()
    parsed = parse_report(text, rules)
    danger_now(text, rules)
    parse_address(text)
    assert time.perf_counter() - started < BOUND_SECONDS
    assert parsed.risk in (None, "high", "medium", "low")


# What XML 1.0 can carry at all (WeChat cannot send control characters in a message either).
XML_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\u200b😀]]>&<"),
                   max_size=2000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(XML_TEXT)
def test_any_text_through_the_encrypted_webhook_gets_a_fitting_reply(chat, text):
    reply = chat.send(text or " ", user=f"prop{uuid.uuid4().hex[:8]}")
    assert len(reply.encode("utf-8")) <= 2048
