"""The production shape: gunicorn workers + a real Redis, answering a protocol-built WeChat peer."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bot.scripts import wechat_probe
from bot.scripts.redis_server import free_port
from tests.conftest import AES_KEY, APP_ID, OLD_AES_KEY, TOKEN

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def gunicorn_url(redis_url, community_id):
    port = free_port()
    env = {
        **os.environ,
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_AES_KEY": AES_KEY,
        "WECHAT_AES_KEY_PREVIOUS": OLD_AES_KEY,
        "REDIS_URL": redis_url,
        "COMMUNITY_ID": community_id,
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited: " + process.stderr.read().decode()[-2000:])
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still loading
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not become healthy")


def test_every_protocol_point_through_gunicorn(gunicorn_url, capsys):
    argv = [
        "--url",
        gunicorn_url,
        "--token",
        TOKEN,
        "--app-id",
        APP_ID,
        "--aes-key",
        AES_KEY,
        "--previous-key",
        OLD_AES_KEY,
    ]
    status = wechat_probe.main(argv)
    output = capsys.readouterr().out
    assert status == 0, output
    assert "FAIL" not in output


def test_health_reports_redis_and_library(gunicorn_url):
    body = requests.get(gunicorn_url + "/healthz", timeout=5).json()
    assert body["redis"] == {"ok": True, "embedded": False}
    assert body["patterns"]["valid"] is True


def test_playground_is_off_with_real_credentials(gunicorn_url):
    assert requests.get(gunicorn_url + "/playground", timeout=5).status_code == 404
