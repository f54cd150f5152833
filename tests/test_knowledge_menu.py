"""The 反诈知识 menu: the list of scams, one explained, the memory card."""

from __future__ import annotations


def test_list_by_text_and_menu(chat):
    listing = chat.send("反诈知识")
    assert "1. " in listing and "冒充公检法" in listing
    assert chat.event("CLICK", key="KNOWLEDGE") == listing


def test_detail_by_number_and_name(chat):
    listing = chat.send("反诈知识")
    number = next(line.split(".")[0] for line in listing.splitlines() if "冒充公检法" in line)
    by_number = chat.send(f"知识 {number}")
    assert "冒充公检法" in by_number and "为什么是骗局" in by_number and "96110" in by_number
    assert chat.send("知识 公检法") == by_number
    assert len(by_number) <= 600


def test_unknown_detail(chat):
    assert "没有找到" in chat.send("知识 999")


def test_memory_card(chat):
    card = chat.send("防骗卡")
    assert "防骗记忆卡" in card and "96110" in card
    assert chat.event("CLICK", key="MEMORY_CARD") == card
