"""Message dedupe, followers, check figures and conversations."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

import redis

from bot.state.keys import (
    CHECK_STATS_TTL,
    KEY_CHECKS_BY_DAY,
    KEY_CONVERSATION,
    KEY_CS_WINDOW,
    KEY_MESSAGE,
    KEY_RATE,
    KEY_SUBSCRIBERS,
    PENDING,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageSlot:
    """The outcome of trying to take a message id: run the handler, or use an earlier reply."""

    is_first: bool
    reply: str | None = None  # the cached reply JSON when not first (None: still running)


class MessagesMixin:
    # --- message dedupe (WeChat retries the same message up to 3 times) ---------------------
    def take_message(self, msg_key: str, running_ttl: int) -> MessageSlot:
        """SET NX: the first delivery runs the handler; a retry reads the reply or waits."""
        key = self._key(KEY_MESSAGE, key=msg_key)
        if self.conn.set(key, PENDING, nx=True, ex=running_ttl):
            return MessageSlot(is_first=True)
        value = self.conn.get(key)
        if value is None:  # the first attempt's slot just expired: take it over
            return self.take_message(msg_key, running_ttl)
        return MessageSlot(is_first=False, reply=None if value == PENDING else value)

    def admit_message(
        self, msg_key: str, running_ttl: int, sender: str, now: float, rate_limit: int, follower: bool
    ) -> tuple[MessageSlot, bool]:
        """Everything the router needs before a handler, in ONE round trip: take the message id
        (SET NX), count the sender's messages this minute, and (Official Account followers) open
        their 48 h push window. Returns the slot and whether the sender is within the rate limit.
        A retry is counted too: at most three deliveries of one message, well within the limit."""
        key = self._key(KEY_MESSAGE, key=msg_key)
        rate_key = self._key(KEY_RATE, scope="user", who=sender, bucket=int(now // 60))
        pipe = self.conn.pipeline(transaction=False)
        pipe.set(key, PENDING, nx=True, ex=running_ttl)
        pipe.get(key)
        pipe.incr(rate_key)
        pipe.expire(rate_key, 120)
        if follower:
            window = self._key(KEY_CS_WINDOW, user=sender.partition(":")[2])
            pipe.hset(window, mapping={"last_in": now, "pushed": 0})
            pipe.expire(window, 3 * 24 * 3600)
        took, value, count, *_ = pipe.execute()
        if took:
            return MessageSlot(is_first=True), count <= rate_limit
        if value is None:  # the first attempt's slot just expired: take it over
            return self.take_message(msg_key, running_ttl), count <= rate_limit
        return MessageSlot(is_first=False, reply=None if value == PENDING else value), count <= rate_limit

    def save_reply(self, msg_key: str, reply_json: str, ttl: int) -> None:
        self.conn.set(self._key(KEY_MESSAGE, key=msg_key), reply_json, ex=ttl)

    def wait_for_reply(self, msg_key: str, running_ttl: int, timeout: float) -> MessageSlot:
        """A retry that arrives while the first attempt runs: poll briefly for its reply."""
        deadline = time.monotonic() + timeout
        delay = 0.02
        while True:
            slot = self.take_message(msg_key, running_ttl)
            if slot.is_first or slot.reply is not None or time.monotonic() >= deadline:
                return slot
            time.sleep(delay)
            delay = min(delay * 1.5, 0.2)

    # --- followers -------------------------------------------------------------------------
    def add_subscriber(self, user: str) -> None:
        self.conn.sadd(self._key(KEY_SUBSCRIBERS), user)

    def remove_subscriber(self, user: str) -> None:
        self.conn.srem(self._key(KEY_SUBSCRIBERS), user)

    def is_subscriber(self, user: str) -> bool:
        return bool(self.conn.sismember(self._key(KEY_SUBSCRIBERS), user))

    # --- figures ---------------------------------------------------------------------------
    def record_check(self, day: str, verdict: str, type_id: str | None) -> None:
        """Count one resident check (no message text is kept: only the verdict and type).

        Best effort: a resident's answer never waits on, or fails for, a figure.
        """
        key = self._key(KEY_CHECKS_BY_DAY, day=day)
        pipe = self.conn.pipeline(transaction=True)
        pipe.hincrby(key, f"verdict:{verdict}", 1)
        if type_id:
            pipe.hincrby(key, f"type:{type_id}", 1)
        pipe.expire(key, CHECK_STATS_TTL)
        try:
            pipe.execute()
        except redis.RedisError:
            log.warning("could not count a check (redis unavailable)")

    def checks_on(self, day: str) -> dict[str, int]:
        raw = self.conn.hgetall(self._key(KEY_CHECKS_BY_DAY, day=day))
        return {field: int(count) for field, count in raw.items()}

    # --- conversations (multi-turn flows) ----------------------------------------------------
    def get_conversation(self, channel: str, user: str) -> dict | None:
        raw = self.conn.get(self._key(KEY_CONVERSATION, channel=channel, user=user))
        return json.loads(raw) if raw else None

    def set_conversation(self, channel: str, user: str, data: dict, ttl: int) -> None:
        key = self._key(KEY_CONVERSATION, channel=channel, user=user)
        self.conn.set(key, json.dumps(data, ensure_ascii=False), ex=ttl)

    def clear_conversation(self, channel: str, user: str) -> None:
        self.conn.delete(self._key(KEY_CONVERSATION, channel=channel, user=user))


def reply_to_json(text: str) -> str:
    return json.dumps({"text": text}, ensure_ascii=False)


def reply_from_json(raw: str) -> str:
    return json.loads(raw).get("text", "")
