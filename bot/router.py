"""The router: handle each message once, pick ONE handler, and own the single error path.

The order in which handlers are tried is the visible list in `bot/handlers/__init__.py`;
the first route whose matcher says yes handles the message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import redis

from bot import texts
from bot.messages import Incoming, Reply
from bot.state import ReadyReply, reply_from_json, reply_to_json

log = logging.getLogger(__name__)

# A slot taken by a delivery that then died frees itself after this long, so a later retry runs.
RUNNING_TTL = 20
# Messages a minute one user may send; far above any person typing, well below a flood.
USER_RATE_LIMIT = 30


@dataclass(frozen=True)
class Route:
    name: str
    when: Callable[[Incoming, Any], bool]
    handle: Callable[[Incoming, Any], Reply]
    # The same answer without any Redis, or None when this message needs state after all. The
    # router computes it BEFORE admission so that, for a sender with no open conversation, the
    # admission keeps it in its own round trip (one Redis round trip per message, not two).
    # It must not touch Redis: it also runs for retries and over-the-rate messages, unused.
    speculate: Callable[[Incoming, Any], Reply | None] | None = None


class Router:
    def __init__(self, routes: Sequence[Route], degraded: Sequence[Route] = (), on_healthy=None):
        self.routes = list(routes)
        self.degraded = list(degraded)  # used while Redis is down: they need no Redis
        self.on_healthy = on_healthy  # called when Redis answers (e.g. replay the held journal)

    def dispatch(self, msg: Incoming, ctx: Any) -> Reply:
        """Answer a message exactly once; a retry of it gets the first attempt's reply. A reply
        made without state is kept by the admission itself: one round trip (`Route.speculate`).
        Redis failing, at the admission or in the handler after it, sends the message to the
        degraded routes: detection needs no Redis, so a resident still gets an answer (without
        dedupe), and an informant's report is held in the local journal."""
        ready = self.speculate(msg, ctx)
        try:
            return self._admit_and_answer(msg, ctx, ready)
        except redis.RedisError:
            log.warning("redis unavailable; handling %s in degraded mode", msg.msg_id)
            return self.run(msg, ctx, self.degraded or self.routes)

    def _admit_and_answer(self, msg: Incoming, ctx: Any, ready: Reply | None) -> Reply:
        follower = msg.channel == "mp" and msg.event != "unsubscribe"
        admission = ctx.state.admit_message(
            msg.msg_id, RUNNING_TTL, msg.channel, msg.user, ctx.clock(), USER_RATE_LIMIT, follower,
            self._to_keep(ready, ctx),
        )  # fmt: skip
        slot = admission.slot
        if not slot.is_first and slot.reply is None:
            slot = ctx.state.wait_for_reply(msg.msg_id, RUNNING_TTL, ctx.config.retry_wait)
        self._when_healthy(ctx)
        if admission.answered:  # the ready reply is kept for retries and counted: done
            return ready
        if slot.reply is not None:
            return Reply(reply_from_json(slot.reply))
        if not slot.is_first:
            # Still running after our wait: stay silent; WeChat retries and will get the reply.
            return Reply()
        # A flood from one account is answered, not processed.
        msg = replace(msg, conversation=admission.conversation)
        # With degraded routes, a Redis error in the handler comes back here (see dispatch).
        passes_on = redis.RedisError if self.degraded else ()
        reply = self.run(msg, ctx, passes_on=passes_on) if admission.within_rate else Reply(texts.TOO_FAST)
        self._remember(msg, ctx, reply)
        return reply

    def speculate(self, msg: Incoming, ctx: Any) -> Reply | None:
        """The answer, made without Redis, when the route that takes this message (with no open
        conversation) can make it so; None otherwise. A failure answers politely, as `run` does."""
        if not any(route.speculate for route in self.routes):
            return None  # e.g. the staff router: its matchers are not run twice
        return self._answer(msg, ctx, self.routes, lambda route: route.speculate)

    def run(
        self, msg: Incoming, ctx: Any, routes: Sequence[Route] | None = None, passes_on: type | tuple = ()
    ) -> Reply:
        return self._answer(msg, ctx, self.routes if routes is None else routes, lambda r: r.handle, passes_on)

    def _answer(
        self, msg: Incoming, ctx: Any, routes: Sequence[Route], using: Callable, passes_on: type | tuple = ()
    ) -> Reply | None:
        """Pick the route, then answer with the function `using(route)` gives (None: no answer).
        Errors of the `passes_on` kinds go to the caller; every other error is answered here."""
        name = "matcher"
        try:
            route = self.pick(msg, ctx, routes)
            if route is None:
                return Reply()
            name = route.name
            answer = using(route)
            return answer(msg, ctx) if answer else None
        except passes_on:
            raise
        except Exception:  # the one error path: log the id (never the text), answer politely
            log.exception("%s failed on message %s", name, msg.msg_id)
            return Reply(texts.SORRY)

    def pick(self, msg: Incoming, ctx: Any, routes: Sequence[Route] | None = None) -> Route | None:
        for route in self.routes if routes is None else routes:
            if route.when(msg, ctx):
                return route
        return None

    def _when_healthy(self, ctx: Any) -> None:
        if self.on_healthy is None:
            return
        try:
            self.on_healthy(ctx)
        except (redis.RedisError, OSError, ValueError):
            log.exception("could not replay the held journal yet")

    @staticmethod
    def _to_keep(ready: Reply | None, ctx: Any) -> ReadyReply | None:
        if ready is None:
            return None
        return ReadyReply(reply_to_json(ready.text), ctx.config.dedupe_ttl, ready.check)

    @staticmethod
    def _remember(msg: Incoming, ctx: Any, reply: Reply) -> None:
        try:
            ctx.state.save_reply(msg.msg_id, reply_to_json(reply.text), ctx.config.dedupe_ttl, reply.check)
        except redis.RedisError:
            log.warning("could not cache the reply to %s", msg.msg_id)
