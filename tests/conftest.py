"""Shared fixtures: a REAL Redis (REDIS_URL, or a private redis-server), the app, a WeChat peer."""

from __future__ import annotations

import os
import shutil
import threading
import uuid

import pytest
import redis

from bot import create_app
from bot.playground.wxclient import WeChatServer, WeComServer
from bot.scripts.redis_server import PrivateRedis
from tests.browser import browser  # noqa: F401 - the page tests' fixture

TOKEN = "fanzhatesttoken"
APP_ID = "wxfanzhatest0001"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"  # 43 chars of base64, test only
OLD_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
WECOM_TOKEN = "wecomtesttoken"
WECOM_CORP_ID = "wwfanzhatestcorp"
WECOM_AES_KEY = "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefg"

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
def make_app(redis_url, community_id, clock, tmp_path):
    def build(**overrides):
        config = {
            "redis_url": redis_url,
            "community_id": community_id,
            "journal_dir": str(tmp_path / "journal"),  # held reports: never in the project's var/
            "wechat_token": TOKEN,
            "wechat_app_id": APP_ID,
            "wechat_aes_key": AES_KEY,
            "clock": clock,
            "wecom_token": WECOM_TOKEN,
            "wecom_corp_id": WECOM_CORP_ID,
            "wecom_aes_key": WECOM_AES_KEY,
            "wecom_agent_id": "1000002",
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


def deliver_at_once(app, wechat: WeChatServer, delivery, times: int) -> list[str]:
    """The same delivery posted by `times` threads at the same moment (WeChat's retries racing the
    first try, or two web processes); what each was answered."""
    replies: list[str] = []
    barrier = threading.Barrier(times)

    def deliver():
        client = app.test_client()
        barrier.wait()
        response = client.post(delivery.path_with_query, data=delivery.body)
        replies.append(wechat.read_reply(response.get_data()).get("Content", ""))

    threads = [threading.Thread(target=deliver) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return replies


@pytest.fixture
def chat(app, wechat) -> Chat:
    return Chat(app.test_client(), wechat)


@pytest.fixture
def wecom(clock) -> WeComServer:
    return WeComServer(token=WECOM_TOKEN, corp_id=WECOM_CORP_ID, aes_key=WECOM_AES_KEY, clock=clock)


class StaffChat:
    """Talks to the bot as grid staff do in WeCom: a command or a card click, and what they see."""

    def __init__(self, client, wecom: WeComServer):
        self.client, self.wecom = client, wecom

    def post(self, delivery):
        return self.client.post(delivery.path_with_query, data=delivery.body, content_type="text/xml")

    def deliver(self, fields) -> str:
        response = self.post(self.wecom.deliver(fields))
        assert response.status_code == 200, response.get_data(as_text=True)
        return self.wecom.read_reply(response.get_data()).get("Content", "")

    def send(self, text: str, user: str) -> str:
        return self.deliver(self.wecom.text(user, text))

    def click(self, key: str, user: str, task_id: str = "task") -> str:
        return self.deliver(self.wecom.card_click(user, key, task_id))


@pytest.fixture
def staff(app, wecom) -> StaffChat:
    return StaffChat(app.test_client(), wecom)


ONE_SHOT_HIGH = "3栋2单元502 王阿姨 情绪很焦虑 说要去银行给公安转账"


def file_report(chat: Chat, state, text: str = ONE_SHOT_HIGH, user: str = "inf1", building: str = "3栋") -> str:
    """An informant binds and files a report through /wechat; returns the report id."""
    code = f"F{abs(hash((user, building))) % 10**6:06d}"
    if not state.informant_buildings(user):
        state.create_invite(code, building, 3600)
        chat.send(f"绑定 {code}", user=user)
    chat.send(text, user=user)
    reply = chat.send("确认", user=user)
    assert "报告编号" in reply, reply
    return reply.split("报告编号 ")[1].split("（")[0]
