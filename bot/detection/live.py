"""A detector that follows its YAML file: staff save the file, the bot uses it seconds later.

Each process checks the file's stat at most every RELOAD_INTERVAL seconds (a stat is cheap; a
watcher thread per gunicorn worker is not worth it). When the file changed, the new library is
built on a background thread — about a second for the full library, several with a large one — and
residents keep getting answers from the old one until it is ready: no message waits for a reload
(WeChat gives a reply 5 s). A file that fails to load leaves the last good library in service and
logs "file:line: message" once per change.
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
        self,
        path: str | Path,
        interval: float = RELOAD_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        in_background: bool = True,
    ):
        self.path = Path(path)
        self.interval = interval
        self.clock = clock
        self.in_background = in_background
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
        """Reload if the file changed; another thread already looking or reloading means: use
        what we have. force: reload now, in this thread."""
        now = self.clock()
        if not force and now < self._next_look:
            return
        if not self._lock.acquire(blocking=False):
            return
        self._next_look = now + self.interval
        stat = self._file_stat()
        if not force and stat == self._stat:
            self._lock.release()
            return
        self._stat = stat
        if self.in_background and not force:
            threading.Thread(target=self._reload_and_release, name="pattern-reload", daemon=True).start()
        else:
            self._reload_and_release()

    def wait_for_reload(self, timeout: float = 60.0) -> None:
        """Block until a reload in progress has finished (for tests and command-line tools)."""
        if self._lock.acquire(timeout=timeout):
            self._lock.release()

    def _reload_and_release(self) -> None:
        try:
            self._reload()
        except Exception:  # noqa: BLE001 — a bug in building must not kill the worker; keep the old one
            log.exception("pattern file not reloaded, keeping the last good version")
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
