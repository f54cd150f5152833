"""Sending budgets: the Official Account's 48 h push window, and per-minute API rate limits."""

from __future__ import annotations

import uuid

from bot.state.keys import KEY_CS_WINDOW, KEY_RATE, KEY_SENDS


class PushWindowMixin:
    # --- Official Account customer-service window (5 messages within 48 h) --------------------
    def take_push_slot(self, user: str, now: float, window: int, limit: int) -> bool:
        key = self._key(KEY_CS_WINDOW, user=user)
        last_in = self.conn.hget(key, "last_in")
        if last_in is None or now - float(last_in) > window:
            return False
        if self.conn.hincrby(key, "pushed", 1) <= limit:
            return True
        self.conn.hincrby(key, "pushed", -1)
        return False

    # --- per-minute rate limits (WeCom app messages, group robots) --------------------------
    def take_rate_slot(self, scope: str, who: str, now: float, limit: int, window: int = 60) -> bool:
        """One send within `limit` per `window` seconds for `who`; False means wait."""
        key = self._key(KEY_RATE, scope=scope, who=who, bucket=int(now // window))
        pipe = self.conn.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, window * 2)
        count, _ = pipe.execute()
        return count <= limit

    def take_send_slot(self, scope: str, who: str, now: float, limit: int, window: int = 60) -> bool:
        """A sliding window: at most `limit` sends to `who` in any `window` seconds (WeCom counts
        that way; a per-minute counter would let twice the limit through across a minute's edge)."""
        key = self._key(KEY_SENDS, scope=scope, who=who)
        member = f"{now:.6f}:{uuid.uuid4().hex[:8]}"
        pipe = self.conn.pipeline(transaction=True)
        pipe.zremrangebyscore(key, "-inf", now - window)
        pipe.zadd(key, {member: now})
        pipe.zcard(key)
        pipe.expire(key, window * 2)
        _, _, count, _ = pipe.execute()
        if count <= limit:
            return True
        self.conn.zrem(key, member)
        return False
