"""Normalization undoes filter evasions; extraction finds links, phones, amounts and apps."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.detection import extract
from bot.detection.extract import extract_all
from bot.detection.normalize import _TRADITIONAL, _spread_search, fold, normalize_message, normalize_phrase


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("刷 单", "刷单"),
        ("刷*单", "刷单"),
        ("刷-单", "刷单"),
        ("刷\u200b单", "刷单"),  # zero-width space
        ("刷 ★ 单", "刷单"),
        ("ＡＢＣ１２３", "abc#"),  # full width folded, digits collapsed
        ("加薇信", "加微信"),
        ("加威信", "加微信"),
        ("V信", "微信"),
        ("加V", "加微信"),
        ("加v信", "加微信"),
        ("wei信", "微信"),
        ("VX号", "微信号"),
        ("Ｑ Ｑ", "qq"),
        ("扣扣", "qq"),
        ("轉賬到安全帳戶", "转账到安全账户"),
        ("驗證碼", "验证码"),
        ("日赚300元", "日赚#元"),
    ],
)
def test_evasions_fold_to_one_form(raw, expected):
    assert normalize_phrase(raw) == expected


def test_sentences_keep_one_boundary():
    assert normalize_phrase("你好！！请转账。。。谢谢") == "你好。请转账。谢谢"


def test_links_are_pulled_out_and_removed_from_the_text():
    norm = normalize_message("点击 https://jd-refund.top/a?b=1 领取，或访问 www.example.com/x 详情")
    assert norm.extracted["links"] == ["https://jd-refund.top/a?b=1", "www.example.com/x"]
    assert "jd" not in norm.compact and "example" not in norm.compact


def test_bare_domain_is_a_link():
    assert extract_all("登录 etc-renzheng.cn 更新")["links"] == ["etc-renzheng.cn"]


def test_phones_even_when_spaced():
    found = extract_all("联系 138 1234 5678 或 010-12345678，客服 400-123-4567")
    assert found["phones"] == ["13812345678", "01012345678", "4001234567"]


def test_amounts():
    found = extract_all("日赚300元，投资5万，最高五十万元，给200块")
    assert found["amounts"] == ["300元", "5万", "五十万元", "200块"]


def test_apps():
    found = extract_all("请下载“安心贷”APP，再打开向日葵和ToDesk")
    assert set(found["apps"]) == {"安心贷", "向日葵", "todesk"}


def test_nothing_found_in_plain_text():
    assert extract_all("今天天气不错") == {"links": [], "phones": [], "amounts": [], "apps": []}



# ── the fast paths must say exactly what the plain regexes and NFKC say ──
# Characters that matter to them: digits, letters (with their odd case forms: ı İ ſ K), symbols,
# Chinese, full-width punctuation and the compact text's marks.
_ALPHABET = st.sampled_from(
    list("0123456789abcxyzolIKSıİſ\u212a._-/#。，？！：；（）… 转账验证码微信wW") + ["www.", "http://", ".cn", ".apk", "138", "1234", "5678", "400", "8o6"]
)
_TEXTS = st.lists(_ALPHABET, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab转#。_-")), min_size=1, max_size=6), _TEXTS)
def test_quote_search_matches_the_regex_it_replaces(pieces, text):
    pattern = r"(?:\W|_)*?".join(r"\d+" if p == "#" else re.escape(p) for p in pieces)
    found = re.search(pattern, text)
    assert _spread_search(pieces, text) == (found.group(0) if found else None)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_fold_equals_plain_nfkc(text):
    assert fold(text) == unicodedata.normalize("NFKC", text).lower().translate(_TRADITIONAL)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
# the letters re.IGNORECASE also takes for i, s and k, inside app names and links
@example("装个TODE\u017f\u212a，再开\u0130nfo屏幕共享")
@example("点 ab.\u0130nfo 或 \u017f\u212aype")
# phone numbers spaced apart or with letters for digits: the prefilter must let them through
@example("客服 138 1234 5678 或 4oo-8o6-2231")
def test_prefiltered_extraction_finds_what_the_full_patterns_find(text):
    assert extract.link_spans(text) == [m.span() for m in extract._LINK.finditer(text)]
    ignorecase = re.compile("|".join(re.escape(name) for name in extract.KNOWN_APPS), re.IGNORECASE)
    assert [m.span() for m in extract._KNOWN_APP.finditer(text)] == [m.span() for m in ignorecase.finditer(text)]
    assert extract._amounts(text) == [m.group(0).replace(" ", "") for m in extract._AMOUNT.finditer(text)]
    spans = extract.link_spans(text)
    unfiltered = extract._PHONE.findall(extract._DIGIT_GAP.sub("", extract._as_digits(extract._without(text, spans))))
    assert extract._phones(text, spans) == unfiltered
