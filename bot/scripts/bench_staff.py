"""End-to-end check of the staff path through the production shape, with figures.

gunicorn (2 workers) + `python -m bot.scripts.worker` + a real Redis (REDIS_URL or a private
redis-server) + the local fake of the WeCom / Official Account APIs. It measures:
  1. informant confirms a report -> its 认领 cards recorded by the (fake) WeCom API;
  2. twenty concurrent encrypted card clicks from twenty staff -> exactly one owner;
  3. an unclaimed report with a few-seconds escalation policy -> escalated on time.

    python -m bot.scripts.bench_staff
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bot.config import new_aes_key
from bot.playground.fakeapi import FakeWeChatApi
from bot.playground.wxclient import WeChatServer, WeComServer
from bot.scripts.bench_webhook import gunicorn, redis_for_bench
from bot.state import State, connect

ROOT = Path(__file__).resolve().parents[2]
STAFF = [f"v{i:02d}" for i in range(20)]
FAST_LADDER = """escalation:
  high:
    contact_within: 10s
    steps:
      - {after: 3s, if: unclaimed, notify: [grid_members, duty]}
      - {after: 5s, if: unclaimed, notify: [duty], mark_overdue: true}
  medium: {contact_within: 30m}
  low: {contact_within: 24h}
"""


def fast_registry(directory: str) -> str:
    text = (ROOT / "community.example.yaml").read_text(encoding="utf-8")
    volunteers = ", ".join(f"{{wecom: {u}, name: 志愿者{u[1:]}}}" for u in STAFF)
    text = text.replace("volunteers: [{wecom: zhaoliu, name: 赵六}]", f"volunteers: [{volunteers}]")
    text = text[: text.index("escalation:\n")] + FAST_LADDER
    path = Path(directory) / "community.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def wait_until(predicate, timeout: float = 20.0, step: float = 0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise SystemExit("timed out waiting")


class Bench:
    def __init__(self, url: str, env: dict, fake: FakeWeChatApi, state: State):
        self.url, self.fake, self.state = url, fake, state
        self.wechat = WeChatServer(env["WECHAT_TOKEN"], env["WECHAT_APP_ID"], env["WECHAT_AES_KEY"])
        self.wecom = WeComServer(env["WECOM_TOKEN"], env["WECOM_CORP_ID"], env["WECOM_AES_KEY"])

    def say(self, user: str, text: str) -> str:
        delivery = self.wechat.deliver(self.wechat.text(user, text))
        answer = requests.post(self.url + delivery.path_with_query, data=delivery.body, timeout=10)
        return self.wechat.read_reply(answer.content).get("Content", "")

    def file(self, informant: str, text: str) -> tuple[str, float]:
        code = uuid.uuid4().hex[:6].upper()
        self.state.create_invite(code, "3栋", 600)
        self.say(informant, f"绑定 {code}")
        self.say(informant, text)
        reply = self.say(informant, "确认")
        filed_at = time.monotonic()
        return reply.split("报告编号 ")[1].split("（")[0], filed_at

    def cards_for(self, rid: str) -> set[str]:
        return {c.body["touser"] for c in self.fake.sent("message/send")
                if c.body.get("msgtype") == "template_card" and c.body["template_card"]["task_id"].startswith(rid + "_")}

    def click(self, user: str, rid: str) -> str:
        delivery = self.wecom.deliver(self.wecom.card_click(user, f"claim:{rid}", f"{rid}_r0_{user}"))
        answer = requests.post(self.url + delivery.path_with_query, data=delivery.body, timeout=10)
        return self.wecom.read_reply(answer.content).get("Content", "")


def measure(bench: Bench) -> None:
    rid, filed_at = bench.file("bench_inf1", "3栋2单元502 王阿姨 情绪很焦虑 说要去银行给公安转账")
    wait_until(lambda: len(bench.cards_for(rid)) >= 5)
    print(f"1. report {rid} confirmed -> 5 cards at the WeCom API: {(time.monotonic() - filed_at) * 1000:.0f} ms")
    with ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(lambda user: bench.click(user, rid), STAFF))
    winners = [r for r in replies if "您已认领" in r]
    owner = bench.state.claimer(rid)
    print(f"2. 20 concurrent claim clicks: {len(winners)} winner, owner in Redis: {owner}, "
          f"others told who has it: {sum('已由' in r for r in replies)}")
    rid2, filed_at2 = bench.file("bench_inf2", "3栋1单元101 刘大爷 不让挂电话 说要去取现金")
    wait_until(lambda: any(e["what"] == "escalated" for e in bench.state.report_events(rid2)), timeout=30)
    late = time.monotonic() - filed_at2 - 3.0
    print(f"3. unclaimed {rid2}: escalation step due at +3 s fired at +{3.0 + late:.2f} s (late by {late:.2f} s)")


def main() -> int:
    fake = FakeWeChatApi().start()
    with redis_for_bench() as redis_url, tempfile.TemporaryDirectory() as tmp:
        community = "bench" + uuid.uuid4().hex[:6]
        env = {**os.environ, "REDIS_URL": redis_url, "COMMUNITY_ID": community,
               "COMMUNITY_FILE": fast_registry(tmp),
               "WECHAT_TOKEN": "benchtoken", "WECHAT_APP_ID": "wxbench", "WECHAT_AES_KEY": new_aes_key(),
               "WECHAT_APP_SECRET": "s", "WECHAT_API_BASE": fake.url,
               "WECOM_TOKEN": "benchwecom", "WECOM_CORP_ID": "wwbench", "WECOM_AES_KEY": new_aes_key(),
               "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "s", "WECOM_API_BASE": fake.url}
        worker = subprocess.Popen([sys.executable, "-m", "bot.scripts.worker"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with gunicorn(env, workers=2, threads=8) as url:
                measure(Bench(url, env, fake, State(connect(redis_url), community)))
        finally:
            worker.terminate()
            worker.wait(timeout=10)
            fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
