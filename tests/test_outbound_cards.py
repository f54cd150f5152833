"""Card JSON: the shape WeCom expects for a button_interaction card, and valid task_ids."""

from __future__ import annotations

import re

from bot.outbound import cards

REPORT = {
    "id": "R7",
    "risk": "high",
    "building": "3栋",
    "unit": "2单元",
    "room": "502",
    "person": "王阿姨",
    "situation": "情绪焦虑，一直在打电话，说要去银行转账给“公安局的安全账户”，" * 3,
    "grid": "g1",
    "deadline_at": 1_767_000_000.0,
    "created_at": 1_766_999_400.0,
    "status": "open",
}
TASK_ID = re.compile(r"^[A-Za-z0-9_\-@]{1,128}$")  # WeCom docs: letters, digits, _-@, <= 128 bytes


def test_report_card_shape():
    card = cards.report_card(REPORT, "R7_r0_zhangsan", "claim:R7")
    assert card["card_type"] == "button_interaction"
    assert card["task_id"] == "R7_r0_zhangsan"
    assert card["main_title"]["title"] == "高风险预警 R7"
    assert "17:20" in card["main_title"]["desc"]  # 1767000000 is 09:20 UTC, 17:20 in China
    assert card["button_list"] == [{"text": "认领", "style": 1, "key": "claim:R7"}]
    assert {"keyname": "地点", "value": "3栋2单元502"} in card["horizontal_content_list"]
    assert card["replace_text"]
    assert len(card["sub_title_text"]) <= cards.SITUATION_CHARS and card["sub_title_text"].endswith("…")
    assert "王阿姨" not in str(card)  # the name goes to the claimer only


def test_claimer_card_has_contacted_and_close_buttons():
    card = cards.claimer_card(REPORT, "R7_c0_zhangsan")
    assert [(b["text"], b["key"]) for b in card["button_list"]] == [
        ("已联系", "contacted:R7"),
        ("结案", "close:R7"),
    ]
    assert {"keyname": "人员", "value": "王阿姨"} in card["horizontal_content_list"]


def test_task_ids_are_made_valid_and_stay_distinct():
    odd = ["R7_r0_zhang.san", "R7_r0_zhang-san", "R7_r0_张三", "R7_r0_" + "x" * 200]
    made = [cards.safe_task_id(raw) for raw in odd]
    assert all(TASK_ID.match(task_id) for task_id in made)
    assert len(set(made)) == len(made)
    assert cards.safe_task_id("R7_r0_ok@corp") == "R7_r0_ok@corp"


def test_claimed_label_in_china_time():
    assert cards.claimed_label("张三", 1_767_000_000.0) == "已由 张三 认领 17:20"


def test_button_keys_round_trip():
    assert cards.parse_button_key(cards.button_key(cards.CLAIM, "R7")) == ("claim", "R7")
    assert cards.parse_button_key("other:R7") is None and cards.parse_button_key("claim:") is None
