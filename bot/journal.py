"""When Redis is down, an informant's report is not lost: it goes to a local append-only journal.

Each line is one JSON record, written and fsync'd before the informant is told it is held. When
Redis answers again, the journal is replayed under an exclusive file lock (gunicorn workers on one
machine share the file) and each record is filed exactly once: the record's id is stored with the
report in the same Redis transaction, and a record whose id is already there is skipped.
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
from pathlib import Path

log = logging.getLogger(__name__)

REPLAY_EVERY = 5.0  # seconds between looks at the journal while Redis is up


class Journal:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._next_look = 0.0

    def append(self, record: dict) -> str:
        """Write one record durably; returns its id."""
        record = {"journal_id": uuid.uuid4().hex, **record}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock, open(self.path, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        self._next_look = 0.0  # replay with the first message after Redis is back
        return record["journal_id"]

    def pending(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def replay_if_due(self, apply: Callable[[dict], None]) -> int:
        """At most every few seconds: replay whatever is held. Returns how many were applied."""
        now = time.monotonic()
        if now < self._next_look:
            return 0
        self._next_look = now + REPLAY_EVERY  # even when empty: a stat per message is waste
        return self.replay(apply) if self.pending() else 0

    def replay(self, apply: Callable[[dict], None]) -> int:
        """Apply every record, then empty the journal. `apply` must skip records already filed."""
        with self._lock, open(self.path, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            records = [json.loads(line) for line in handle if line.strip()]
            for record in records:
                apply(record)  # raises (Redis down again): the journal stays as it is
            handle.seek(0)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
        if records:
            log.info("replayed %d held report(s) from %s", len(records), self.path)
        return len(records)
