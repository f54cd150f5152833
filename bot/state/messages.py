"""Message dedupe, followers, check figures and conversations."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from bot.messages import CheckTally
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


@dataclass(frozen=True)
class MessageSlot:
    """The outcome of trying to take a message id: run the handler, or use an earlier reply."""

    is_first: bool
    reply: str | None = None  # the cached reply JSON when not first (None: still running)


@dataclass(frozen=True)
class Admission:
    """What the router learns about a message before any handler runs (one round trip)."""

    slot: MessageSlot
    within_rate: bool  # the sender is within the per-minute message limit
    conversation: dict | None  # the sender's open multi-turn flow, if any


# One round trip before a handler runs. All keys carry the community's hash tag, so the script
# also runs on Redis Cluster. KEYS: message, rate bucket, conversation, push window.
ADMIT_SCRIPT = """
local took = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2])
local value = false
if not took then value = redis.call('GET', KEYS[1]) end
local count = redis.call('INCR', KEYS[2])
if count == 1 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[4], 'last_in', ARGV[5], 'pushed', 0)
  redis.call('EXPIRE', KEYS[4], ARGV[6])
end
return {took and 1 or 0, value, count, redis.call('GET', KEYS[3])}
"""
# One round trip after: KEYS: message, the day's check figures. Empty fields are not counted.
SAVE_REPLY_SCRIPT = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if ARGV[3] ~= '' then
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
  if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[4], 1) end
  redis.call('EXPIRE', KEYS[2], ARGV[5])
end
return 1
"""
RATE_BUCKET_TTL = 120  # a minute's counter outlives its minute, then goes
PUSH_WINDOW_TTL = 3 * 24 * 3600  # longer than WeChat's 48 h customer-service window


class MessagesMixin:
    # --- message dedupe (WeChat retries the same message up to 3 times) ---------------------
    def take_message(self, msg_key: str, running_ttl: int) -> MessageSlot:
        """SET NX: the first delivery runs the handler; a retry reads the reply or waits."""
        key = self._key(KEY_MESSAGE, key=msg_key)
        took = bool(self.conn.set(key, PENDING, nx=True, ex=running_ttl))
        return self._slot(took, None if took else self.conn.get(key), msg_key, running_ttl)

    def _slot(self, took: bool, value: str | None, msg_key: str, running_ttl: int) -> MessageSlot:
        """The slot from SET NX's outcome and, when it failed, the value already there."""
        if took:
            return MessageSlot(is_first=True)
        if value is None:  # the first attempt's slot just expired: take it over
            return self.take_message(msg_key, running_ttl)
        return MessageSlot(is_first=False, reply=None if value == PENDING else value)

    def admit_message(
        self, msg_key: str, running_ttl: int, channel: str, user: str, now: float, rate_limit: int, follower: bool
    ) -> Admission:
        """Everything the router needs before a handler, in ONE round trip: take the message id
        (SET NX), count the sender's messages this minute, (Official Account followers) open their
        48 h push window, and read the sender's open conversation. A retry is counted too: at most
        three deliveries of one message, well within the limit."""
        keys = [
            self._key(KEY_MESSAGE, key=msg_key),
            self._key(KEY_RATE, scope="user", who=f"{channel}:{user}", bucket=int(now // 60)),
            self._key(KEY_CONVERSATION, channel=channel, user=user),
            self._key(KEY_CS_WINDOW, user=user),
        ]
        args = [PENDING, running_ttl, RATE_BUCKET_TTL, int(follower), now, PUSH_WINDOW_TTL]
        took, value, count, conversation = self._run_script(ADMIT_SCRIPT, keys, args)
        slot = self._slot(took == 1, value, msg_key, running_ttl)
        return Admission(slot, count <= rate_limit, json.loads(conversation) if conversation else None)

    def save_reply(self, msg_key: str, reply_json: str, ttl: int, check: CheckTally | None = None) -> None:
        """Keep the reply for retries of this message and, for a scam check, count its verdict:
        one round trip after the handler."""
        day = check.day if check else ""
        keys = [self._key(KEY_MESSAGE, key=msg_key), self._key(KEY_CHECKS_BY_DAY, day=day)]
        verdict = f"verdict:{check.verdict}" if check else ""
        type_field = f"type:{check.type_id}" if check and check.type_id else ""
        self._run_script(SAVE_REPLY_SCRIPT, keys, [reply_json, ttl, verdict, type_field, CHECK_STATS_TTL])

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
    def checks_on(self, day: str) -> dict[str, int]:
        raw = self.conn.hgetall(self._key(KEY_CHECKS_BY_DAY, day=day))
        return {field: int(count) for field, count in raw.items()}

    # --- conversations (multi-turn flows) ----------------------------------------------------
    def set_conversation(self, channel: str, user: str, data: dict, ttl: int) -> None:
        key = self._key(KEY_CONVERSATION, channel=channel, user=user)
        self.conn.set(key, json.dumps(data, ensure_ascii=False), ex=ttl)

    def clear_conversation(self, channel: str, user: str) -> None:
        self.conn.delete(self._key(KEY_CONVERSATION, channel=channel, user=user))


def reply_to_json(text: str) -> str:
    return json.dumps({"text": text}, ensure_ascii=False)


def reply_from_json(raw: str) -> str:
    return json.loads(raw).get("text", "")
