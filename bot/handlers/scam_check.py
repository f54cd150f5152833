"""The scam check: a resident forwards or pastes something; tell them what it is and what to do."""

from __future__ import annotations

from bot import texts
from bot.detection.advice import render_check_reply
from bot.messages import Incoming, Reply

CHECKABLE_KINDS = frozenset({"text", "link", "voice"})


def has_text_to_check(msg: Incoming, ctx) -> bool:
    return msg.kind in CHECKABLE_KINDS and bool(msg.text.strip())


def is_empty_text(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and not msg.text.strip()


def check_message(msg: Incoming, ctx) -> Reply:
    verdict = ctx.detector.check(msg.text)
    ctx.state.record_check(ctx.today(), verdict.verdict, verdict.type)
    return Reply(render_check_reply(verdict, ctx.knowledge))


def ask_for_text(msg: Incoming, ctx) -> Reply:
    return Reply(texts.EMPTY_TEXT)
