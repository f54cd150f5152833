"""The production shape: gunicorn workers + a real Redis, answering a protocol-built WeChat peer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from bot.playground.wxclient import WeChatServer
from bot.scripts import wechat_probe
from bot.scripts.gunicorn_server import running_gunicorn
from tests.conftest import AES_KEY, APP_ID, OLD_AES_KEY, TOKEN

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def gunicorn_url(redis_url, community_id, tmp_path):
    env = {
        **os.environ,
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_AES_KEY": AES_KEY,
        "WECHAT_AES_KEY_PREVIOUS": OLD_AES_KEY,
        "REDIS_URL": redis_url,
        "COMMUNITY_ID": community_id,
    }
    options = ["-w", "2", "--threads", "4"]
    with running_gunicorn("wsgi:app", env, options, tmp_path / "gunicorn.log", timeout=30) as server:
        yield server.url


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


def run_cli(redis_url: str, community_id: str, *args: str) -> str:
    env = {"REDIS_URL": redis_url, "COMMUNITY_ID": community_id, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_informant_report_through_gunicorn(gunicorn_url, redis_url, community_id):
    """Bind with an invite, file a one-shot report, retry it, add a second informant: one report."""
    wechat = WeChatServer(TOKEN, APP_ID, AES_KEY)

    def say(user: str, text: str, delivery=None) -> str:
        delivery = delivery or wechat.deliver(wechat.text(user, text))
        response = requests.post(gunicorn_url + delivery.path_with_query, data=delivery.body, timeout=10)
        return wechat.read_reply(response.content).get("Content", "")

    for user in ("inf1", "inf2"):
        code = run_cli(redis_url, community_id, "bot.scripts.invite", "--building", "3号楼").split()[-1]
        assert "绑定成功" in say(user, f"绑定 {code}")
    assert "高风险" in say("inf1", "3栋2单元502 王阿姨 情绪很焦虑 说要去银行给公安转账")
    confirm = wechat.deliver(wechat.text("inf1", "确认"))
    assert say("inf1", "", confirm) == say("inf1", "", confirm)  # WeChat's retry: same answer
    say("inf2", "3-2-502 王阿姨还在打电话，说不让挂")
    assert "已有人报告" in say("inf2", "确认")
    [report] = json.loads(run_cli(redis_url, community_id, "bot.scripts.reports", "list", "--json"))
    assert (report["grid"], report["risk"], report["informants"]) == ("g1", "high", ["inf1", "inf2"])
    notices = json.loads(run_cli(redis_url, community_id, "bot.scripts.outbox", "list", "--json"))
    assert {n["recipient"] for n in notices} == {
        "zhangsan",
        "lisi",
        "wangwu",
        "duty01",
        "duty02",
        "wrOgAAAA1",
    }
