"""反诈知识: the list of common scams, one scam explained, and the 防骗记忆卡."""

from __future__ import annotations

import re

from bot import texts
from bot.menu import KEY_KNOWLEDGE, KEY_MEMORY_CARD
from bot.messages import Incoming, Reply

LIST_WORDS = frozenset({"反诈知识", "知识", "常见骗局", "骗局大全"})
CARD_WORDS = frozenset({"防骗卡", "记忆卡", "防骗记忆卡"})
DETAIL = re.compile(r"^\s*知识\s*(\S+)\s*$")
MAX_REPLY_CHARS = 600


def _is_click(msg: Incoming, key: str) -> bool:
    return msg.kind == "event" and msg.event == "click" and msg.event_key == key


def wants_list(msg: Incoming, ctx) -> bool:
    return _is_click(msg, KEY_KNOWLEDGE) or (msg.kind == "text" and msg.text.strip() in LIST_WORDS)


def wants_card(msg: Incoming, ctx) -> bool:
    return _is_click(msg, KEY_MEMORY_CARD) or (msg.kind == "text" and msg.text.strip() in CARD_WORDS)


def wants_detail(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and bool(DETAIL.match(msg.text))


def scam_types(ctx) -> list:
    return list(ctx.detector.detector.library.types)


def show_list(msg: Incoming, ctx) -> Reply:
    items = "\n".join(
        texts.KNOWLEDGE_ITEM.format(n=n, name=t.name) for n, t in enumerate(scam_types(ctx), start=1)
    )
    return Reply(texts.KNOWLEDGE_LIST.format(items=items))


def show_card(msg: Incoming, ctx) -> Reply:
    return Reply(texts.MEMORY_CARD_TITLE + ctx.knowledge.card("memory_card")[:MAX_REPLY_CHARS])


def show_detail(msg: Incoming, ctx) -> Reply:
    wanted = DETAIL.match(msg.text).group(1)
    scam = find_type(scam_types(ctx), wanted)
    if scam is None:
        return Reply(texts.KNOWLEDGE_UNKNOWN)
    todo = ctx.knowledge.section(scam.id, "现在该怎么做").strip()
    text = texts.KNOWLEDGE_DETAIL.format(name=scam.name, why=ctx.knowledge.why(scam.id), todo=todo)
    return Reply(text[:MAX_REPLY_CHARS])


def find_type(types: list, wanted: str):
    """By number in the list ("3") or by part of the Chinese name ("刷单")."""
    if wanted.isdecimal():
        index = int(wanted) - 1
        return types[index] if 0 <= index < len(types) else None
    return next((t for t in types if wanted in t.name), None)
