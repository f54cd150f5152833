"""gunicorn on a free local port, for benchmarks and tests: started, waited for, stopped.

    with running_gunicorn("wsgi:app", env, ["-w", "2", "--threads", "4"], log_path) as server:
        requests.get(server.url + "/healthz")

The log file keeps gunicorn's output, so a server that fails to start says why.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from bot.scripts.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class GunicornServer:
    url: str
    process: subprocess.Popen
    log: Path


@contextmanager
def running_gunicorn(
    app: str, env: dict, options: list[str], log: Path, timeout: float = 90.0
) -> Iterator[GunicornServer]:
    """gunicorn serving `app` with `options` (workers, threads …) until the block ends."""
    port = free_port()
    binary = Path(sys.executable).with_name("gunicorn")
    args = [str(binary), *options, "-b", f"127.0.0.1:{port}", app]
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = GunicornServer(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_healthy(server, timeout)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_healthy(server: GunicornServer, timeout: float) -> None:
    """Poll /healthz; a process that exits or never answers is an error naming its log's end."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            if requests.get(server.url + "/healthz", timeout=2).ok:
                return
        except requests.RequestException:  # not listening yet, or still loading
            pass
        time.sleep(0.2)
    tail = server.log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"gunicorn did not become healthy; its log ends:\n{tail}")
