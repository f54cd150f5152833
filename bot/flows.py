"""Multi-turn conversations as declared state tables, kept in Redis with a timeout.

A flow is a dict of state name -> step function (msg, ctx, data) -> Step. A Step names the next
state (None ends the flow), the reply, and the data to carry. 取消 ends any flow at any step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

FLOW_TTL = 10 * 60  # an unanswered question is forgotten after 10 minutes
CANCEL_WORDS = frozenset({"取消", "退出", "算了", "不报了", "cancel"})

StepFn = Callable[..., "Step"]


@dataclass(frozen=True)
class Step:
    next: str | None
    reply: str
    data: dict = field(default_factory=dict)


def plain(text: str) -> str:
    return text.strip().strip("。.!！~ ").lower()


def begin(msg, ctx, step: Step) -> str:
    save(msg, ctx, step)
    return step.reply


def advance(msg, ctx, conversation: dict, steps: Mapping[str, StepFn], cancelled: str) -> str | None:
    """Run the current step. None: the flow let go of this message (handle it as usual)."""
    if plain(msg.text) in CANCEL_WORDS:
        ctx.state.clear_conversation(msg.channel, msg.user)
        return cancelled
    step_fn = steps.get(conversation.get("state", ""))
    if step_fn is None:
        ctx.state.clear_conversation(msg.channel, msg.user)
        return None
    step = step_fn(msg, ctx, conversation.get("data") or {})
    save(msg, ctx, step)
    return step.reply or None


def save(msg, ctx, step: Step) -> None:
    if step.next is None:
        ctx.state.clear_conversation(msg.channel, msg.user)
    else:
        data = {"state": step.next, "data": step.data}
        ctx.state.set_conversation(msg.channel, msg.user, data, FLOW_TTL)
