"""A resident's plain scam check costs ONE Redis round trip: the reply is made before admission
(detection needs no Redis) and kept, with the day's figure, by the admission's own script. Whatever
could change the answer (a retry, the rate limit, an open conversation, danger now) goes the usual
way, with the same answers as before."""

from __future__ import annotations

import shutil
import uuid

import pytest
import redis

from bot import texts
from bot.scripts.redis_server import PrivateRedis
from tests.conftest import Chat, deliver_at_once

SCAM = "您的账户涉嫌洗钱，请立即把资金转入安全账户配合调查，不要告诉家人"
DANGER = "他让我下载会议软件，说我涉嫌洗钱"


@pytest.fixture(scope="module")
def own_redis():
    """A redis-server only these tests talk to, so MONITOR sees the bot's commands and nobody else's."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed: cannot watch the commands on a server of our own")
    with PrivateRedis() as server:
        yield server


def commands_sent(url: str, act) -> list[str]:
    """The commands clients sent (not those a Lua script ran) while `act()` ran, by name."""
    watcher, closer = redis.Redis.from_url(url, decode_responses=True), redis.Redis.from_url(url)
    closer.ping()  # connected (its handshake) before the watch starts
    marker = f"end-of-watch-{uuid.uuid4().hex}"
    seen: list[str] = []
    with watcher.monitor() as monitor:
        act()
        closer.echo(marker)
        closer.close()
        while marker not in (entry := monitor.next_command())["command"]:
            if entry["client_type"] != "lua":
                seen.append(entry["command"].split(" ", 1)[0].upper())
    return seen


def today_checks(app) -> dict[str, int]:
    ctx = app.extensions["fanzha"].ctx
    return ctx.state.checks_on(ctx.today())


def test_a_plain_scam_check_costs_one_round_trip(make_app, own_redis, wechat):
    app = make_app(redis_url=own_redis.url)
    chat = Chat(app.test_client(), wechat)
    chat.send("帮助", user="warm_up")  # connects and loads the scripts: not what is measured
    chat.send(SCAM, user="warm_up")
    replies: list[str] = []
    sent = commands_sent(own_redis.url, lambda: replies.append(chat.send(SCAM, user="resident")))
    assert "诈骗" in replies[0]
    assert sent == ["EVALSHA"]
    assert today_checks(app)["verdict:scam"] == 2


def test_the_ready_reply_is_kept_for_retries_and_counted_once(app, chat, wechat):
    delivery = wechat.deliver(wechat.text("u1", SCAM, MsgId=8001))
    replies = [wechat.read_reply(chat.post(delivery).get_data())["Content"] for _ in range(3)]
    assert "诈骗" in replies[0] and replies.count(replies[0]) == 3
    assert today_checks(app)["verdict:scam"] == 1


def test_concurrent_deliveries_answer_alike_and_count_once(app, wechat):
    replies = deliver_at_once(app, wechat, wechat.deliver(wechat.text("u1", SCAM, MsgId=8002)), times=5)
    assert len(replies) == 5 and len(set(replies)) == 1 and "诈骗" in replies[0]
    assert today_checks(app)["verdict:scam"] == 1


def test_an_open_conversation_gets_its_answer_not_a_verdict(app, chat):
    state = app.extensions["fanzha"].ctx.state
    state.set_conversation("mp", "inf1", {"state": "ask_location", "data": {}}, 600)
    assert chat.send("3栋2单元502", user="inf1") == texts.REPORT_ASK_SITUATION
    assert today_checks(app) == {}  # the flow's answer is not a check


def test_over_the_rate_gets_too_fast_and_the_ready_reply_is_not_kept(app, chat, wechat):
    for i in range(30):
        assert "诈骗" in chat.send(f"{SCAM} 第{i}次", user="flooder")
    delivery = wechat.deliver(wechat.text("flooder", SCAM, MsgId=8003))
    replies = [wechat.read_reply(chat.post(delivery).get_data())["Content"] for _ in range(2)]
    assert replies == [texts.TOO_FAST, texts.TOO_FAST]  # the retry too: TOO_FAST was kept
    assert today_checks(app)["verdict:scam"] == 30


def test_danger_now_still_starts_the_help_flow(app, chat):
    assert chat.send(DANGER, user="resident") == texts.DANGER_LEAD
    assert chat.send("1", user="resident") == texts.DANGER_ASK_HOME
    assert sum(n for field, n in today_checks(app).items() if field.startswith("verdict:")) == 1
