"""Reports, their history, claims and escalation schedule."""

from __future__ import annotations

from dataclasses import dataclass

from bot.state.codec import flat, unflat
from bot.state.keys import (
    JOURNALED_TTL,
    KEY_CARDS,
    KEY_CLAIM,
    KEY_DEADLINES,
    KEY_ESCALATIONS,
    KEY_HOUSEHOLD,
    KEY_JOURNALED,
    KEY_OUTBOX,
    KEY_REPORT,
    KEY_REPORT_EVENTS,
    KEY_REPORT_SEQ,
    KEY_REPORTS_BY_TIME,
    REFUSED,
)

# Escalation steps are leased, not removed, while a worker runs them: at least once, as the outbox.
STEP_LEASE = 30.0  # seconds
TAKE_STEPS_SCRIPT = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], member) end
return due
"""


class KEEP:
    """update_report's default claimer: the claim is left as it is."""


@dataclass(frozen=True)
class ReportUpdate:
    """One change to a report, as update_report takes it: for writing several in one transaction."""

    rid: str
    changes: dict
    event: dict | None  # None: no event (a notification only)
    notices: list[dict]
    claimer: str | None | type[KEEP] = KEEP


class ReportsMixin:
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
        pipe.hset(self._key(KEY_REPORT, id=rid), mapping=flat(report))
        pipe.zadd(self._key(KEY_REPORTS_BY_TIME), {rid: report["created_at"]})
        pipe.zadd(self._key(KEY_DEADLINES), {rid: report["deadline_at"]})
        self._queue_event(pipe, rid, event)
        self._queue_notices(pipe, notices)
        pipe.execute()

    def update_report(
        self,
        rid: str,
        changes: dict,
        event: dict,
        notices: list[dict],
        steps: dict | None = None,
        claimer: str | None | type[KEEP] = KEEP,
    ) -> None:
        """Change a report, record who did it, queue its notifications (and new steps): atomically.
        claimer: who holds the report from now on (None: nobody), in the same transaction."""
        pipe = self.conn.pipeline(transaction=True)
        self._queue_steps(pipe, rid, steps)
        self._queue_update(pipe, ReportUpdate(rid, changes, event, notices, claimer))
        pipe.execute()

    def apply_updates(self, updates: list[ReportUpdate]) -> None:
        """Several report updates in one transaction."""
        pipe = self.conn.pipeline(transaction=True)
        for update in updates:
            self._queue_update(pipe, update)
        pipe.execute()

    def claim_report(
        self, rid: str, user: str, changes: dict, event: dict, notices: list[dict]
    ) -> tuple[bool, str | None]:
        """Take the report for `user` and record it, in one transaction: (True, user) when `user`
        now holds it, else (False, whoever already does; None when the report was closed meanwhile),
        and nothing is written. When many click at once, exactly one wins; a claim cut short
        (Redis failing) leaves nothing half done, so trying again works."""
        claim, report = self._key(KEY_CLAIM, id=rid), self._key(KEY_REPORT, id=rid)

        def check(pipe):
            holder = pipe.get(claim)
            won = not holder and _field(pipe, report, "status") != "closed"
            return won, (won, user if won else holder)

        def write(pipe, _result):
            self._queue_update(pipe, ReportUpdate(rid, changes, event, notices, user))

        return self._check_and_write([claim, report], check, write)

    def _queue_update(self, pipe, update: ReportUpdate) -> None:
        rid = update.rid
        if update.claimer is None:
            pipe.delete(self._key(KEY_CLAIM, id=rid))
        elif update.claimer is not KEEP:
            pipe.set(self._key(KEY_CLAIM, id=rid), update.claimer)
        if update.changes:
            pipe.hset(self._key(KEY_REPORT, id=rid), mapping=flat(update.changes))
        if "deadline_at" in update.changes:
            pipe.zadd(self._key(KEY_DEADLINES), {rid: update.changes["deadline_at"]})
        if update.event is not None:
            self._queue_event(pipe, rid, update.event)
        self._queue_notices(pipe, update.notices)

    def _queue_steps(self, pipe, rid: str, steps: dict | None) -> None:
        if steps:
            pipe.zadd(self._key(KEY_ESCALATIONS), {f"{rid}|{i}": due for i, due in steps.items()})

    def journaled(self, journal_id: str) -> str | None:
        """The report a held journal record became, if it was filed already."""
        return self.conn.get(self._key(KEY_JOURNALED, jid=journal_id))

    def refuse_journaled(self, journal_id: str, notices: list[dict]) -> None:
        """A held record that will not be filed: marked done (a replay skips it) and its sender told,
        in one transaction, so a second replay tells nobody twice."""
        pipe = self.conn.pipeline(transaction=True)
        pipe.set(self._key(KEY_JOURNALED, jid=journal_id), REFUSED, ex=JOURNALED_TTL)
        self._queue_notices(pipe, notices)
        pipe.execute()

    def _queue_event(self, pipe, rid: str, event: dict) -> None:
        if event.get("journal_id"):  # written with the report itself: replay files it exactly once
            pipe.set(self._key(KEY_JOURNALED, jid=event["journal_id"]), rid, ex=JOURNALED_TTL)
        pipe.xadd(self._key(KEY_REPORT_EVENTS, id=rid), flat(event))

    def _queue_notices(self, pipe, notices: list[dict]) -> None:
        for notice in notices:
            pipe.xadd(self._key(KEY_OUTBOX), flat(notice))

    def get_report(self, rid: str) -> dict | None:
        raw = self.conn.hgetall(self._key(KEY_REPORT, id=rid))
        return unflat(raw) if raw else None

    def report_ids_before(self, cutoff: float) -> list[str]:
        return self.conn.zrangebyscore(self._key(KEY_REPORTS_BY_TIME), "-inf", cutoff)

    def replace_report_history(self, rid: str, changes: dict, events: list[dict]) -> None:
        """Retention: new field values and a history stripped down to what and when, atomically."""
        stream = self._key(KEY_REPORT_EVENTS, id=rid)
        pipe = self.conn.pipeline(transaction=True)
        pipe.hset(self._key(KEY_REPORT, id=rid), mapping=flat(changes))
        pipe.delete(stream)
        for event in events:
            pipe.xadd(stream, flat(event))
        pipe.execute()

    def report_ids(self) -> list[str]:
        return self.conn.zrange(self._key(KEY_REPORTS_BY_TIME), 0, -1)

    def report_events(self, rid: str) -> list[dict]:
        entries = self.conn.xrange(self._key(KEY_REPORT_EVENTS, id=rid))
        return [{"event_id": eid, **unflat(fields)} for eid, fields in entries]

    # --- claims (taken, moved and dropped with the report's own update: see claim_report) ------
    def claimer(self, rid: str) -> str | None:
        return self.conn.get(self._key(KEY_CLAIM, id=rid))

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

    def take_due_steps(self, now: float, limit: int = 100) -> list[tuple[str, int, float]]:
        """Due steps, each leased to exactly one worker (one script: atomic) until now + STEP_LEASE,
        as (report id, step index, lease). `finish_step` ends a step; one that is never finished
        (the worker killed, Redis failing mid-step) is due again when its lease runs out."""
        lease = now + STEP_LEASE
        members = self._script(TAKE_STEPS_SCRIPT)(keys=[self._key(KEY_ESCALATIONS)], args=[now, lease, limit])
        return [(member.split("|")[0], int(member.split("|")[1]), lease) for member in members]

    def finish_step(
        self, rid: str, index: int, lease: float, updates: list[ReportUpdate] = (), next_due: float | None = None
    ) -> bool:
        """End a leased step in one transaction: write what it does (updates) and remove it, or
        schedule it again at next_due (a repeating step). Only while it is still this lease's: one
        that ran out and was taken by another worker, or was scheduled anew meanwhile (a ladder
        started again), is left alone and nothing is written (False). So a step acts exactly once,
        whenever a worker dies or Redis fails."""
        key, member = self._key(KEY_ESCALATIONS), f"{rid}|{index}"

        def check(pipe):
            held = pipe.zscore(key, member) == lease
            return held, held

        def write(pipe, _result):
            for update in updates:
                self._queue_update(pipe, update)
            if next_due is None:
                pipe.zrem(key, member)
            else:
                pipe.zadd(key, {member: next_due})

        return self._check_and_write([key], check, write)

def _field(client, key: str, name: str):
    """One field of a hash written with flat(), decoded; None when absent."""
    raw = client.hget(key, name)
    return None if raw is None else unflat({name: raw})[name]
