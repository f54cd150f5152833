"""Filing a report as a conversation: a declared state table, kept in Redis with a timeout.

    ask_location -> ask_situation -> confirm -> (filed)
    offer_help (a resident in danger right now, after the warning) -> [ask_home] -> (filed)

Every step takes (msg, ctx, data) and returns a Step: the next state (None ends the flow), the
reply, and the data to carry. 取消 works at every step.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import flows, texts
from bot.flows import CANCEL_WORDS, Step, plain
from bot.reports.address import parse_address
from bot.reports.filing import Filed, Filing, file_report
from bot.reports.notices import clock_time, place_of
from bot.reports.parse import parse_report

CONFIRM_WORDS = frozenset({"确认", "确定", "是", "对", "提交", "好", "好的", "1", "yes", "ok"})
EDIT_WORDS = frozenset({"修改", "改", "重新说", "不对"})


def start(data: dict) -> Step:
    """Begin at the first question the data does not answer yet."""
    if not data.get("building"):
        return Step("ask_location", texts.REPORT_ASK_LOCATION, data)
    if not data.get("situation"):
        return Step("ask_situation", texts.REPORT_ASK_SITUATION, data)
    return Step("confirm", confirm_text(data), data)


def ask_location(msg, ctx, data: dict) -> Step:
    parsed = parse_report(msg.text, ctx.report_rules())
    if not parsed.address.building:
        return Step("ask_location", texts.REPORT_LOCATION_UNREAD, data)
    data = {**data, **address_fields(parsed.address)}
    if parsed.situation and parsed.is_report:
        data = with_situation(data, parsed)
    return start(data)


def ask_situation(msg, ctx, data: dict) -> Step:
    parsed = parse_report(msg.text, ctx.report_rules())
    if parsed.address.building and not data.get("building"):
        data = {**data, **address_fields(parsed.address)}
    return start(with_situation(data, parsed, fallback=msg.text))


def confirm(msg, ctx, data: dict) -> Step:
    answer = plain(msg.text)
    if answer in CONFIRM_WORDS:
        filed = file_report(filing_from(data, msg.user), ctx)
        return Step(None, filed_text(filed, ctx))
    if answer in EDIT_WORDS:
        return Step("ask_situation", texts.REPORT_ASK_SITUATION, {**data, "situation": ""})
    return Step("confirm", texts.REPORT_CONFIRM_AGAIN, data)


def offer_help(msg, ctx, data: dict) -> Step:
    """After the danger warning: `1` asks the grid to call the resident now."""
    if plain(msg.text) not in ("1", "一"):
        return Step(None, "")  # anything else: leave the flow, the message is handled as usual
    home = ctx.state.home_of(msg.user)
    if not home.get("building"):
        return Step("ask_home", texts.DANGER_ASK_HOME, data)
    return file_for_resident(msg, ctx, data, home["building"], home.get("unit") or None)


def ask_home(msg, ctx, data: dict) -> Step:
    address = parse_address(msg.text)
    # In danger now: file even without a building; the duty officers get it.
    if address.building:
        ctx.state.set_home(msg.user, address.building, address.unit)
    return file_for_resident(msg, ctx, data, address.building, address.unit, address.room)


STEPS: dict[str, Callable[..., Step]] = {
    "ask_location": ask_location,
    "ask_situation": ask_situation,
    "confirm": confirm,
    "offer_help": offer_help,
    "ask_home": ask_home,
}


def file_for_resident(msg, ctx, data: dict, building, unit, room=None) -> Step:
    filing = Filing(
        reporter=msg.user,
        risk="high",
        source="resident",
        building=building,
        unit=unit,
        room=room,
        person="求助居民本人",
        situation=data.get("situation") or "居民自述正在被骗，请求网格员联系",
        risk_reasons=tuple(data.get("reasons") or ()),
    )
    filed = file_report(filing, ctx)
    return Step(None, texts.DANGER_FILED.format(id=filed.report["id"]))


def address_fields(address) -> dict:
    return {"building": address.building, "unit": address.unit, "room": address.room}


def with_situation(data: dict, parsed, fallback: str = "") -> dict:
    situation = parsed.situation or fallback.strip()
    return {
        **data,
        "situation": situation[:300],
        "person": data.get("person") or parsed.person,
        "risk": parsed.risk or "low",
        "reasons": list(parsed.risk_reasons),
    }


def confirm_text(data: dict) -> str:
    reasons = data.get("reasons") or []
    return texts.REPORT_CONFIRM.format(
        place=place_of(data),
        person=data.get("person") or texts.REPORT_UNKNOWN_PERSON,
        situation=data["situation"],
        risk=texts.RISK_NAMES[data.get("risk") or "low"],
        reasons=f"（因为提到：{'、'.join(reasons[:3])}）" if reasons else "",
    )


def filing_from(data: dict, reporter: str) -> Filing:
    return Filing(
        reporter=reporter,
        risk=data.get("risk") or "low",
        situation=data["situation"],
        building=data.get("building"),
        unit=data.get("unit"),
        room=data.get("room"),
        person=data.get("person"),
        risk_reasons=tuple(data.get("reasons") or ()),
    )


def filed_text(filed: Filed, ctx) -> str:
    report = filed.report
    risk = texts.RISK_NAMES[report["risk"]]
    if filed.merged and filed.repeated:
        return texts.REPORT_REPEATED.format(id=report["id"])
    if filed.merged:
        raised = texts.REPORT_RAISED.format(risk=risk) if filed.raised else ""
        return texts.REPORT_MERGED.format(id=report["id"], raised=raised)
    grid = filed.grid
    return texts.REPORT_FILED.format(
        id=report["id"],
        risk=risk,
        grid=grid.name if grid else texts.REPORT_NO_GRID,
        handlers=texts.REPORT_HANDLERS if grid else texts.REPORT_HANDLERS_DUTY,
        deadline=deadline_words(report),
        leader_phone=leader_phone(grid, ctx),
    )


def deadline_words(report: dict) -> str:
    return clock_time(report["deadline_at"])


def leader_phone(grid, ctx) -> str:
    if grid and grid.leader.phone:
        return f" {grid.leader.phone} "
    duty = ctx.registry().duty
    return f" {duty[0].phone} " if duty and duty[0].phone else ""


# --- the flow runner ---------------------------------------------------------------------


def takes(msg, conversation: dict | None) -> bool:
    """Does the open flow want this message? The danger offer only wants its `1` (or 取消)."""
    if not conversation or msg.kind != "text":
        return False
    if conversation.get("state") == "offer_help":
        return plain(msg.text) in ("1", "一") or plain(msg.text) in CANCEL_WORDS
    return conversation.get("state") in STEPS


def advance(msg, ctx, conversation: dict) -> str | None:
    return flows.advance(msg, ctx, conversation, STEPS, texts.REPORT_CANCELLED)
