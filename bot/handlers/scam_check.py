"""The scam check: a resident forwards or pastes something; tell them what it is and what to do.

When the resident's own words show they are being scammed right now ("已经转了", "让我下载会议
软件"), the reply leads with the dissuasion script and offers to have the grid call them.
"""

from __future__ import annotations

from bot import flows, texts
from bot.detection.advice import render_check_reply
from bot.messages import CheckTally, Incoming, Reply
from bot.reports.parse import danger_now

CHECKABLE_KINDS = frozenset({"text", "link", "voice"})


def has_text_to_check(msg: Incoming, ctx) -> bool:
    return msg.kind in CHECKABLE_KINDS and bool(msg.text.strip())


def is_empty_text(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and not msg.text.strip()


def check_message(msg: Incoming, ctx) -> Reply:
    phrases = danger_phrases(msg, ctx)
    if phrases:
        verdict = ctx.detector.check(msg.text)
        return Reply(offer_help_now(msg, ctx, phrases), check=tally(verdict, ctx))
    return verdict_reply(msg, ctx)


def check_without_state(msg: Incoming, ctx) -> Reply | None:
    """The check's reply without Redis (the router keeps it in the admission's round trip); None
    when the resident is being scammed right now: check_message then starts the help flow."""
    return None if danger_phrases(msg, ctx) else verdict_reply(msg, ctx)


def verdict_reply(msg: Incoming, ctx) -> Reply:
    verdict = ctx.detector.check(msg.text)
    return Reply(render_check_reply(verdict, ctx.knowledge), check=tally(verdict, ctx))


def tally(verdict, ctx) -> CheckTally:
    """What the day's figures count for this check (with the kept reply; never the text)."""
    return CheckTally(ctx.today(), verdict.verdict, verdict.type)


def danger_phrases(msg: Incoming, ctx) -> tuple[str, ...]:
    return danger_now(msg.text, ctx.report_rules()) if msg.kind != "link" else ()


def offer_help_now(msg: Incoming, ctx, phrases: tuple[str, ...]) -> str:
    step = flows.Step(
        "offer_help", texts.DANGER_LEAD, {"situation": msg.text[:300], "reasons": list(phrases)}
    )
    return flows.begin(msg, ctx, step)


def ask_for_text(msg: Incoming, ctx) -> Reply:
    return Reply(texts.EMPTY_TEXT)
