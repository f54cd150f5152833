"""What the bot still does while Redis is down: check messages (detection needs no Redis), hold
informants' reports in the local journal, and point everyone at the phone when it is urgent."""

from __future__ import annotations

from bot import texts
from bot.detection.advice import render_check_reply
from bot.flows import CANCEL_WORDS, plain
from bot.messages import Incoming, Reply
from bot.reports.conversation import CONFIRM_WORDS, EDIT_WORDS
from bot.reports.parse import danger_now, parse_report

# Answers to a question of a flow ("确认" a report, "1" = please call me, "取消"): without Redis
# the flow cannot be seen, and such a word is no message to check for scams.
FLOW_ANSWERS = CONFIRM_WORDS | EDIT_WORDS | CANCEL_WORDS | {"一"}


def hold_report(msg: Incoming, ctx) -> Reply:
    """Journal it (fsync'd) now; it is filed, as if confirmed, once Redis is back."""
    ctx.journal.append({"kind": "report", "user": msg.user, "text": msg.text, "at": ctx.clock()})
    building = parse_report(msg.text, ctx.report_rules()).address.building
    return Reply(texts.REPORT_HELD.format(**whom_to_phone(ctx, building)))


def is_flow_answer(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and plain(msg.text) in FLOW_ANSWERS


def flow_paused(msg: Incoming, ctx) -> Reply:
    return Reply(texts.FLOW_PAUSED.format(**whom_to_phone(ctx, None)))


def bind_paused(msg: Incoming, ctx) -> Reply:
    """A bind needs Redis; the code is not used up until it succeeds (State.redeem_invite)."""
    return Reply(texts.BIND_PAUSED)


def whom_to_phone(ctx, building: str | None) -> dict[str, str]:
    """The building's grid leader when known, else the duty officer: {who, phone}."""
    grid = ctx.registry().grid_for(building) if building else None
    if grid and grid.leader.phone:
        return {"who": texts.REPORT_HELD_WHO, "phone": grid.leader.phone}
    duty = ctx.registry().duty
    return {"who": texts.REPORT_HELD_DUTY, "phone": duty[0].phone if duty and duty[0].phone else ""}


def check_offline(msg: Incoming, ctx) -> Reply:
    if msg.kind != "link" and danger_now(msg.text, ctx.report_rules()):
        return Reply(texts.DANGER_LEAD_OFFLINE)
    return Reply(render_check_reply(ctx.detector.check(msg.text), ctx.knowledge))
