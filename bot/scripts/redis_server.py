"""A private, throwaway redis-server for tests and benchmarks (when REDIS_URL is not given)."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """Starts `redis-server` on a free loopback port with nothing kept on disk; stop() ends it.

    Use it as a context manager (`with PrivateRedis() as server:`). A server started otherwise is
    still stopped when the Python process exits, so a script that dies of an exception does not
    leave a redis-server behind (a killed one still can: nothing runs after SIGKILL)."""

    def __init__(self, binary: str | None = None, extra_args: tuple[str, ...] = ()):
        self.binary = binary or shutil.which("redis-server")
        if not self.binary:
            raise FileNotFoundError("redis-server is not installed")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="fz-redis-")
        self.extra_args = extra_args
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> PrivateRedis:
        args = [
            self.binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            self.dir,
            *self.extra_args,
        ]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop_process(self) -> None:
        """Stop the server but keep its directory (AOF), as a crash or a restart would."""
        atexit.unregister(self.stop)
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def start_again(self) -> PrivateRedis:
        """The same port and directory again: with AOF on, the data comes back."""
        return self.start()

    def stop(self) -> None:
        self.stop_process()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PrivateRedis:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextlib.contextmanager
def redis_url_or_private() -> Iterator[str]:
    """REDIS_URL when it is set, else the URL of a private redis-server that lives for the block."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    with PrivateRedis() as server:
        yield server.url
