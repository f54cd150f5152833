"""Redis stops in the middle of a run: residents still get answers, reports are held and then
filed exactly once when it is back; with AOF on, a restart keeps reports, claims and the outbox."""

from __future__ import annotations

import pytest
import redis

from bot import create_app
from bot.playground.wxclient import WeChatServer
from bot.reports.query import list_reports
from bot.scripts.redis_server import PrivateRedis
from tests.conftest import AES_KEY, APP_ID, TOKEN, Chat, StaffChat

SCAM = "您好，我是公安局民警，您的银行账户涉嫌洗钱，请立即把资金转入安全账户配合调查，不要告诉家人"


@pytest.fixture
def durable_redis():
    """A private redis-server with AOF on (appendfsync always), which the test stops and restarts."""
    with PrivateRedis(extra_args=("--appendonly", "yes", "--appendfsync", "always")) as server:
        yield server


@pytest.fixture
def world(durable_redis, tmp_path, clock, wecom):
    app = create_app({"redis_url": durable_redis.url, "community_id": "cfault", "wechat_token": TOKEN,
                      "wechat_app_id": APP_ID, "wechat_aes_key": AES_KEY, "clock": clock,
                      "journal_dir": str(tmp_path / "journal"), "wecom_token": wecom.token,
                      "wecom_corp_id": wecom.corp_id, "wecom_aes_key": wecom.aes_key})
    wechat = WeChatServer(TOKEN, APP_ID, AES_KEY, clock=clock)
    return app, Chat(app.test_client(), wechat), StaffChat(app.test_client(), wecom)


def bind(app, chat, user: str, building: str) -> None:
    app.extensions["fanzha"].ctx.state.create_invite(f"I{user}".upper(), building, 3600)
    assert "绑定成功" in chat.send(f"绑定 I{user}", user=user)


def test_redis_down_then_back_files_every_held_report_once(world, durable_redis, clock):
    app, chat, _ = world
    ctx = app.extensions["fanzha"].ctx
    bind(app, chat, "inf1", "3栋")
    bind(app, chat, "inf2", "6栋")
    durable_redis.stop_process()
    assert "诈骗" in chat.send(SCAM, user="resident")  # detection needs no Redis
    held = chat.send("3栋2单元502 王阿姨 说要去银行给公安转账", user="inf1")
    assert "记下" in held and "13800000002" in held
    assert "记下" in chat.send("6栋1单元301 李大爷点了陌生链接", user="inf2")
    assert "停下" in chat.send("他让我下载会议软件，说我涉嫌洗钱", user="resident")
    assert ctx.journal.pending()
    durable_redis.start_again()
    clock.advance(10)
    chat.send("帮助", user="someone")  # any message while Redis answers replays the journal
    reports = list_reports(ctx.state)
    assert sorted(r["building"] for r in reports) == ["3栋", "6栋"]
    assert not ctx.journal.pending()
    clock.advance(10)
    chat.send("帮助", user="someone")
    assert len(list_reports(ctx.state)) == 2  # none twice
    told = [e for e in ctx.state.outbox() if e["kind"] == "replayed"]
    assert {e["recipient"] for e in told} == {"inf1", "inf2"}


def test_after_a_restart_the_next_message_is_handled_normally(world, durable_redis, caplog):
    """The connection the restart closed is replaced before anything is sent, and the scripts it lost
    are loaded again: no degraded answer."""
    app, chat, _ = world
    assert "诈骗" in chat.send(SCAM, user="resident")
    durable_redis.stop_process()
    durable_redis.start_again()
    chat.send(SCAM, user="resident")
    assert "degraded" not in caplog.text


def test_replay_is_exactly_once_even_if_the_journal_is_replayed_again(world, durable_redis):
    app, chat, _ = world
    ctx = app.extensions["fanzha"].ctx
    bind(app, chat, "inf1", "3栋")
    ctx.journal.append({"kind": "report", "user": "inf1", "text": "3栋2单元502 王阿姨 要去银行转账", "at": 0})
    lines = ctx.journal.path.read_text(encoding="utf-8")
    from bot.reports.replay import RETRY_LATER, replay_record

    ctx.journal.replay(lambda r: replay_record(r, ctx), RETRY_LATER)
    ctx.journal.path.write_text(lines, encoding="utf-8")  # as if the process died before emptying it
    ctx.journal.replay(lambda r: replay_record(r, ctx), RETRY_LATER)
    assert len(list_reports(ctx.state)) == 1


