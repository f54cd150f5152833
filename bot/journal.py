"""When Redis is down, an informant's report is not lost: it goes to a local append-only journal.

Each line is one JSON record, written and fsync'd before the informant is told it is held. When
Redis answers again, the journal is replayed under an exclusive file lock (gunicorn workers on one
machine share the file) and each record is filed exactly once: the record's id is stored with the
report in the same Redis transaction, and a record whose id is already there is skipped.

A line that cannot be filed (torn by a crash mid-write, or a record the code cannot file) is set
aside in a second file, kept as it was, and the records after it are filed: one bad line must
not hold every later report back. Only an error that says "try again later" (Redis failing
again) stops a replay, and then the whole journal stays for the next one.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

REPLAY_EVERY = 5.0  # seconds between looks at the journal while Redis is up
ErrorKinds = tuple[type[BaseException], ...]


@dataclass(frozen=True)
class Replayed:
    applied: int  # records handed to `apply` without an error (including those it skipped as filed)
    set_aside: int  # lines moved to the set-aside file


class Journal:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.set_aside_path = self.path.with_name(f"{self.path.stem}.set-aside{self.path.suffix}")
        self._lock = threading.Lock()
        self._next_look = 0.0

    def append(self, record: dict) -> str:
        """Write one record durably; returns its id."""
        record = {"journal_id": uuid.uuid4().hex, **record}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with (
            self._lock,
            open(self.path, "a+", encoding="utf-8", opener=_private) as handle,
        ):  # a+: see _ends_torn
            fcntl.flock(handle, fcntl.LOCK_EX)
            if _ends_torn(handle.fileno()):
                line = "\n" + line  # end the torn line, so that it cannot swallow this record
            handle.write(line)
            _sync(handle)
        self._next_look = 0.0  # replay with the first message after Redis is back
        return record["journal_id"]

    def pending(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def replay_if_due(self, apply: Callable[[dict], None], retry_later: ErrorKinds) -> Replayed:
        """At most every few seconds: replay whatever is held."""
        now = time.monotonic()
        if now < self._next_look:
            return Replayed(0, 0)
        self._next_look = now + REPLAY_EVERY  # even when empty: a stat per message is waste
        return self.replay(apply, retry_later) if self.pending() else Replayed(0, 0)

    def replay(self, apply: Callable[[dict], None], retry_later: ErrorKinds) -> Replayed:
        """Apply every record, set aside those that cannot be applied, then empty the journal.
        `apply` must skip records already filed. An error of a `retry_later` kind stops the replay
        and leaves the journal as it is."""
        applied, set_aside = 0, []
        with self._lock, open(self.path, "r+", encoding="utf-8", errors="surrogateescape") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            for line in [line for line in handle if line.strip()]:
                try:
                    apply(_record(line))
                except retry_later:
                    raise
                except Exception:  # noqa: BLE001 - this record only; logged with its trace, kept aside
                    log.exception("a held record could not be filed; set aside in %s", self.set_aside_path)
                    set_aside.append(line if line.endswith("\n") else line + "\n")
                else:
                    applied += 1
            if set_aside:
                self._keep_aside(set_aside)  # durable before the journal is emptied
            handle.seek(0)
            handle.truncate()
            _sync(handle)
        if applied or set_aside:
            log.info("replayed %d held record(s) from %s, set aside %d", applied, self.path, len(set_aside))
        return Replayed(applied, len(set_aside))

    def _keep_aside(self, lines: list[str]) -> None:
        with open(
            self.set_aside_path, "a", encoding="utf-8", errors="surrogateescape", opener=_private
        ) as handle:
            handle.writelines(lines)
            _sync(handle)


def _sync(handle) -> None:
    """On the disk before anyone is told (a held report) or anything is dropped (the journal)."""
    handle.flush()
    os.fsync(handle.fileno())


def _private(path: str, flags: int) -> int:
    """Held reports name people and flats: only the bot's own user may read these files (a file
    an older release created readable by others is made private too)."""
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    return fd


def _record(line: str) -> dict:
    record = json.loads(line)
    if not isinstance(record, dict):
        raise ValueError("a held line that is not a JSON object")
    return record


def _ends_torn(fd: int) -> bool:
    """Does the file end in the middle of a line?"""
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"
