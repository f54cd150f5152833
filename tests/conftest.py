"""Shared fixtures: a REAL Redis (REDIS_URL, or a private redis-server), the app, a WeChat peer."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
import redis

from bot import create_app
from bot.playground.wxclient import WeChatServer
from bot.scripts.redis_server import PrivateRedis

TOKEN = "fanzhatesttoken"
APP_ID = "wxfanzhatest0001"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"  # 43 chars of base64, test only
OLD_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

NO_REDIS = (
    "\n" + "!" * 78 + "\n!! NO REDIS: REDIS_URL is not set and redis-server is not installed.\n"
    "!! The tests that need a real Redis are SKIPPED. Install it: apt-get install redis-server\n" + "!" * 78
)

_private: PrivateRedis | None = None


def pytest_configure(config):
    global _private
    if os.environ.get("REDIS_URL"):
        return
    if not shutil.which("redis-server"):
        if os.environ.get("CI") == "true":
            pytest.exit(NO_REDIS + "\n!! Under CI=true this is a failure, not a skip.", returncode=1)
        return
    _private = PrivateRedis().start()
    os.environ["FZ_TEST_REDIS_URL"] = _private.url


def pytest_unconfigure(config):
    if _private:
        _private.stop()


def pytest_report_header(config):
    url = os.environ.get("REDIS_URL") or os.environ.get("FZ_TEST_REDIS_URL")
    return f"redis: {url}" if url else NO_REDIS


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or os.environ.get("FZ_TEST_REDIS_URL")
    if not url:
        pytest.skip(NO_REDIS)
    return url


@pytest.fixture
def community_id(redis_url):
    """A community of its own for each test; its keys are removed afterwards (never FLUSHDB)."""
    cid = "t" + uuid.uuid4().hex[:12]
    yield cid
    conn = redis.Redis.from_url(redis_url)
    keys = list(conn.scan_iter(match=f"fz:{{{cid}}}:*", count=1000))
    if keys:
        conn.delete(*keys)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_790_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_app(redis_url, community_id, clock):
    def build(**overrides):
        config = {
            "redis_url": redis_url,
            "community_id": community_id,
            "wechat_token": TOKEN,
            "wechat_app_id": APP_ID,
            "wechat_aes_key": AES_KEY,
            "clock": clock,
        }
        config.update(overrides)
        return create_app(config)

    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def wechat(clock) -> WeChatServer:
    return WeChatServer(token=TOKEN, app_id=APP_ID, aes_key=AES_KEY, clock=clock)


class Chat:
    """Talks to the bot like a resident would: send a text, get what the phone shows."""

    def __init__(self, client, wechat: WeChatServer):
        self.client, self.wechat = client, wechat

    def post(self, delivery):
        return self.client.post(delivery.path_with_query, data=delivery.body, content_type="text/xml")

    def deliver(self, fields, encrypted=None) -> str:
        response = self.post(self.wechat.deliver(fields, encrypted))
        assert response.status_code == 200, response.get_data(as_text=True)
        return self.wechat.read_reply(response.get_data()).get("Content", "")

    def send(self, text: str, user: str = "resident1", encrypted=None) -> str:
        return self.deliver(self.wechat.text(user, text), encrypted)

    def event(self, event: str, user: str = "resident1", key: str = "") -> str:
        return self.deliver(self.wechat.event(user, event, key))


@pytest.fixture
def chat(app, wechat) -> Chat:
    return Chat(app.test_client(), wechat)
