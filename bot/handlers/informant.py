"""Informants (楼门长, 热心居民): bind with an invite, report a neighbour, follow the flow."""

from __future__ import annotations

import re

from bot import flows, texts
from bot.menu import KEY_REPORT
from bot.messages import Incoming, Reply
from bot.reports import conversation
from bot.reports.address import may_name_building, parse_address
from bot.reports.parse import parse_report

BIND = re.compile(r"^\s*绑定\s*[:：]?\s*(\S*)\s*$")
HOME = re.compile(r"^\s*我(?:家)?(?:住|住在|家在)")
REPORT_WORDS = frozenset({"报告", "我要报告", "上报", "我要上报", "报告情况", "举报"})


def in_conversation(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and conversation.takes(msg, msg.conversation)


def continue_conversation(msg: Incoming, ctx) -> Reply:
    return Reply(conversation.advance(msg, ctx, msg.conversation or {}) or texts.REPORT_CANCELLED)


def is_bind(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and bool(BIND.match(msg.text))


def bind(msg: Incoming, ctx) -> Reply:
    code = BIND.match(msg.text).group(1).upper()
    if not code:
        return Reply(texts.BIND_HOWTO)
    if not ctx.state.redeem_invite(code[:16], msg.user, ctx.clock()):
        return Reply(texts.BIND_BAD_CODE)
    buildings = "、".join(sorted(ctx.state.informant_buildings(msg.user)))
    return Reply(texts.BIND_DONE.format(buildings=buildings))


def is_home(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and bool(HOME.match(msg.text)) and len(msg.text) < 40


def save_home(msg: Incoming, ctx) -> Reply:
    address = parse_address(msg.text)
    if not address.building:
        return Reply(texts.HOME_UNKNOWN_BUILDING)
    ctx.state.set_home(msg.user, address.building, address.unit)
    place = "".join(p for p in (address.building, address.unit) if p)
    return Reply(texts.HOME_SAVED.format(place=place))


def wants_to_report(msg: Incoming, ctx) -> bool:
    if msg.kind == "event":
        return msg.event == "click" and msg.event_key == KEY_REPORT
    return msg.kind == "text" and msg.text.strip() in REPORT_WORDS


def start_report(msg: Incoming, ctx) -> Reply:
    if not ctx.state.informant_buildings(msg.user):
        return Reply(texts.NOT_INFORMANT)
    return Reply(flows.begin(msg, ctx, conversation.start({})))


def is_one_shot_report(msg: Incoming, ctx) -> bool:
    """A message that reads as a complete report about someone: where, and what is happening."""
    if msg.kind != "text" or len(msg.text) > 300:
        return False
    if not may_name_building(msg.text) or not parse_address(msg.text).building:  # most name none
        return False
    parsed = parse_report(msg.text, ctx.report_rules())
    return parsed.is_report and bool(parsed.address.building)


def one_shot_report(msg: Incoming, ctx) -> Reply:
    """ "3栋2单元502 王阿姨 说要去银行转账": straight to the confirmation, no more questions."""
    if not ctx.state.informant_buildings(msg.user):
        return Reply(texts.NOT_INFORMANT)
    parsed = parse_report(msg.text, ctx.report_rules())
    data = conversation.with_situation(conversation.address_fields(parsed.address), parsed, msg.text)
    return Reply(flows.begin(msg, ctx, conversation.start(data)))
