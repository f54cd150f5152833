"""Reading informant reports: address, person, situation, risk level, danger now. No Redis needed."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.reports.address import Address, canonical_building, chinese_number, may_name_building, parse_address
from bot.reports.parse import RulesFileError, danger_now, load_report_rules, parse_report
from bot.scripts import evaluate_reports

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "informant_messages.jsonl"


@pytest.fixture(scope="module")
def rules():
    return load_report_rules(ROOT / "report_rules.yaml")


# --- buildings and addresses ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["3栋", "三栋", "3号楼", "3幢", "3#", "3＃", "３栋", "第3栋", "第三栋", " 3 栋 ", "3号"]
)
def test_canonical_building_accepts_everyday_spellings(text):
    assert canonical_building(text) == "3栋"


@pytest.mark.parametrize("text", ["", "3", "栋", "哪栋", "3单元", "三楼门口", "王阿姨", "abc"])
def test_canonical_building_is_none_for_anything_else(text):
    assert canonical_building(text) is None


def test_canonical_building_reads_two_digit_numbers():
    assert canonical_building("十二栋") == canonical_building("12号楼") == "12栋"
    assert canonical_building("二十三幢") == "23栋"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3-2-502", Address("3栋", "2单元", "502")),
        ("3栋2单元502室", Address("3栋", "2单元", "502")),
        ("3号楼2门502", Address("3栋", "2单元", "502")),
        ("3#2-502", Address("3栋", "2单元", "502")),
        ("三栋二单元", Address("3栋", "2单元", None)),
        ("5栋一单元 张奶奶", Address("5栋", "1单元", None)),
        ("12栋", Address("12栋", None, None)),
        ("7-301的老刘", Address("7栋", None, "301")),
        ("住502的蓝奶奶", Address(None, None, "502")),
        ("２单元", Address(None, "2单元", None)),
        ("王阿姨要去银行", Address(None, None, None)),
    ],
)
def test_parse_address(text, expected):
    assert parse_address(text) == expected


def test_amounts_dates_and_phones_are_not_rooms():
    assert parse_address("转了5000的样子").is_empty
    assert parse_address("2024-3-15 那天").is_empty
    assert parse_address("电话 0871-5123456").is_empty
    assert parse_address("这一栋楼的人").is_empty


def test_chinese_number():
    assert [chinese_number(t) for t in ["3", "十", "十二", "二十", "二十三", "两"]] == [3, 10, 12, 20, 23, 2]
    assert chinese_number("²") is None  # a digit to str.isdigit(), not a number to int()
    assert chinese_number("十十") is None and chinese_number("abc") is None


# --- one report ----------------------------------------------------------------------------


def test_the_example_from_the_issue(rules):
    p = parse_report("3栋2单元502 王阿姨 情绪很焦虑 说要去银行给公安转账", rules)
    assert p.address == Address("3栋", "2单元", "502")
    assert p.person == "王阿姨"
    assert p.situation == "王阿姨 情绪很焦虑 说要去银行给公安转账"
    assert p.risk == "high" and p.is_report
    assert any("银行" in reason for reason in p.risk_reasons)


def test_person_keeps_its_description(rules):
    assert parse_report("1栋 独居的李大爷一直在打电话", rules).person == "独居的李大爷"
    assert parse_report("502的老人说已经转了一万", rules).person == "502的老人"


def test_situation_drops_the_address_and_its_glue(rules):
    assert parse_report("王阿姨住3栋2单元，要去银行", rules).situation == "王阿姨，要去银行"
    assert parse_report("3栋的王阿姨点了链接", rules).situation == "王阿姨点了链接"


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("3栋 王阿姨下载了腾讯会议，对方在指导她", "high"),
        ("3栋 王阿姨接电话两小时了，对方不让挂电话", "high"),
        ("3栋 王阿姨说公安打电话说她涉嫌洗钱", "high"),
        ("3栋 王阿姨要去买充值卡", "high"),
        ("3栋 王阿姨点了短信里的链接", "medium"),
        ("3栋 王阿姨把验证码告诉了对方", "medium"),
        ("3栋 王阿姨加了个投资群", "medium"),
        ("3栋 王阿姨最近老接陌生电话", "low"),
        ("3栋 王阿姨收到可疑短信", "low"),
        ("3栋 王阿姨情绪很焦虑", "low"),
    ],
)
def test_risk_levels(rules, text, risk):
    assert parse_report(text, rules).risk == risk


def test_negation_and_not_yet(rules):
    assert parse_report("3栋 张奶奶还没转账，但一直很焦虑", rules).risk == "low"
    assert parse_report("3栋 张奶奶说不去银行了，有点焦虑", rules).risk == "low"
    assert parse_report("3栋 劝张奶奶不要去银行，她很紧张", rules).risk == "low"
    assert parse_report("3栋 张奶奶已经转了两万", rules).risk == "high"
    assert parse_report("3栋 张奶奶没转账，但明天要去银行", rules).risk == "high"
    assert parse_report("3栋 不知道张奶奶为什么要去银行", rules).risk == "high"


def test_a_named_person_in_a_named_building_is_a_report_even_without_a_phrase(rules):
    p = parse_report("5栋1单元 李阿姨最近吃不下饭", rules)
    assert p.is_report and p.risk == "low" and p.risk_reasons == ()
    assert not parse_report("李阿姨最近吃不下饭", rules).is_report  # no building: nothing to go on


def test_the_highest_level_wins_and_reasons_are_its_phrases(rules):
    p = parse_report("3栋 李大爷点了链接，现在又要去银行转账", rules)
    assert p.risk == "high"
    assert all("链接" not in reason for reason in p.risk_reasons)


@pytest.mark.parametrize(
    "text",
    [
        "你好",
        "谢谢",
        "报告",
        "3栋的电梯又坏了",
        "接到自称公安的电话是不是诈骗",
        "【XX银行】尊敬的客户，您的账户异常，请点击链接验证",
        "您的医保卡已停用，回T退订",
        "我已经转了两万，怎么办",
        "如果有人让我下载会议软件怎么办",
    ],
)
def test_not_a_report(rules, text):
    p = parse_report(text, rules)
    assert not p.is_report and p.risk is None and p.risk_reasons == ()


def test_never_raises(rules):
    rng = random.Random(4)
    alphabet = "3栋号楼幢#-单元门室502王阿姨没不要转账银行链接，。！?的…... \n\t\x00\u200b😀"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        parse_report(text, rules)
        danger_now(text, rules)
    assert parse_report("x" * 100_000, rules).is_report is False
    assert parse_report(None, rules).is_report is False  # type: ignore[arg-type]


# --- danger now ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "我已经转了两万",
        "他让我下载会议软件",
        "对方说我涉嫌洗钱",
        "客服叫我不要挂电话",
        "他让我把验证码发给他",
    ],
)
def test_danger_now(rules, text):
    assert danger_now(text, rules)


@pytest.mark.parametrize(
    "text",
    ["你好", "我没转账", "如果有人让我下载会议软件怎么办", "这个短信是不是诈骗", "我想了解一下反诈知识"],
)
def test_no_danger_now(rules, text):
    assert danger_now(text, rules) == ()


# --- the rules file ------------------------------------------------------------------------

GOOD = """\
negations: [没, 不要]
levels:
  high:
    - topic: 转账
      phrases: [转账, 要去银行]
  low:
    - topic: 焦虑
      phrases: [焦虑]
