"""What the bot still does while Redis is down: check messages (detection needs no Redis), hold
informants' reports in the local journal, and point everyone at the phone when it is urgent."""

from __future__ import annotations

from bot import texts
from bot.detection.advice import render_check_reply
from bot.messages import Incoming, Reply
from bot.reports.parse import danger_now, parse_report


def hold_report(msg: Incoming, ctx) -> Reply:
    """Journal it (fsync'd) now; it is filed, as if confirmed, once Redis is back."""
    ctx.journal.append({"kind": "report", "user": msg.user, "text": msg.text, "at": ctx.clock()})
    grid = ctx.registry().grid_for(parse_report(msg.text, ctx.report_rules()).address.building)
    duty = ctx.registry().duty
    if grid and grid.leader.phone:
        return Reply(texts.REPORT_HELD.format(who=texts.REPORT_HELD_WHO, phone=grid.leader.phone))
    phone = duty[0].phone if duty and duty[0].phone else ""
    return Reply(texts.REPORT_HELD.format(who=texts.REPORT_HELD_DUTY, phone=phone))


def check_offline(msg: Incoming, ctx) -> Reply:
    if msg.kind != "link" and danger_now(msg.text, ctx.report_rules()):
        return Reply(texts.DANGER_LEAD_OFFLINE)
    return Reply(render_check_reply(ctx.detector.check(msg.text), ctx.knowledge))
