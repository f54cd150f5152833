"""Turning one outbox entry into the API calls that deliver it.

The report's state is read again at send time: a 认领 card is not sent for a report someone
already claimed, and the card's content is what is true now, not when it was queued.
"""

from __future__ import annotations

from bot import texts
from bot.outbound import cards
from bot.outbound.errors import ApiError
from bot.reports.staffing import grid_of

# A customer-service message may follow a user's own message for 48 h, at most 5 of them
# (Official Account docs, checked 2026).
CS_WINDOW = 48 * 3600
CS_LIMIT = 5

SENT, SKIPPED, HELD = "sent", "skipped", "held"


class Sender:
    def __init__(self, ctx, wecom, mp):
        self.ctx, self.wecom, self.mp = ctx, wecom, mp

    def deliver(self, entry: dict, now: float) -> str:
        """SENT, SKIPPED (no longer true or needed) or HELD (no budget); ApiError on failure."""
        channel = getattr(self, "send_" + entry.get("channel", ""), None)
        if channel is None:
            return SKIPPED
        return channel(entry, now)

    def send_wecom_card(self, entry: dict, now: float) -> str:
        report = self.ctx.state.get_report(entry["report_id"])
        if not report or report.get("status") != "open":
            return SKIPPED  # claimed or closed since it was queued
        user = entry["recipient"]
        task = task_id(report, user)
        answer = self.wecom.send_card([user], cards.report_card(report, task, f"claim:{report['id']}"))
        if answer.get("response_code"):
            self.ctx.state.remember_card(report["id"], user, answer["response_code"])
        return SENT

    def send_wecom_card_update(self, entry: dict, now: float) -> str:
        """Every copy of the report's card becomes "已由 张三 认领 10:32"."""
        for user, code in self.ctx.state.cards(entry["report_id"]).items():
            self.wecom.update_card(code, entry["content"], users=[user])
        return SENT

    def send_wecom_claimer_card(self, entry: dict, now: float) -> str:
        report = self.ctx.state.get_report(entry["report_id"])
        if not report or report.get("status") == "closed":
            return SKIPPED
        task = task_id(report, entry["recipient"], "c")
        self.wecom.send_card([entry["recipient"]], cards.claimer_card(report, task))
        return SENT

    def send_wecom_app(self, entry: dict, now: float) -> str:
        content = entry.get("content") or ""
        if entry.get("kind") == "dissuasion_card":
            content = texts.DISSUASION_TITLE + self.ctx.knowledge.card("dissuasion_card")
        self.wecom.send_text([entry["recipient"]], content)
        return SENT

    def send_wecom_group(self, entry: dict, now: float) -> str:
        self.wecom.send_group(entry["recipient"], entry["content"])
        return SENT

    def send_wecom_robot(self, entry: dict, now: float) -> str:
        report = self.ctx.state.get_report(entry["report_id"]) or {}
        grid = grid_of(report, self.ctx)
        if not grid or not grid.robot_webhook:
            return SKIPPED
        self.wecom.send_robot(grid.robot_webhook, entry["content"])
        return SENT

    def send_mp_text(self, entry: dict, now: float) -> str:
        if not self.ctx.state.take_push_slot(entry["recipient"], now, CS_WINDOW, CS_LIMIT):
            return HELD  # outside the 48 h window or over budget: kept for the dashboard
        try:
            self.mp.send_text(entry["recipient"], entry["content"])
        except ApiError as error:
            if error.out_of_window:
                return HELD
            raise
        return SENT


def task_id(report: dict, user: str, kind: str = "r") -> str:
    """Unique per card sent (WeCom refuses a task_id used before in the same app)."""
    return f"{report['id']}_{kind}{int(report.get('card_round') or 0)}_{user}"[:128]


# What to try when a channel keeps failing.
FALLBACK = {"wecom_card": "wecom_app", "wecom_claimer_card": "wecom_app", "wecom_group": "wecom_robot"}
