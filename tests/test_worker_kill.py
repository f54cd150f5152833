"""A real worker process killed (SIGKILL) in the middle of a send: every notification is still
delivered, and none twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from bot.config import ROOT
from tests.conftest import AES_KEY, APP_ID, TOKEN, WECOM_AES_KEY, WECOM_CORP_ID, WECOM_TOKEN, file_report
from tests.fake_wechat_api import fake_api  # noqa: F401 - the fixture


def worker_env(redis_url: str, community_id: str, api: str) -> dict:
    return {**os.environ, "REDIS_URL": redis_url, "COMMUNITY_ID": community_id,
            "WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_AES_KEY": AES_KEY,
            "WECHAT_APP_SECRET": "s", "WECHAT_API_BASE": api, "WECOM_TOKEN": WECOM_TOKEN,
            "WECOM_CORP_ID": WECOM_CORP_ID, "WECOM_AES_KEY": WECOM_AES_KEY, "WECOM_AGENT_ID": "1000002",
            "WECOM_SECRET": "s", "WECOM_API_BASE": api}


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_sigkill_mid_send_then_a_new_worker_delivers_exactly_once(make_app, chat, fake_api, redis_url,  # noqa: F811
                                                                  community_id, clock):
    clock.now = time.time()  # the worker processes run on the wall clock: nothing may fall due early
    app = make_app(wecom_api_base=fake_api.url, wechat_api_base=fake_api.url)
    state = app.extensions["fanzha"].ctx.state
    fake_api.delay_next("message/send", 3.0)  # the first card hangs: the worker is killed inside it
    file_report(chat, state)
    env = worker_env(redis_url, community_id, fake_api.url)
    doomed = subprocess.Popen([sys.executable, "-m", "bot.scripts.worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: fake_api.calls_to("message/send"))
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=10)
    assert state.pending_outbox() > 0  # it read entries it never acknowledged
    subprocess.run([sys.executable, "-m", "bot.scripts.worker", "--once", "--reclaim-after", "0"], cwd=ROOT,
                   env=env, check=True, timeout=60, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3.2)  # let the killed request finish inside the fake, as it would at WeCom
    cards = [c.body["touser"] for c in fake_api.sent("message/send") if c.body["msgtype"] == "template_card"]
    assert sorted(cards) == sorted(["zhangsan", "lisi", "wangwu", "duty01", "duty02"])
    assert len(fake_api.sent("appchat/send")) == 1
    assert state.pending_outbox() == 0