danger_now:
  - topic: 转了
    phrases: [我已经转]
"""


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_small_rules_file_works(tmp_path):
    rules = load_report_rules(_write(tmp_path, GOOD))
    assert parse_report("3栋 王阿姨要去银行", rules).risk == "high"
    assert parse_report("3栋 王阿姨没转账，有点焦虑", rules).risk == "low"


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("  high:", "  urgent:"), 3, "unknown key 'urgent'"),
        (("[转账, 要去银行]", "[转账, '']"), 5, "empty"),
        (("[焦虑]", "[转账]"), 8, "also under high"),
        (("[焦虑]", "[...焦虑]"), 8, "between words"),
        (("      phrases: [焦虑]", "      phrase: [焦虑]"), 8, "unknown key 'phrase'"),
        (("levels:", "levels: [oops"), 3, "not valid YAML"),  # where the parser notices
        (("negations:", "unmatched_report: urgent\nnegations:"), 1, "unmatched_report"),
        (("danger_now:\n  - topic: 转了\n    phrases: [我已经转]\n", ""), 1, "danger_now"),
    ],
)
def test_rules_file_errors_name_the_line(tmp_path, change, line, words):
    with pytest.raises(RulesFileError) as caught:
        load_report_rules(_write(tmp_path, GOOD.replace(*change)))
    assert caught.value.line == line and words in caught.value.message
    assert f"rules.yaml:{line}" in str(caught.value)


def test_missing_rules_file(tmp_path):
    with pytest.raises(RulesFileError):
        load_report_rules(tmp_path / "nope.yaml")


# --- the labelled set ----------------------------------------------------------------------


def test_the_labelled_set_is_well_formed():
    rows = evaluate_reports.load_rows(FIXTURE)
    assert len(rows) >= 100
    assert len({r["text"] for r in rows}) == len(rows)
    for row in rows:
        assert set(row) == {"text", "building", "unit", "room", "risk", "is_report"}
        assert row["risk"] in ("high", "medium", "low", None)
        assert (row["risk"] is None) == (not row["is_report"])
        assert row["building"] is None or canonical_building(row["building"]) == row["building"]


def test_evaluation_on_the_labelled_set(rules):
    score = evaluate_reports.evaluate(evaluate_reports.load_rows(FIXTURE), rules)
    assert score.ratio("location") >= 0.95, score.misses
    assert score.ratio("risk") >= 0.90, score.misses


def test_reading_is_fast(rules):
    texts = [row["text"] for row in evaluate_reports.load_rows(FIXTURE)]
    started = time.perf_counter()
    for text in texts:
        parse_report(text, rules)
    assert (time.perf_counter() - started) / len(texts) < 0.001  # typically ~30 µs


def test_evaluate_cli_last_line(tmp_path, capsys):
    path = tmp_path / "two.jsonl"
    rows = [
        {
            "text": "3栋2单元502 王阿姨要去银行",
            "building": "3栋",
            "unit": "2单元",
            "room": "502",
            "risk": "high",
            "is_report": True,
        },
        {"text": "你好", "building": None, "unit": None, "room": None, "risk": "low", "is_report": True},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert evaluate_reports.main([str(path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "location=1.000 risk=0.500"
    assert any("你好" in line for line in out)


ADDRESS_ALPHABET = "0123456789０１２３一二两三十第栋幢#座号楼门单元室房住的家-—_/＃－＿／ 我在阿姨转了"


# One of each building form the address pass reads, as written and in full width.
BUILDING_FORMS = [
    "3栋", "3幢", "3#", "3座", "3号楼", "第三栋", "6号2单元301", "3-2-502", "3—2—502", "3_2_502", "3/2/502",
    "3栋2-502", "7-301", "7—301", "7_301", "7/301", "３＃", "７－３０１", "７＿３０１", "７／３０１",
]  # fmt: skip


@pytest.mark.parametrize("text", BUILDING_FORMS)
def test_every_building_form_carries_a_building_mark(text):
    assert parse_address(text).building and may_name_building(text)


@given(st.text(alphabet=ADDRESS_ALPHABET, max_size=30))
@example("三单元502室")
@example("住502的王阿姨")
def test_a_text_without_a_building_mark_names_no_building(text):
    # The shortcut in front of the address pass (is_one_shot_report) must never hide a building.
    if not may_name_building(text):
        assert parse_address(text).building is None
