"""When Redis is down, an informant's report is not lost: it goes to a local append-only journal.

Each line is one JSON record, written and fsync'd before the informant is told it is held. When
Redis answers again, the journal is replayed under an exclusive file lock (gunicorn workers on one
machine share the file) and each record is filed exactly once: the record's id is stored with the
report in the same Redis transaction, and a record whose id is already there is skipped.

A line that cannot be filed (torn by a crash mid-write, or a record the code cannot file) is set
aside in a second file, kept as it was, and the records after it are filed: one bad line must
not hold every later report back. Only an error that says "try again later" (Redis failing
again) stops a replay, and then the whole journal stays for the next one.

Set-aside lines go to one file per (UTC) day, so that retention can delete a whole day's file once
the period has passed: they name people and flats, as the reports in Redis do.
"""

from __future__ import annotations

import calendar
import fcntl
import glob
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
TIDY_EVERY = 3600.0  # seconds between looks for set-aside files past the retention period
DAY = 86400
_DAY_FORMAT = "%Y%m%d"
ErrorKinds = tuple[type[BaseException], ...]


@dataclass(frozen=True)
class Replayed:
    applied: int  # records handed to `apply` without an error (including those it skipped as filed)
    set_aside: int  # lines moved to the set-aside file
    set_aside_file: Path | None = None  # where they went


class Journal:
    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.clock = clock
        self._lock = threading.Lock()
        self._next_look = 0.0
        self._next_tidy = 0.0

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
                    log.exception("a held record could not be filed; set aside beside %s", self.path)
                    set_aside.append(line if line.endswith("\n") else line + "\n")
                else:
                    applied += 1
            # the lines set aside are on the disk before the journal is emptied
            aside = self._keep_aside(set_aside) if set_aside else None
            handle.seek(0)
            handle.truncate()
            _sync(handle)
        if applied or set_aside:
            log.info("replayed %d held record(s) from %s, set aside %d", applied, self.path, len(set_aside))
        return Replayed(applied, len(set_aside), aside)

    def _keep_aside(self, lines: list[str]) -> Path:
        path = self.set_aside_file(self.clock())
        with open(path, "a", encoding="utf-8", errors="surrogateescape", opener=_private) as handle:
            handle.writelines(lines)
            _sync(handle)
        return path

    def set_aside_file(self, now: float) -> Path:
        """The file of the lines set aside on the (UTC) day of `now`."""
        day = time.strftime(_DAY_FORMAT, time.gmtime(now))
        return self.path.with_name(f"{self.path.stem}.set-aside-{day}{self.path.suffix}")

    def set_aside_files(self) -> list[Path]:
        """Every set-aside file of this journal (one a day, and the single file of older releases)."""
        pattern = f"{glob.escape(self.path.stem)}.set-aside*{glob.escape(self.path.suffix)}"
        return sorted(self.path.parent.glob(pattern))

    def forget_set_aside(self, before: float) -> list[Path]:
        """Retention: delete the set-aside files whose every line was set aside before `before`."""
        removed = []
        for path in self.set_aside_files():
            try:
                if _set_aside_until(path) <= before:
                    path.unlink()
                    removed.append(path)
            except FileNotFoundError:
                continue  # another process tidied it first
            except OSError as exc:  # kept for the next look; the rest are still tidied
                log.warning("could not delete the set-aside file %s: %s", path, exc)
        if removed:
            log.info("deleted %d set-aside file(s) past the retention period", len(removed))
        return removed

    def tidy_if_due(self, keep_days: int) -> list[Path]:
        """At most once an hour: `forget_set_aside` for files older than keep_days."""
        now = time.monotonic()
        if now < self._next_tidy:
            return []
        self._next_tidy = now + TIDY_EVERY
        return self.forget_set_aside(self.clock() - keep_days * DAY)


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


def _set_aside_until(path: Path) -> float:
    """When the last line of a set-aside file can have been written: the end of its day, or (the
    undated file of an older release) when it was last written to."""
    day = path.stem.rpartition(".set-aside-")[2]
    try:
        return calendar.timegm(time.strptime(day, _DAY_FORMAT)) + DAY
    except ValueError:
        return path.stat().st_mtime


def _ends_torn(fd: int) -> bool:
    """Does the file end in the middle of a line?"""
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"
