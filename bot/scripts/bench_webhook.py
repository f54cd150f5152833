"""Benchmark: latency of an encrypted text message through gunicorn, the full bot and a real Redis.

Starts gunicorn (and a private redis-server unless REDIS_URL is set), sends encrypted resident
messages built by the protocol client, one at a time and then from several threads, and prints
the median and p99 latency. A figure-printing script, not a timed test.

    python -m bot.scripts.bench_webhook [--requests 2000] [--workers 2] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests

from bot.config import new_aes_key
from bot.playground.wxclient import WeChatServer
from bot.scripts.gunicorn_server import running_gunicorn
from bot.scripts.redis_server import redis_url_or_private

ROOT = Path(__file__).resolve().parents[2]

# Written for the benchmark: a mix of scam-like and everyday resident messages.
MESSAGES = [
    "您好，我是市公安局民警，您的账户涉嫌洗钱，请马上转到安全账户配合调查，不要告诉家人",
    "【兼职】在家用手机点赞关注，一单一结，日赚三百，加微信详聊",
    "妈，我今晚加班，晚饭不回来吃了",
    "【驿站】您的包裹已到小区东门驿站，取件码 3-1-2046，请及时领取",
    "您的ETC认证已失效，请点击链接重新认证，否则将影响通行 http://etc-rz.example.top",
    "老年人免费体验保健理疗，领鸡蛋还返现，名额有限",
    "明天上午九点停水检修，请提前储水，给您带来不便敬请谅解",
]


@contextmanager
def gunicorn(env: dict, workers: int, threads: int) -> Iterator[str]:
    """The bot under gunicorn until the block ends; yields its URL."""
    options = ["-w", str(workers), "--threads", str(threads)]
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_gunicorn("wsgi:app", env, options, Path(tmp) / "gunicorn.log") as server,
    ):
        yield server.url


def one_request(session: requests.Session, url: str, wechat: WeChatServer, i: int) -> float:
    delivery = wechat.deliver(wechat.text(f"bench{i}", MESSAGES[i % len(MESSAGES)]))
    started = time.perf_counter()
    response = session.post(url + delivery.path_with_query, data=delivery.body, timeout=10)
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or not wechat.read_reply(response.content).get("Content"):
        raise SystemExit(f"bad answer {response.status_code}: {response.text[:200]}")
    return elapsed


def run(url: str, wechat: WeChatServer, count: int, concurrency: int) -> list[float]:
    def batch(worker: int) -> list[float]:
        session = requests.Session()
        return [one_request(session, url, wechat, i) for i in range(worker, count, concurrency)]

    with ThreadPoolExecutor(concurrency) as pool:
        return [t for part in pool.map(batch, range(concurrency)) for t in part]


def report(label: str, latencies: list[float], wall: float) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label}: n={len(ordered)} median={statistics.median(ordered) * 1000:.2f} ms "
        f"p99={p99 * 1000:.2f} ms throughput={len(ordered) / wall:.0f} req/s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(argv)
    token, app_id, key = "benchtoken", "wxbench0001", new_aes_key()
    wechat = WeChatServer(token, app_id, key)
    with redis_url_or_private() as redis_url:
        env = {
            **os.environ,
            "WECHAT_TOKEN": token,
            "WECHAT_APP_ID": app_id,
            "WECHAT_AES_KEY": key,
            "REDIS_URL": redis_url,
            "COMMUNITY_ID": "bench" + uuid.uuid4().hex[:8],
        }
        with gunicorn(env, args.workers, args.threads) as url:
            run(url, wechat, 100, 1)  # warm-up: jieba and the index in every worker
            for concurrency in (1, args.concurrency):
                started = time.perf_counter()
                latencies = run(url, wechat, args.requests, concurrency)
                report(f"encrypted text, {concurrency} client(s)", latencies, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
