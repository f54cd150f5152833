"""In-process cost of one encrypted resident check: the WSGI app called directly, no HTTP server.

    .venv/bin/python bench/inproc.py                 # 6 blocks of 500 checks, fast path and Flask view
    .venv/bin/python bench/inproc.py --blocks 10 --size 1000

What the load test cannot show: the bot's own cost per message, without gunicorn, the network or the
client sharing the two cores. Requests are signed and encrypted like WeChat's (bench/load.py's message
mix, a new MsgId each, ten per resident), a private redis-server holds the state. Prints wall and CPU
time per request for each block and the fastest block, for `POST /wechat` through the fast path
(bot/channels/fastpath.py) and through the Flask view behind it, blocks alternating.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import CHECK_MESSAGES_PER_USER, Keys, resident_text  # noqa: E402
from bot.playground.wxclient import WeChatServer  # noqa: E402
from bot.scripts.redis_server import PrivateRedis  # noqa: E402


def environ(path_with_query: str, body: bytes) -> dict:
    path, _, query = path_with_query.partition("?")
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "bench",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "text/xml",
        "REMOTE_ADDR": "127.0.0.1",
    }  # fmt: skip


def run_block(wsgi, requests: list[tuple[str, bytes]]) -> tuple[float, float]:
    """(wall ms, CPU ms) per request."""
    wall, cpu = time.perf_counter(), time.process_time()
    statuses: list[str] = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    for path_with_query, body in requests:
        b"".join(wsgi(environ(path_with_query, body), start_response))
        if not statuses[-1].startswith("200"):
            raise SystemExit(f"the bot answered {statuses[-1]}")
    n = len(requests)
    return (time.perf_counter() - wall) / n * 1000, (time.process_time() - cpu) / n * 1000


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--blocks", type=int, default=6, help="blocks per way (default: 6)")
    p.add_argument("--size", type=int, default=500, help="checks per block (default: 500)")
    args = p.parse_args(argv)
    with PrivateRedis() as redis:
        keys = Keys.new()
        os.environ.update(REDIS_URL=redis.url, COMMUNITY_ID="inproc", WECHAT_TOKEN=keys.token,
                          WECHAT_APP_ID=keys.app_id, WECHAT_AES_KEY=keys.aes_key)  # fmt: skip
        from bot import create_app

        app = create_app()
        ways = {"fast path": app, "Flask view": app.wsgi_app.app}
        wechat, rng = WeChatServer(keys.token, keys.app_id, keys.aes_key), random.Random(1)

        def block(tag: str) -> list[tuple[str, bytes]]:
            deliveries = (
                wechat.deliver(wechat.text(f"{tag}u{i // CHECK_MESSAGES_PER_USER}", resident_text(i, rng)))
                for i in range(args.size)
            )
            return [(d.path_with_query, d.body) for d in deliveries]

        for wsgi in ways.values():
            run_block(wsgi, block("warm"))  # jieba, the pattern index, the Lua scripts
        best = {name: float("inf") for name in ways}
        for n in range(args.blocks):
            for name, wsgi in ways.items():
                wall, cpu = run_block(wsgi, block(f"b{n}{name[0]}"))
                best[name] = min(best[name], wall)
                print(f"block {n + 1} {name:10s} wall {wall:.3f} ms  cpu {cpu:.3f} ms per check")
        for name, ms in best.items():
            print(f"fastest block, {name}: {ms:.3f} ms per check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
