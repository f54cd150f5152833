"""The Official Account customer-service window: 5 pushes within 48 h."""

from __future__ import annotations

from bot.state.keys import KEY_CS_WINDOW


class PushWindowMixin:
    # --- Official Account customer-service window (5 messages within 48 h) --------------------
    def note_follower_message(self, user: str, now: float) -> None:
        key = self._key(KEY_CS_WINDOW, user=user)
        pipe = self.conn.pipeline(transaction=True)
        pipe.hset(key, mapping={"last_in": now, "pushed": 0})
        pipe.expire(key, 3 * 24 * 3600)
        pipe.execute()

    def take_push_slot(self, user: str, now: float, window: int, limit: int) -> bool:
        key = self._key(KEY_CS_WINDOW, user=user)
        last_in = self.conn.hget(key, "last_in")
        if last_in is None or now - float(last_in) > window:
            return False
        if self.conn.hincrby(key, "pushed", 1) <= limit:
            return True
        self.conn.hincrby(key, "pushed", -1)
        return False
