"""Closing a report: the outcome (and the amount saved or lost), then everyone who should know.

As a flow: 结案 R7 -> which outcome? -> (for 劝阻成功 / 已转账) how much? -> closed.
Typed in one go, `结案 R7 1 20000` closes at once.
"""

from __future__ import annotations

import re

from bot import flows, texts
from bot.reports import notices as notify
from bot.reports.staffing import grid_of, load_for

AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(万)?\s*(?:元|块)?\s*$")
ASKS_AMOUNT = {"1": texts.STAFF_ASK_AMOUNT_SAVED, "2": texts.STAFF_ASK_AMOUNT_LOST}


def start(rid: str, user: str, ctx, outcome: str = "", amount: str = "") -> flows.Step:
    report, _, refusal = load_for(rid, user, ctx)
    if report is None:
        return flows.Step(None, refusal)
    data = {"id": report["id"]}
    if outcome in texts.OUTCOMES:
        return choose(data | {"outcome": outcome}, user, ctx, amount)
    return flows.Step("close_outcome", texts.STAFF_ASK_OUTCOME.format(id=report["id"]), data)


def ask_outcome(msg, ctx, data: dict) -> flows.Step:
    answer = flows.plain(msg.text)[:1]
    if answer not in texts.OUTCOMES:
        return flows.Step("close_outcome", texts.STAFF_ASK_OUTCOME.format(id=data["id"]), data)
    return choose(data | {"outcome": answer}, msg.user, ctx)


def choose(data: dict, user: str, ctx, amount: str = "") -> flows.Step:
    if data["outcome"] in ASKS_AMOUNT and not amount:
        return flows.Step("close_amount", ASKS_AMOUNT[data["outcome"]], data)
    return finish(data, user, ctx, amount or "0")


def ask_amount(msg, ctx, data: dict) -> flows.Step:
    if parse_amount(msg.text) is None:
        return flows.Step("close_amount", texts.STAFF_BAD_AMOUNT, data)
    return finish(data, msg.user, ctx, msg.text)


STEPS = {"close_outcome": ask_outcome, "close_amount": ask_amount}


def parse_amount(text: str) -> float | None:
    match = AMOUNT.match(text.replace(",", "").replace("，", ""))
    if not match:
        return None
    return float(match.group(1)) * (10000 if match.group(2) else 1)


def finish(data: dict, user: str, ctx, amount_text: str) -> flows.Step:
    report, _, refusal = load_for(data["id"], user, ctx)
    if report is None:
        return flows.Step(None, refusal)
    code, outcome_name = texts.OUTCOMES[data["outcome"]]
    amount = parse_amount(amount_text) or 0.0
    close(report, user, ctx, code, outcome_name, amount)
    words = ""
    if amount and data["outcome"] in ASKS_AMOUNT:
        template = texts.AMOUNT_SAVED if data["outcome"] == "1" else texts.AMOUNT_LOST
        words = template.format(amount=f"{amount:,.0f}")
    return flows.Step(None, texts.STAFF_CLOSED.format(id=report["id"], outcome=outcome_name, amount=words))


def close(report: dict, user: str, ctx, code: str, outcome_name: str, amount: float) -> None:
    now = ctx.clock()
    changes = {"status": "closed", "closed_at": now, "closed_by": user, "outcome": code,
               "amount_saved": amount if code == "dissuaded" else 0,
               "amount_lost": amount if code == "lost_reported" else 0}
    closed = {**report, **changes}
    informed = texts.NOTICE_INFORMANT_OUTCOME.format(id=report["id"], outcome=outcome_name)
    notices = [notify.notice("mp_text", informant, report["id"], "outcome", informed, now)
               for informant in report.get("informants") or []]
    notices += notify.group(closed, grid_of(report, ctx), texts.NOTICE_CLOSED_GROUP, now, outcome=outcome_name)
    event = {"at": now, "by": user, "what": "closed", "outcome": code, "amount": amount}
    ctx.state.update_report(report["id"], changes, event, notices)
    ctx.state.unschedule(report["id"], range(len(ctx.registry().ladders.get(report["risk"], ()))))
    ctx.state.release_household(report.get("household", ""), report["id"])
