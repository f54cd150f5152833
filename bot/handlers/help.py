"""Help, the menu text and a friendly answer to a bare greeting."""

from __future__ import annotations

from bot import texts
from bot.messages import Incoming, Reply

HELP_WORDS = frozenset({"帮助", "菜单", "help", "?", "？", "使用说明", "怎么用", "功能"})
GREETING_WORDS = frozenset({"你好", "您好", "在吗", "在不在", "hi", "hello", "哈喽", "嗨", "有人吗"})


def _plain(text: str) -> str:
    return text.strip().strip("!！。.~～ ").lower()


def is_help_request(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and _plain(msg.text) in HELP_WORDS


def is_greeting(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and _plain(msg.text) in GREETING_WORDS


def show_help(msg: Incoming, ctx) -> Reply:
    return Reply(texts.HELP.format(menu=texts.MENU))


def greet(msg: Incoming, ctx) -> Reply:
    return Reply(texts.GREETING)
