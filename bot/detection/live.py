"""A detector that follows its YAML file: staff save the file, the bot uses it seconds later.

Each process checks the file's stat at most every RELOAD_INTERVAL seconds (a stat is cheap; a
watcher thread per gunicorn worker is not worth it). A file that fails to load leaves the last
good library in service and logs "file:line: message" once per change.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.detection.detector import Detector
from bot.detection.library import PatternFileError, load_library
from bot.detection.verdict import Verdict

log = logging.getLogger(__name__)

RELOAD_INTERVAL = 2.0


class LiveDetector:
    """check(text) with the newest valid version of the pattern file."""

    def __init__(
        self, path: str | Path, interval: float = RELOAD_INTERVAL, clock: Callable[[], float] = time.monotonic
    ):
        self.path = Path(path)
        self.interval = interval
        self.clock = clock
        self._lock = threading.Lock()
        self._stat = self._file_stat()
        # The first load must succeed: there is no earlier library to fall back on.
        self._detector = Detector(load_library(self.path))
        self._loaded_at = time.time()
        self._error: str | None = None
        self._next_look = clock() + interval

    @property
    def detector(self) -> Detector:
        self.refresh()
        return self._detector

    def check(self, text: str) -> Verdict:
        return self.detector.check(text)

    def refresh(self, force: bool = False) -> None:
        """Reload if the file changed; another thread already reloading means: use what we have."""
        now = self.clock()
        if not force and now < self._next_look:
            return
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._next_look = now + self.interval
            stat = self._file_stat()
            if force or stat != self._stat:
                self._stat = stat
                self._reload()
        finally:
            self._lock.release()

    def _reload(self) -> None:
        try:
            detector = Detector(load_library(self.path))
        except PatternFileError as exc:
            self._error = str(exc)
            log.error("pattern file not reloaded, keeping the last good version: %s", exc)
            return
        self._detector = detector
        self._loaded_at = time.time()
        self._error = None
        library = detector.library
        log.info(
            "pattern file reloaded: %s (%d types, %d phrasings)",
            self.path,
            len(library.types),
            library.phrasing_count,
        )

    def _file_stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def info(self) -> dict:
        """What is in service, for the health page and the duty officer's dashboard."""
        self.refresh()
        library = self._detector.library
        return {
            "file": str(self.path),
            "sha256": library.sha256,
            "loaded_at": self._loaded_at,
            "types": len(library.types),
            "phrasings": library.phrasing_count,
            "valid": self._error is None,
            "error": self._error,
        }
