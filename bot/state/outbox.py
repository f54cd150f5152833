"""The outbox stream and its consumption by the workers."""

from __future__ import annotations

import json

import redis

from bot.state.codec import flat, unflat
from bot.state.keys import KEY_DELAYED, KEY_DELIVERY_LOG, KEY_OUTBOX, KEY_SENT, OUTBOX_GROUP, SENT_TTL


class OutboxMixin:
    # --- outbox -----------------------------------------------------------------------------
    def outbox(self, count: int = 1000) -> list[dict]:
        entries = self.conn.xrange(self._key(KEY_OUTBOX), count=count)
        return [{"entry_id": eid, **unflat(fields)} for eid, fields in entries]

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
        return [{"entry_id": eid, **unflat(fields)} for _, entries in answer or [] for eid, fields in entries]

    def reclaim_outbox(self, consumer: str, min_idle_ms: int, count: int) -> list[dict]:
        """Entries a crashed worker read but never acknowledged."""
        _, entries, *_ = self.conn.xautoclaim(
            self._key(KEY_OUTBOX), OUTBOX_GROUP, consumer, min_idle_ms, start_id="0-0", count=count
        )
        return [{"entry_id": eid, **unflat(fields)} for eid, fields in entries if fields]

    def trim_outbox_before(self, cutoff: float) -> None:
        """Drop delivered-or-not notifications older than `cutoff` (stream ids are milliseconds).

        Entries still pending for a worker are kept: XTRIM would otherwise lose them."""
        key = self._key(KEY_OUTBOX)
        pending = self.conn.xpending_range(key, OUTBOX_GROUP, "-", "+", 1) if self._has_group() else []
        oldest_pending = int(pending[0]["message_id"].split("-")[0]) if pending else None
        min_ms = int(cutoff * 1000)
        if oldest_pending is not None:
            min_ms = min(min_ms, oldest_pending)
        self.conn.xtrim(key, minid=f"{min_ms}-0")
        self.conn.xtrim(self._key(KEY_DELIVERY_LOG), minid=f"{int(cutoff * 1000)}-0")

    def _has_group(self) -> bool:
        try:
            return any(g["name"] == OUTBOX_GROUP for g in self.conn.xinfo_groups(self._key(KEY_OUTBOX)))
        except redis.ResponseError:  # no stream yet
            return False

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
                self.conn.xadd(self._key(KEY_OUTBOX), flat(json.loads(member)))
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
        self.conn.xadd(self._key(KEY_DELIVERY_LOG), flat(record), maxlen=100_000, approximate=True)

    def delivery_log(self, count: int = 10_000) -> list[dict]:
        return [
            {"log_id": eid, **unflat(f)}
            for eid, f in self.conn.xrange(self._key(KEY_DELIVERY_LOG), count=count)
        ]
