"""The throwaway redis-server of the tests and benchmarks never outlives its user."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from bot.scripts.redis_server import PrivateRedis, redis_url_or_private

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a stopped child of ours that nobody has waited for yet is a zombie: gone, for our purposes
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


def test_context_manager_stops_the_server_and_removes_its_folder():
    with PrivateRedis() as server:
        assert redis.Redis.from_url(server.url).ping()
        pid, folder = server.process.pid, Path(server.dir)
    assert not is_running(pid)
    assert not folder.exists()


def test_context_manager_stops_the_server_when_the_block_raises():
    with pytest.raises(KeyError), PrivateRedis() as server:
        pid = server.process.pid
        raise KeyError("a script failing half-way")
    assert not is_running(pid)


def test_a_server_left_running_is_stopped_when_python_exits():
    """The leak seen before: a script that starts a server and dies of an exception."""
    script = (
        "from bot.scripts.redis_server import PrivateRedis\n"
        "server = PrivateRedis().start()\n"
        "print(server.process.pid, server.dir, flush=True)\n"
        "raise SystemExit('died before stop()')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    pid, folder = done.stdout.split()
    leaked = is_running(int(pid))
    if leaked:  # do not leave it running for the rest of the suite
        os.kill(int(pid), signal.SIGTERM)
        shutil.rmtree(folder, ignore_errors=True)
    assert not leaked
    assert not Path(folder).exists()


def test_redis_url_or_private_prefers_redis_url(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://example.invalid:6379/3")
    with redis_url_or_private() as url:
        assert url == "redis://example.invalid:6379/3"


def test_redis_url_or_private_starts_and_stops_its_own(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    with redis_url_or_private() as url:
        client = redis.Redis.from_url(url)
        assert client.ping()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
