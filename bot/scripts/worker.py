"""The worker process: delivers the outbox and escalates reports on their deadlines.

    python -m bot.scripts.worker

Same settings as the web processes (REDIS_URL, WECOM_*, WECHAT_*). Stops cleanly on SIGTERM or
SIGINT after the pass in progress. Run one or more next to gunicorn.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from bot import build_worker, create_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Deliver the outbox and escalate overdue reports.")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    parser.add_argument("--reclaim-after", type=float, default=30.0,
                        help="seconds after which another worker's unacknowledged entries are taken over")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    services = create_app().extensions["fanzha"]
    if not services.config.redis_url:
        print("REDIS_URL is not set: the worker needs the same Redis as the web processes.", file=sys.stderr)
        return 2
    worker = build_worker(services)
    worker.reclaim_idle_ms = int(args.reclaim_after * 1000)
    if args.once:
        print(worker.run_once())
        return 0
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: worker.stop.set())
    worker.run_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
