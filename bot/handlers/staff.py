"""Grid staff and duty officers in WeCom: commands typed to the app or in the group, and card clicks.

The same handlers serve the WeCom app callback and the group bot (@哨兵 认领 R7): the adapters
turn both into an Incoming, and the words after any @mention are the command.
"""

from __future__ import annotations

import re

from bot import flows, texts
from bot.messages import Incoming, Reply
from bot.reports import closing, staffing
from bot.reports.notices import clock_time, place_of
from bot.reports.query import open_reports

MENTION = re.compile(r"^\s*(?:@\S+\s*)+")
COMMAND = re.compile(r"^(认领|已联系|结案|释放|转派)\s*[Rr]?(\d+)\s*(.*)$")
CLICK_VERBS = {"claim": "认领", "contacted": "已联系", "close": "结案"}


def words(msg: Incoming) -> str:
    return MENTION.sub("", msg.text).strip()


def is_staff_flow(msg: Incoming, ctx) -> bool:
    conversation = msg.conversation
    return msg.kind == "text" and bool(conversation) and conversation.get("state") in closing.STEPS


def continue_flow(msg: Incoming, ctx) -> Reply:
    reply = flows.advance(msg, ctx, msg.conversation or {}, closing.STEPS, texts.STAFF_CLOSE_CANCELLED)
    return Reply(reply or texts.STAFF_CLOSE_CANCELLED)


def is_card_click(msg: Incoming, ctx) -> bool:
    return msg.kind == "event" and msg.event == "template_card_event"


def card_click(msg: Incoming, ctx) -> Reply:
    verb, _, rid = msg.event_key.partition(":")
    if verb not in CLICK_VERBS or not rid:
        return Reply()
    return Reply(run_command(msg, ctx, CLICK_VERBS[verb], rid, ""))


def is_command(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and bool(COMMAND.match(words(msg)))


def command(msg: Incoming, ctx) -> Reply:
    verb, number, rest = COMMAND.match(words(msg)).groups()
    return Reply(run_command(msg, ctx, verb, f"R{number}", rest.strip()))


def run_command(msg: Incoming, ctx, verb: str, rid: str, rest: str) -> str:
    if verb == "认领":
        return staffing.claim(rid, msg.user, ctx)
    if verb == "已联系":
        return staffing.mark_contacted(rid, msg.user, ctx)
    if verb == "释放":
        return staffing.release(rid, msg.user, ctx)
    if verb == "转派":
        return staffing.transfer(rid, msg.user, rest.split()[0] if rest else "", ctx)
    outcome, _, amount = rest.partition(" ")
    return flows.begin(msg, ctx, closing.start(rid, msg.user, ctx, outcome.strip(), amount.strip()))


def is_listing(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and words(msg) in ("列表", "我的")


def listing(msg: Incoming, ctx) -> Reply:
    who = staffing.staffer(msg.user, ctx.registry())
    if who is None:
        return Reply(texts.STAFF_NOT_REGISTERED)
    reports = [r for r in open_reports(ctx.state) if who.may_handle(r)]
    if words(msg) == "我的":
        reports = [r for r in reports if r.get("claimed_by") == msg.user]
        if not reports:
            return Reply(texts.STAFF_MINE_EMPTY)
    if not reports:
        return Reply(texts.STAFF_LIST_EMPTY)
    return Reply("\n".join(list_line(r, ctx.clock()) for r in reports[:20]))


def list_line(report: dict, now: float) -> str:
    overdue = report.get("status") != "contacted" and report["deadline_at"] < now
    return texts.STAFF_LIST_LINE.format(
        id=report["id"], risk=texts.RISK_NAMES[report["risk"]], place=place_of(report),
        status=texts.STATUS_NAMES.get(report["status"], report["status"]),
        deadline=clock_time(report["deadline_at"]), overdue=texts.OVERDUE_MARK if overdue else "",
    )


def is_help(msg: Incoming, ctx) -> bool:
    return msg.kind == "text" and words(msg) in ("帮助", "help", "?", "？", "")


def show_help(msg: Incoming, ctx) -> Reply:
    if staffing.staffer(msg.user, ctx.registry()) is None:
        return Reply(texts.STAFF_NOT_REGISTERED)
    return Reply(texts.STAFF_HELP)


def unknown(msg: Incoming, ctx) -> Reply:
    if msg.kind != "text":
        return Reply()  # other events (enter_agent, location): nothing to say
    if staffing.staffer(msg.user, ctx.registry()) is None:
        return Reply(texts.STAFF_NOT_REGISTERED)
    return Reply(texts.STAFF_UNKNOWN)
