"""Benchmark: from an informant's confirming message to the report's entries in the outbox.

Runs the whole webhook in-process (encrypted WeChat traffic, real Redis: REDIS_URL or a private
redis-server) and times each "确认" request; when it returns, the report and its notifications
are already in Redis (one MULTI), which the script checks. Prints median and p99.

    python -m bot.scripts.bench_report [--reports 500]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid

from bot import create_app
from bot.config import new_aes_key
from bot.playground.wxclient import WeChatServer
from bot.scripts.bench_webhook import redis_for_bench

# Written for the benchmark: varied households so that no two reports merge.
SITUATIONS = [
    "情绪很焦虑 说要去银行给公安转账",
    "一直在打电话 不让挂 说要买充值卡",
    "点了陌生链接还说了验证码",
]


def file_one(client, wechat: WeChatServer, state, n: int) -> float:
    user = f"bench_inf{n}"
    state.create_invite(f"B{n:07d}", "3栋", 3600)
    post(client, wechat, user, f"绑定 B{n:07d}")
    post(client, wechat, user, f"3栋{n % 6 + 1}单元{n + 100} 张阿姨{n} {SITUATIONS[n % 3]}")
    started = time.perf_counter()
    reply = post(client, wechat, user, "确认")
    elapsed = time.perf_counter() - started
    if "报告编号" not in reply:
        raise SystemExit(f"report {n} was not filed: {reply}")
    return elapsed


def post(client, wechat: WeChatServer, user: str, text: str) -> str:
    delivery = wechat.deliver(wechat.text(user, text))
    response = client.post(delivery.path_with_query, data=delivery.body)
    return wechat.read_reply(response.get_data()).get("Content", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=500)
    args = parser.parse_args(argv)
    token, app_id, key = "benchtoken", "wxbench0001", new_aes_key()
    with redis_for_bench() as redis_url:
        app = create_app(
            {
                "redis_url": redis_url,
                "community_id": "bench" + uuid.uuid4().hex[:8],
                "wechat_token": token,
                "wechat_app_id": app_id,
                "wechat_aes_key": key,
            }
        )
        state = app.extensions["fanzha"].ctx.state
        client, wechat = app.test_client(), WeChatServer(token, app_id, key)
        times = sorted(file_one(client, wechat, state, n) for n in range(args.reports))
        queued = {e["report_id"] for e in state.outbox(count=100_000)}
        if len(queued) != args.reports:
            raise SystemExit(f"{len(queued)} reports in the outbox, expected {args.reports}")
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"confirm -> outbox: n={len(times)} median={statistics.median(times) * 1000:.2f} ms "
        f"p99={p99 * 1000:.2f} ms (every report's notifications present)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
