"""Every Redis read and write of the bot lives here.

Keys carry the community id in a hash tag (`fz:{c1}:...`), so one deployment serves many
communities and every key of one community lands in the same Redis Cluster slot. The connection
is passed in; nothing here reads configuration or the environment.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

import redis

log = logging.getLogger(__name__)

# --- key templates ------------------------------------------------------------------------
KEY_MESSAGE = "fz:{{{c}}}:msg:{key}"  # dedupe: "pending" while running, then the reply as JSON
KEY_SUBSCRIBERS = "fz:{{{c}}}:subscribers"  # set of openids following the Official Account
KEY_CHECKS_BY_DAY = "fz:{{{c}}}:stats:checks:{day}"  # hash: verdict / type -> count
KEY_CONVERSATION = "fz:{{{c}}}:conv:{channel}:{user}"  # JSON of a multi-turn flow, with a timeout
KEY_INVITE = "fz:{{{c}}}:invite:{code}"  # one-time informant invite -> building
KEY_INFORMANT = "fz:{{{c}}}:informant:{user}"  # set of buildings an informant is bound to
KEY_INFORMANTS = "fz:{{{c}}}:informants"  # hash: user -> bound since (epoch)
KEY_HOME = "fz:{{{c}}}:home:{user}"  # hash: building, unit a resident said they live in
KEY_REPORT_SEQ = "fz:{{{c}}}:report:seq"  # counter behind short report ids (R1, R2, ...)
KEY_REPORT = "fz:{{{c}}}:report:{id}"  # hash: one report
KEY_REPORT_EVENTS = "fz:{{{c}}}:report:{id}:events"  # stream: who did what, when
KEY_REPORTS_BY_TIME = "fz:{{{c}}}:reports"  # zset: report id -> created_at
KEY_DEADLINES = "fz:{{{c}}}:deadlines"  # zset: report id -> deadline_at, for the worker
KEY_HOUSEHOLD = "fz:{{{c}}}:household:{key}"  # report id of a household's open report (30 min)
KEY_OUTBOX = "fz:{{{c}}}:outbox"  # stream: notifications for the worker to deliver
KEY_CLAIM = "fz:{{{c}}}:report:{id}:claim"  # who owns a report: SET NX makes one winner
KEY_CARDS = "fz:{{{c}}}:report:{id}:cards"  # hash: staff userid -> the card's response_code
KEY_ESCALATIONS = "fz:{{{c}}}:escalations"  # zset: "R7|step" -> when the step is due
KEY_DELAYED = "fz:{{{c}}}:outbox:delayed"  # zset: outbox entry (JSON) waiting for its retry time
KEY_SENT = "fz:{{{c}}}:outbox:sent:{origin}"  # "sending" / "done": makes redelivery harmless
KEY_DELIVERY_LOG = "fz:{{{c}}}:outbox:log"  # stream: what happened to each entry (sent, failed, held)
KEY_CS_WINDOW = "fz:{{{c}}}:cs:{user}"  # hash: last message from a follower, messages pushed since
KEY_TOKEN = "fz:{{{c}}}:token:{app}"  # one shared access_token per API app
KEY_TOKEN_LOCK = "fz:{{{c}}}:token:{app}:lock"

OUTBOX_GROUP = "workers"
SENT_TTL = 7 * 24 * 3600

PENDING = "pending"
CHECK_STATS_TTL = 400 * 24 * 3600  # a year of daily figures, plus margin


def connect(url: str) -> redis.Redis:
    """A real Redis client for `url`, answering str (not bytes)."""
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=2.0,
        socket_connect_timeout=2.0,
        health_check_interval=30,
    )


def connect_embedded() -> redis.Redis:
    """An in-process store for `make run`'s zero-setup default (never for tests or production)."""
    import fakeredis

    return fakeredis.FakeRedis(decode_responses=True)


@dataclass(frozen=True)
class MessageSlot:
    """The outcome of trying to take a message id: run the handler, or use an earlier reply."""

    is_first: bool
    reply: str | None = None  # the cached reply JSON when not first (None: still running)


