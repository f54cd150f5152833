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
class ReadyReply:
    """A reply made before admission without Redis (a plain scam check): when the message may have
    it, the admission keeps it for WeChat's retries and counts its check, in the same round trip."""

    reply_json: str
    ttl: int
    check: CheckTally | None = None


@dataclass(frozen=True)
class Admission:
    """What the router learns about a message before any handler runs (one round trip)."""

    slot: MessageSlot
    within_rate: bool  # the sender is within the per-minute message limit
    conversation: dict | None  # the sender's open multi-turn flow, if any
    answered: bool = False  # the ready reply was kept as this message's reply: nothing left to do


# Adds one check to the day's figures; an empty verdict field means "not a check".
COUNT_CHECK_LUA = """
local function count_check(figures, verdict_field, type_field, ttl)
  if verdict_field == '' then return end
  redis.call('HINCRBY', figures, verdict_field, 1)
  if type_field ~= '' then redis.call('HINCRBY', figures, type_field, 1) end
  redis.call('EXPIRE', figures, ttl)
end
"""
# One round trip before a handler runs. All keys carry the community's hash tag, so the script
# also runs on Redis Cluster. KEYS: message, rate bucket, conversation, push window, the day's check
# figures. ARGV: pending, running TTL, rate bucket TTL, follower, now, push window TTL, rate limit,
# then the ready reply ('' for none), its TTL, its verdict and type fields, the figures' TTL.
# The ready reply takes the slot (instead of "pending") only on a first delivery within the rate
# from a sender with no open conversation: any of those may change the answer.
ADMIT_SCRIPT = (
    COUNT_CHECK_LUA
    + """
local count = redis.call('INCR', KEYS[2])
if count == 1 then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
local conversation = redis.call('GET', KEYS[3])
local ready = ARGV[8] ~= '' and not conversation and count <= tonumber(ARGV[7])
local took
if ready then
  took = redis.call('SET', KEYS[1], ARGV[8], 'NX', 'EX', ARGV[9])
else
  took = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2])
end
local value = false
if not took then value = redis.call('GET', KEYS[1]) end
local answered = took and ready
if answered then count_check(KEYS[5], ARGV[10], ARGV[11], ARGV[12]) end
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[4], 'last_in', ARGV[5], 'pushed', 0)
  redis.call('EXPIRE', KEYS[4], ARGV[6])
end
return {took and 1 or 0, value, count, conversation, answered and 1 or 0}
"""
)
# One round trip after: KEYS: message, the day's check figures.
SAVE_REPLY_SCRIPT = (
    COUNT_CHECK_LUA
    + """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
count_check(KEYS[2], ARGV[3], ARGV[4], ARGV[5])
return 1
"""
)
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
        self,
        msg_key: str,
        running_ttl: int,
        channel: str,
        user: str,
        now: float,
        rate_limit: int,
        follower: bool,
        ready: ReadyReply | None = None,
    ) -> Admission:
        """Everything the router needs before a handler, in ONE round trip: take the message id
        (SET NX), count the sender's messages this minute, (Official Account followers) open their
        48 h push window, and read the sender's open conversation. A retry is counted too: at most
        three deliveries of one message, well within the limit. With a `ready` reply, a first
        delivery within the rate and outside any conversation is answered by it in the same trip
        (kept for retries, its check counted): `answered`, and no save_reply follows."""
        day, verdict, type_field = _check_fields(ready.check if ready else None)
        keys = [
            self._key(KEY_MESSAGE, key=msg_key),
            self._key(KEY_RATE, scope="user", who=f"{channel}:{user}", bucket=int(now // 60)),
            self._key(KEY_CONVERSATION, channel=channel, user=user),
            self._key(KEY_CS_WINDOW, user=user),
            self._key(KEY_CHECKS_BY_DAY, day=day),
        ]
        args = [PENDING, running_ttl, RATE_BUCKET_TTL, int(follower), now, PUSH_WINDOW_TTL, rate_limit]
        args += [ready.reply_json, ready.ttl] if ready else ["", 0]
        args += [verdict, type_field, CHECK_STATS_TTL]
        took, value, count, conversation, answered = self._run_script(ADMIT_SCRIPT, keys, args)
        slot = self._slot(took == 1, value, msg_key, running_ttl)
        conversation = json.loads(conversation) if conversation else None
        return Admission(slot, count <= rate_limit, conversation, answered == 1)

    def save_reply(self, msg_key: str, reply_json: str, ttl: int, check: CheckTally | None = None) -> None:
        """Keep the reply for retries of this message and, for a scam check, count its verdict:
        one round trip after the handler."""
        day, verdict, type_field = _check_fields(check)
        keys = [self._key(KEY_MESSAGE, key=msg_key), self._key(KEY_CHECKS_BY_DAY, day=day)]
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


def _check_fields(check: CheckTally | None) -> tuple[str, str, str]:
    """The day of the figures a check counts in, and its verdict and type fields ('': none)."""
    if check is None:
        return "", "", ""
    return check.day, f"verdict:{check.verdict}", f"type:{check.type_id}" if check.type_id else ""


def reply_to_json(text: str) -> str:
    return json.dumps({"text": text}, ensure_ascii=False)


def reply_from_json(raw: str) -> str:
    return json.loads(raw).get("text", "")