def test_a_torn_held_line_is_set_aside_the_rest_filed_and_duty_told(world, durable_redis, clock):
    """Another worker process died in the middle of writing to the journal: the reports held
    before and after are filed, the torn line is kept aside and the duty officers are told."""
    app, chat, _ = world
    ctx = app.extensions["fanzha"].ctx
    bind(app, chat, "inf1", "3栋")
    bind(app, chat, "inf2", "6栋")
    durable_redis.stop_process()
    assert "记下" in chat.send("3栋2单元502 王阿姨 说要去银行给公安转账", user="inf1")
    with ctx.journal.path.open("ab") as handle:
        handle.write('{"journal_id": "torn", "kind": "report", "text": "5栋'.encode())
    assert "记下" in chat.send("6栋1单元301 李大爷点了陌生链接", user="inf2")
    durable_redis.start_again()
    clock.advance(10)
    chat.send("帮助", user="someone")
    assert sorted(r["building"] for r in list_reports(ctx.state)) == ["3栋", "6栋"]
    assert not ctx.journal.pending()
    [aside] = ctx.journal.set_aside_files()
    assert aside.read_text(encoding="utf-8").startswith('{"journal_id": "torn"')
    alerts = [e for e in ctx.state.outbox() if e["kind"] == "alert"]
    duty = {p.wecom for p in ctx.registry().duty}
    assert duty and {e["recipient"] for e in alerts} == duty
    assert all("1 条暂存的举报" in e["content"] and str(aside) in e["content"] for e in alerts)


def test_held_report_from_a_stranger_is_not_filed(world, durable_redis, clock):
    app, chat, _ = world
    ctx = app.extensions["fanzha"].ctx
    durable_redis.stop_process()
    chat.send("3栋2单元502 王阿姨 说要去银行转账", user="stranger")
    durable_redis.start_again()
    clock.advance(10)
    chat.send("帮助", user="someone")
    assert list_reports(ctx.state) == [] and not ctx.journal.pending()
    # ...and the stranger, who was told it was held, is told it was not passed on (once, even if
    # the journal is replayed again)
    told = [e for e in ctx.state.outbox() if e["recipient"] == "stranger"]
    assert [e["kind"] for e in told] == ["not_filed"] and "信息员" in told[0]["content"]
    from bot.reports.replay import RETRY_LATER, replay_record

    record = {"journal_id": "held-again", "kind": "report", "user": "stranger", "text": "3栋 王阿姨 转账", "at": 0}
    for _ in range(2):
        ctx.journal.append(record)
        ctx.journal.replay(lambda r: replay_record(r, ctx), RETRY_LATER)
    assert len([e for e in ctx.state.outbox() if e["recipient"] == "stranger"]) == 2


def test_aof_restart_keeps_reports_claims_and_outbox(world, durable_redis):
    app, chat, staff = world
    ctx = app.extensions["fanzha"].ctx
    bind(app, chat, "inf1", "3栋")
    chat.send("3栋2单元502 王阿姨 说要去银行转账", user="inf1")
    chat.send("确认", user="inf1")
    [report] = list_reports(ctx.state)
    staff.send(f"认领 {report['id']}", user="lisi")
    before = (list_reports(ctx.state), len(ctx.state.outbox()), ctx.state.claimer(report["id"]))
    durable_redis.stop_process()
    durable_redis.start_again()
    after = (list_reports(ctx.state), len(ctx.state.outbox()), ctx.state.claimer(report["id"]))
    assert after == before and after[2] == "lisi" and after[1] > 0


def test_dashboard_says_plainly_when_redis_is_down(world, durable_redis):
    app, _, _ = world
    durable_redis.stop_process()
    response = app.test_client().get("/dashboard/login")
    assert response.status_code in (200, 503)
    if response.status_code == 503:
        assert "稍后" in response.get_data(as_text=True)
    response = app.test_client().post("/dashboard/login", data={"user": "duty01", "password": "x"})
    assert response.status_code in (400, 403, 503) and "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("answer", ["确认", "1", "取消"])
def test_a_flow_answer_while_redis_is_down_is_not_taken_for_a_message_to_check(world, durable_redis, answer):
    """An informant confirming a report, or a resident in danger answering "1" (call me), when
    Redis has just gone away: the bot cannot see the flow, so it says so and gives the number to
    phone, instead of judging "确认" as a message to check."""
    app, chat, _ = world
    bind(app, chat, "inf1", "3栋")
    assert "确认" in chat.send("报告", user="inf1") + chat.send("3栋2单元502 王阿姨 要去银行转账", user="inf1")
    durable_redis.stop_process()
    reply = chat.send(answer, user="inf1")
    assert "没能记下" in reply and "13800000001" in reply and "110" in reply
    assert "诈骗" not in reply


def test_redis_failing_after_the_admission_still_holds_the_report(world, durable_redis, monkeypatch):
    """Redis answered the admission, then went away before the handler's own reads: the report is
    held in the journal as if Redis had been down all along, not answered with "try again"."""
    app, chat, _ = world
    ctx = app.extensions["fanzha"].ctx
    bind(app, chat, "inf1", "3栋")

    def gone(*args, **kwargs):
        raise redis.ConnectionError("Redis went away")

    monkeypatch.setattr(ctx.state, "informant_buildings", gone)
    reply = chat.send("3栋2单元502 王阿姨 说要去银行给公安转账", user="inf1")
    assert "记下" in reply and "13800000002" in reply
    assert ctx.journal.pending()