class State:
    """Redis state of one community."""

    def __init__(self, conn: redis.Redis, community_id: str):
        self.conn = conn
        self.community = community_id

    def _key(self, template: str, **parts: str) -> str:
        return template.format(c=self.community, **parts)

    # --- health ----------------------------------------------------------------------------
    def ping(self) -> bool:
        try:
            return bool(self.conn.ping())
        except redis.RedisError:
            return False

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

    def save_reply(self, msg_key: str, reply_json: str, ttl: int) -> None:
        self.conn.set(self._key(KEY_MESSAGE, key=msg_key), reply_json, ex=ttl)

    def release_message(self, msg_key: str) -> None:
        """Forget a message whose handling failed before any reply, so a retry can run it."""
        self.conn.delete(self._key(KEY_MESSAGE, key=msg_key))

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

    # --- informants and residents -----------------------------------------------------------
    def create_invite(self, code: str, building: str, ttl: int) -> bool:
        return bool(self.conn.set(self._key(KEY_INVITE, code=code), building, nx=True, ex=ttl))

    def use_invite(self, code: str) -> str | None:
        """The invite's building, once: GETDEL makes a second use (or a race) find nothing."""
        return self.conn.getdel(self._key(KEY_INVITE, code=code))

    def bind_informant(self, user: str, building: str, now: float) -> None:
        pipe = self.conn.pipeline(transaction=True)
        pipe.sadd(self._key(KEY_INFORMANT, user=user), building)
        pipe.hsetnx(self._key(KEY_INFORMANTS), user, int(now))
        pipe.execute()

    def informant_buildings(self, user: str) -> set[str]:
        return set(self.conn.smembers(self._key(KEY_INFORMANT, user=user)))

    def informants(self) -> dict[str, list[str]]:
        users = self.conn.hkeys(self._key(KEY_INFORMANTS))
        return {user: sorted(self.informant_buildings(user)) for user in users}

    def set_home(self, user: str, building: str, unit: str | None) -> None:
        self.conn.hset(self._key(KEY_HOME, user=user), mapping={"building": building, "unit": unit or ""})

    def home_of(self, user: str) -> dict[str, str]:
        return self.conn.hgetall(self._key(KEY_HOME, user=user))

    # --- reports ----------------------------------------------------------------------------
    def next_report_id(self) -> str:
        return f"R{self.conn.incr(self._key(KEY_REPORT_SEQ))}"

    def hold_household(self, household: str, report_id: str, ttl: int) -> str | None:
        """SET NX: None when this report now holds the household, else the open report's id."""
        key = self._key(KEY_HOUSEHOLD, key=household)
        if self.conn.set(key, report_id, nx=True, ex=ttl):
            return None
        return self.conn.get(key)

    def release_household(self, household: str, report_id: str) -> None:
        key = self._key(KEY_HOUSEHOLD, key=household)
        if self.conn.get(key) == report_id:
            self.conn.delete(key)

    def save_report(self, report: dict, event: dict, notices: list[dict], steps: dict | None = None) -> None:
        """A new report, its first event, deadline, escalation steps and notifications: all or nothing."""
        rid = report["id"]
        pipe = self.conn.pipeline(transaction=True)
        self._queue_steps(pipe, rid, steps)
        pipe.hset(self._key(KEY_REPORT, id=rid), mapping=_flat(report))
        pipe.zadd(self._key(KEY_REPORTS_BY_TIME), {rid: report["created_at"]})
        pipe.zadd(self._key(KEY_DEADLINES), {rid: report["deadline_at"]})
        self._queue_event(pipe, rid, event)
        self._queue_notices(pipe, notices)
        pipe.execute()

    def update_report(
        self, rid: str, changes: dict, event: dict, notices: list[dict], steps: dict | None = None
    ) -> None:
        """Change a report, record who did it, queue its notifications (and new steps): atomically."""
        pipe = self.conn.pipeline(transaction=True)
        self._queue_steps(pipe, rid, steps)
        if changes:
            pipe.hset(self._key(KEY_REPORT, id=rid), mapping=_flat(changes))
        if "deadline_at" in changes:
            pipe.zadd(self._key(KEY_DEADLINES), {rid: changes["deadline_at"]})
        self._queue_event(pipe, rid, event)
        self._queue_notices(pipe, notices)
        pipe.execute()

    def _queue_steps(self, pipe, rid: str, steps: dict | None) -> None:
        if steps:
            pipe.zadd(self._key(KEY_ESCALATIONS), {f"{rid}|{i}": due for i, due in steps.items()})

    def _queue_event(self, pipe, rid: str, event: dict) -> None:
        pipe.xadd(self._key(KEY_REPORT_EVENTS, id=rid), _flat(event))

    def _queue_notices(self, pipe, notices: list[dict]) -> None:
        for notice in notices:
            pipe.xadd(self._key(KEY_OUTBOX), _flat(notice))

    def get_report(self, rid: str) -> dict | None:
        raw = self.conn.hgetall(self._key(KEY_REPORT, id=rid))
        return _unflat(raw) if raw else None

    def report_ids(self) -> list[str]:
        return self.conn.zrange(self._key(KEY_REPORTS_BY_TIME), 0, -1)

    def report_events(self, rid: str) -> list[dict]:
        entries = self.conn.xrange(self._key(KEY_REPORT_EVENTS, id=rid))
        return [{"event_id": eid, **_unflat(fields)} for eid, fields in entries]

    # --- claims -----------------------------------------------------------------------------
    def try_claim(self, rid: str, user: str) -> str | None:
        """SET NX: None when `user` now owns the report, else who already does."""
        key = self._key(KEY_CLAIM, id=rid)
        if self.conn.set(key, user, nx=True):
            return None
        return self.conn.get(key) or self.try_claim(rid, user)

    def claimer(self, rid: str) -> str | None:
        return self.conn.get(self._key(KEY_CLAIM, id=rid))

    def set_claimer(self, rid: str, user: str) -> None:
        self.conn.set(self._key(KEY_CLAIM, id=rid), user)

    def drop_claim(self, rid: str) -> None:
        self.conn.delete(self._key(KEY_CLAIM, id=rid))

    def remember_card(self, rid: str, user: str, response_code: str) -> None:
        self.conn.hset(self._key(KEY_CARDS, id=rid), user, response_code)

    def cards(self, rid: str) -> dict[str, str]:
        return self.conn.hgetall(self._key(KEY_CARDS, id=rid))

    # --- escalation schedule ----------------------------------------------------------------
    def schedule(self, rid: str, steps: dict[int, float]) -> None:
        """Steps of a report's escalation policy, by index, with the time each is due."""
        if steps:
            self.conn.zadd(self._key(KEY_ESCALATIONS), {f"{rid}|{i}": due for i, due in steps.items()})

    def unschedule(self, rid: str, indexes) -> None:
        members = [f"{rid}|{i}" for i in indexes]
        if members:
            self.conn.zrem(self._key(KEY_ESCALATIONS), *members)

    def scheduled(self, rid: str | None = None) -> list[tuple[str, int, float]]:
        entries = self.conn.zrange(self._key(KEY_ESCALATIONS), 0, -1, withscores=True)
        out = [(m.split("|")[0], int(m.split("|")[1]), due) for m, due in entries]
        return [e for e in out if rid is None or e[0] == rid]

    def take_due_steps(self, now: float, limit: int = 100) -> list[tuple[str, int]]:
        """Due steps, each taken by exactly one worker (ZREM answers 1 to only one of them)."""
        key = self._key(KEY_ESCALATIONS)
        taken = []
        for member in self.conn.zrangebyscore(key, "-inf", now, start=0, num=limit):
            if self.conn.zrem(key, member):
                rid, index = member.split("|")
                taken.append((rid, int(index)))
        return taken

    # --- outbox -----------------------------------------------------------------------------
    def outbox(self, count: int = 1000) -> list[dict]:
        entries = self.conn.xrange(self._key(KEY_OUTBOX), count=count)
        return [{"entry_id": eid, **_unflat(fields)} for eid, fields in entries]

    # --- outbox consumption (the worker) ------------------------------------------------------
    def ensure_outbox_group(self) -> None:
        try:
            self.conn.xgroup_create(self._key(KEY_OUTBOX), OUTBOX_GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def read_outbox(self, consumer: str, count: int, block_ms: int | None = None) -> list[dict]:
        """New entries for this consumer (at-least-once: unacknowledged ones stay pending)."""
        streams = {self._key(KEY_OUTBOX): ">"}
        answer = self.conn.xreadgroup(OUTBOX_GROUP, consumer, streams, count=count, block=block_ms)
        return [{"entry_id": eid, **_unflat(fields)} for _, entries in answer or [] for eid, fields in entries]

    def reclaim_outbox(self, consumer: str, min_idle_ms: int, count: int) -> list[dict]:
        """Entries a crashed worker read but never acknowledged."""
        _, entries, *_ = self.conn.xautoclaim(
            self._key(KEY_OUTBOX), OUTBOX_GROUP, consumer, min_idle_ms, start_id="0-0", count=count
        )
        return [{"entry_id": eid, **_unflat(fields)} for eid, fields in entries if fields]

    def ack_outbox(self, entry_id: str) -> None:
        self.conn.xack(self._key(KEY_OUTBOX), OUTBOX_GROUP, entry_id)

    def pending_outbox(self) -> int:
        info = self.conn.xpending(self._key(KEY_OUTBOX), OUTBOX_GROUP)
        return int(info["pending"]) if info else 0

    def delay_outbox(self, entry: dict, not_before: float) -> None:
        """Retry later: the entry leaves the stream (acknowledged) and waits in a sorted set."""
        body = {k: v for k, v in entry.items() if k != "entry_id"}
        pipe = self.conn.pipeline(transaction=True)
        pipe.zadd(self._key(KEY_DELAYED), {json.dumps(body, ensure_ascii=False, sort_keys=True): not_before})
        pipe.xack(self._key(KEY_OUTBOX), OUTBOX_GROUP, entry["entry_id"])
        pipe.execute()

    def release_delayed(self, now: float) -> int:
        """Put retries that are due back on the outbox; ZREM makes each move happen once."""
        moved = 0
        for member in self.conn.zrangebyscore(self._key(KEY_DELAYED), "-inf", now, start=0, num=100):
            if self.conn.zrem(self._key(KEY_DELAYED), member):
                self.conn.xadd(self._key(KEY_OUTBOX), _flat(json.loads(member)))
                moved += 1
        return moved

    def mark_sending(self, origin: str, ttl: int = 600) -> str | None:
        """None when this worker may send now; "done" when it was already sent; "sending" when
        another attempt started (and may have died mid-send)."""
        key = self._key(KEY_SENT, origin=origin)
        if self.conn.set(key, "sending", nx=True, ex=ttl):
            return None
        return self.conn.get(key) or None

    def forget_sending(self, origin: str) -> None:
        """A failed attempt: the next try may mark it again."""
        key = self._key(KEY_SENT, origin=origin)
        if self.conn.get(key) == "sending":
            self.conn.delete(key)

    def queue_notices(self, notices: list[dict]) -> None:
        pipe = self.conn.pipeline(transaction=True)
        self._queue_notices(pipe, notices)
        pipe.execute()

    def mark_sent(self, origin: str) -> None:
        self.conn.set(self._key(KEY_SENT, origin=origin), "done", ex=SENT_TTL)

    def log_delivery(self, record: dict) -> None:
        self.conn.xadd(self._key(KEY_DELIVERY_LOG), _flat(record), maxlen=100_000, approximate=True)

    def delivery_log(self, count: int = 10_000) -> list[dict]:
        return [{"log_id": eid, **_unflat(f)} for eid, f in self.conn.xrange(self._key(KEY_DELIVERY_LOG), count=count)]

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

    # --- access tokens (TokenStore for bot.outbound) ------------------------------------------
    def cached_token(self, app: str) -> str | None:
        return self.conn.get(self._key(KEY_TOKEN, app=app))

    def store_token(self, app: str, token: str, ttl: int) -> None:
        self.conn.set(self._key(KEY_TOKEN, app=app), token, ex=max(ttl, 1))

    def drop_token(self, app: str, token: str) -> None:
        key = self._key(KEY_TOKEN, app=app)
        if self.conn.get(key) == token:
            self.conn.delete(key)

    def take_refresh_lock(self, app: str, ttl: int) -> bool:
        return bool(self.conn.set(self._key(KEY_TOKEN_LOCK, app=app), "1", nx=True, ex=ttl))

    def release_refresh_lock(self, app: str) -> None:
        self.conn.delete(self._key(KEY_TOKEN_LOCK, app=app))


def _flat(values: dict) -> dict[str, str]:
    """Redis hashes and streams hold strings: every value goes in as JSON, so types come back."""
    return {key: json.dumps(value, ensure_ascii=False) for key, value in values.items()}


def _unflat(values: dict[str, str]) -> dict:
    out = {}
    for key, raw in values.items():
        try:
            out[key] = json.loads(raw)
        except ValueError:  # written by hand or by an older version: keep the text
            out[key] = raw
    return out


def reply_to_json(text: str) -> str:
    return json.dumps({"text": text}, ensure_ascii=False)


def reply_from_json(raw: str) -> str:
    return json.loads(raw).get("text", "")
