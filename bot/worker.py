"""The worker: escalates due reports and delivers the outbox, at least once and never twice.

`run_once(now)` is one pass (tests call it with a controlled clock); `run_forever` loops until
SIGTERM/SIGINT. Several workers may run: the outbox is a consumer group, a crashed worker's
unacknowledged entries are reclaimed, and a send key per entry makes redelivery harmless
(WeCom's own duplicate check covers the one window a key cannot: a crash mid-request).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from bot import texts
from bot.delivery import FALLBACK, HELD, SENT, Sender
from bot.outbound.errors import UNSENDABLE, ApiError
from bot.reports import notices as notify
from bot.reports.digest import send_digests
from bot.reports.escalation import run_due_steps
from bot.reports.retention import purge_old_reports

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
BACKOFF = (2, 10, 30, 60)  # seconds before attempt 2, 3, 4, ...
RECLAIM_IDLE_MS = 30_000  # an entry read this long ago and never acknowledged: its worker died
# Per minute (WeCom docs, 2026): 30 app messages to one member; 20 messages from one group robot.
RATE_LIMITS = {"wecom_card": ("app", 30), "wecom_app": ("app", 30), "wecom_claimer_card": ("app", 30),
               "wecom_robot": ("robot", 20)}
TASK_ID_USED = 42014  # WeCom: this card's task_id was already sent, i.e. an earlier attempt got through
# WeCom drops, without an error, an app message past 30 to one member in a minute. We count a send
# over a slightly longer window: it reaches WeCom a little after we count it, and clocks differ.
SEND_WINDOW = 62  # seconds


@dataclass
class Worker:
    ctx: object
    sender: Sender
    name: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    stop: threading.Event = field(default_factory=threading.Event)
    reclaim_idle_ms: int = RECLAIM_IDLE_MS
    monotonic: Callable[[], float] = time.monotonic
    _pass_started: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.ctx.state.ensure_outbox_group()

    def run_once(self, now: float | None = None, block_ms: int | None = None) -> dict[str, int]:
        now = self.ctx.clock() if now is None else now
        self._pass_started = self.monotonic()
        counts = {"escalated": self.guarded("escalation", run_due_steps, self.ctx, now)}
        counts["retried"] = self.ctx.state.release_delayed(now)
        counts["digests"] = self.guarded("digests", send_digests, self.ctx, now)
        if self.ctx.state.take_rate_slot("daily", "retention", now, 1, window=86400):
            days = self.ctx.config.retention_days
            counts["purged"] = self.guarded("retention", purge_old_reports, self.ctx, now, days)
        entries = self.ctx.state.reclaim_outbox(self.name, self.reclaim_idle_ms, 50)
        entries += self.ctx.state.read_outbox(self.name, 50, block_ms)
        for entry in entries:
            outcome = self.handle(entry, now)
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    @staticmethod
    def guarded(what: str, job, *args) -> int:
        """One job of a pass. A failure of its own is logged and the rest of the pass runs: the
        outbox, last, must not wait on a bug in a daily job. Redis failing ends the pass."""
        try:
            return job(*args)
        except redis.RedisError:
            raise
        except Exception:  # noqa: BLE001 - logged with its trace
            log.exception("worker %s failed", what)
            return 0

    def run_forever(self, block_ms: int | None = 1000, pause: float = 0.0) -> None:
        """Loop until `stop` is set. With a real Redis the read blocks (block_ms); the embedded
        store is polled instead (pause)."""
        log.info("worker %s started", self.name)
        while not self.stop.is_set():
            try:
                self.run_once(block_ms=block_ms)
            except Exception:  # a bad pass must not end the loop; the next one retries
                log.exception("worker pass failed")
                self.stop.wait(1.0)
            if pause:
                self.stop.wait(pause)
        log.info("worker %s stopped", self.name)

    def handle(self, entry: dict, now: float) -> str:
        origin = entry.get("origin") or entry["entry_id"]
        if self.ctx.state.mark_sending(origin) == "done":
            self.ctx.state.ack_outbox(entry["entry_id"])
            return "duplicate"
        if not self.within_rate(entry, now):
            self.ctx.state.forget_sending(origin)
            self.ctx.state.delay_outbox({**entry, "origin": origin}, now + SEND_WINDOW)  # a slot is free by then
            return "throttled"
        try:
            outcome = self.sender.deliver(entry, now)
        except ApiError as error:
            if error.errcode != TASK_ID_USED:
                return self.failed(entry, origin, error, now)
            outcome = SENT
        except redis.RedisError:
            raise  # Redis failing: the pass ends, and the entry is read again later
        except Exception as exc:  # noqa: BLE001 - this entry only: it must not stop every pass
            log.exception("cannot send outbox entry %s (%s)", origin, entry.get("channel"))
            why = f"the bot could not build this message ({type(exc).__name__})"
            return self.failed(entry, origin, ApiError(UNSENDABLE, why, "worker"), now)
        self.ctx.state.mark_sent(origin)
        self.ctx.state.ack_outbox(entry["entry_id"])
        self.record(entry, origin, outcome, now)
        return outcome

    def within_rate(self, entry: dict, now: float) -> bool:
        scope, limit = RATE_LIMITS.get(entry.get("channel", ""), (None, 0))
        if scope is None:
            return True
        # `now` is when the pass began; this send goes out later in it (every send before it was an
        # HTTP call), and WeCom counts it when it arrives. Counted at the pass's start, a pass of
        # slow sends let the next pass send a whole minute's worth again too early.
        sending_at = now + (self.monotonic() - self._pass_started)
        return self.ctx.state.take_send_slot(scope, str(entry.get("recipient")), sending_at, limit, SEND_WINDOW)

    def record(self, entry: dict, origin: str, outcome: str, now: float, reason: str = "") -> None:
        self.ctx.state.log_delivery({"origin": origin, "channel": entry.get("channel"), "at": now,
                                    "recipient": entry.get("recipient"), "report_id": entry.get("report_id"),
                                    "kind": entry.get("kind"), "outcome": outcome, "reason": reason,
                                    "content": entry.get("content", "") if outcome == HELD else ""})
        if entry.get("report_id") and outcome in (SENT, HELD, "failed"):
            event = {"at": now, "by": "worker", "what": outcome, "channel": entry.get("channel"),
                     "to": entry.get("recipient"), "reason": reason}
            self.ctx.state.update_report(entry["report_id"], {}, event, [])

    def failed(self, entry: dict, origin: str, error: ApiError, now: float) -> str:
        attempt = int(entry.get("attempt") or 1)
        log.warning("send %s (%s) failed, attempt %d: %s", origin, entry.get("channel"), attempt, error)
        self.ctx.state.forget_sending(origin)
        if error.retryable and attempt < MAX_ATTEMPTS:
            delay = BACKOFF[min(attempt - 1, len(BACKOFF) - 1)]
            self.ctx.state.delay_outbox({**entry, "origin": origin, "attempt": attempt + 1}, now + delay)
            return "retry"
        self.ctx.state.ack_outbox(entry["entry_id"])
        self.record(entry, origin, "failed", now, str(error))
        self.give_up(entry, error, now)
        return "failed"

    def give_up(self, entry: dict, error: ApiError, now: float) -> None:
        """Try the fallback channel, and tell the duty officers (never for an alert itself)."""
        if entry.get("kind") == "alert":
            log.error("could not alert the duty officers: %s", error)
            return
        fallback = FALLBACK.get(entry.get("channel", ""))
        notices = []
        if fallback and not error.config_error:
            notices.append({**without_ids(entry), "channel": fallback, "attempt": 1})
        reason = error.hint if error.config_error else str(error)
        template = texts.ALERT_CONFIG if error.config_error else texts.ALERT_UNDELIVERED
        content = template.format(id=entry.get("report_id", ""), recipient=entry.get("recipient"),
                                  channel=entry.get("channel"), reason=reason)
        notices += notify.duty_alerts(self.ctx.registry().duty, entry.get("report_id", ""), content, now)
        self.ctx.state.queue_notices(notices)


def without_ids(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k not in ("entry_id", "origin", "attempt")}


def run_in_thread(worker: Worker, pause: float = 1.0) -> threading.Thread:
    """`make run`'s zero-setup default: the worker inside the web process, polling."""
    thread = threading.Thread(target=worker.run_forever, kwargs={"block_ms": None, "pause": pause},
                              name="fanzha-worker", daemon=True)
    thread.start()
    return thread
