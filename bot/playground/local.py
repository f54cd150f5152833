"""`make run`'s whole world in one process: the bot, a fake WeChat/WeCom API, the worker, and a
clock the playground can move forward to show escalation happening.

Only for local use: nothing here runs when real credentials are configured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot import build_worker, create_app
from bot.playground.fakeapi import FakeWeChatApi
from bot.worker import Worker, run_in_thread


class MovableClock:
    """Wall-clock time plus an offset the playground can push forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class LocalWorld:
    fake: FakeWeChatApi
    worker: Worker
    clock: MovableClock


def create_local_app(overrides: dict | None = None):
    """The app with a fake API behind every outbound call and the worker running in a thread."""
    clock = MovableClock()
    fake = FakeWeChatApi(clock=clock).start()
    settings = {"clock": clock, "wecom_api_base": fake.url, "wechat_api_base": fake.url,
                "wecom_secret": "local-secret", "wechat_app_secret": "local-secret", **(overrides or {})}
    app = create_app(settings)
    worker = build_worker(app.extensions["fanzha"])
    run_in_thread(worker, pause=0.5)
    app.extensions["fanzha_local"] = LocalWorld(fake=fake, worker=worker, clock=clock)
    return app
