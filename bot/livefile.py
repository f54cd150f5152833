"""A file that people edit while the bot runs: reload it when it changes, keep the last good one.

Every process checks on its own (a stat at most every `interval` seconds, on use), so a change
reaches all gunicorn workers without a restart and without any messaging between them.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class LiveFile(Generic[T]):
    def __init__(self, path: str, load: Callable[[str], T], interval: float = 2.0):
        self.path, self._load, self.interval = path, load, interval
        self._lock = threading.Lock()
        self._signature = self._stat()
        self.value: T = load(path)  # the first load must succeed: fail fast at start-up
        self.loaded_at = time.time()
        self.error: str | None = None
        self._checked = time.monotonic()

    def _stat(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def get(self) -> T:
        """The current value, reloading first if the file changed since the last look."""
        if time.monotonic() - self._checked >= self.interval:
            self.refresh()
        return self.value

    def refresh(self) -> None:
        with self._lock:
            self._checked = time.monotonic()
            signature = self._stat()
            if signature == self._signature:
                return
            self._signature = signature
            try:
                self.value = self._load(self.path)
            except (ValueError, OSError) as exc:  # YamlFileError is a ValueError
                self.error = str(exc)
                log.error("kept the last good version of %s: %s", self.path, exc)
                return
            self.loaded_at, self.error = time.time(), None
            log.info("reloaded %s", self.path)
