"""The worker against a local fake of the WeCom and Official Account APIs (real client code, real Redis)."""

from __future__ import annotations

import pytest

from bot import build_worker
from tests.conftest import Chat, StaffChat, file_report
from tests.fake_wechat_api import fake_api  # noqa: F401 - the fixture

CARD_SEND = "message/send"


@pytest.fixture
def setup(make_app, fake_api, wechat, wecom, clock):  # noqa: F811
    app = make_app(wecom_api_base=fake_api.url, wechat_api_base=fake_api.url, wecom_secret="s",
                   wechat_app_secret="s")
    services = app.extensions["fanzha"]
    worker = build_worker(services)
    return app, services.ctx.state, worker, Chat(app.test_client(), wechat), StaffChat(app.test_client(), wecom)


def cards_to(fake, user: str | None = None) -> list:
    calls = [c for c in fake.sent(CARD_SEND) if c.body["msgtype"] == "template_card"]
    return [c for c in calls if user is None or user in c.body["touser"].split("|")]


def texts_to(fake, user: str) -> list[str]:
    return [c.body["text"]["content"] for c in fake.sent(CARD_SEND)
            if c.body["msgtype"] == "text" and user in c.body["touser"].split("|")]


def test_new_report_sends_cards_and_group_notice(setup, fake_api, clock):  # noqa: F811
    app, state, worker, chat, _ = setup
    rid = file_report(chat, state)
    counts = worker.run_once(clock())
    assert counts.get("sent") == 6  # 5 cards (grid staff + duty, HIGH) and the group notice
    assert {c.body["touser"] for c in cards_to(fake_api)} == {"zhangsan", "lisi", "wangwu", "duty01", "duty02"}
    [group] = fake_api.sent("appchat/send")
    assert rid in group.body["markdown"]["content"] and group.body["chatid"] == "wrOgAAAA1"
    assert set(state.cards(rid)) == {"zhangsan", "lisi", "wangwu", "duty01", "duty02"}
    assert worker.run_once(clock()).get("sent") is None  # nothing sent twice


def test_claim_updates_every_card_and_briefs_the_claimer(setup, fake_api, clock):  # noqa: F811
    app, state, worker, chat, staff = setup
    rid = file_report(chat, state)
    worker.run_once(clock())
    staff.send(f"认领 {rid}", user="lisi")
    worker.run_once(clock())
    updates = fake_api.sent("message/update_template_card")
    assert len(updates) == 5 and all("已由 李四 认领" in u.body["button"]["replace_name"] for u in updates)
    assert len(cards_to(fake_api, "lisi")) == 2  # the 认领 card, then the claimer's card
    assert any("劝阻" in t for t in texts_to(fake_api, "lisi"))  # HIGH: the dissuasion card


def test_closing_tells_the_informant_without_details(setup, fake_api, clock):  # noqa: F811
    app, state, worker, chat, staff = setup
    rid = file_report(chat, state)
    staff.send(f"结案 {rid} 1 5000", user="zhangsan")
    worker.run_once(clock())
    [told] = fake_api.sent("message/custom/send")
    assert told.body["touser"] == "inf1" and "劝阻成功" in told.body["text"]["content"]
    assert "王阿姨" not in told.body["text"]["content"]


def test_card_for_a_report_claimed_meanwhile_is_not_sent(setup, fake_api, clock):  # noqa: F811
    app, state, worker, chat, staff = setup
    rid = file_report(chat, state)
    staff.send(f"认领 {rid}", user="duty01")
    worker.run_once(clock())
    assert [c.body["touser"] for c in cards_to(fake_api)] == ["duty01"]  # only the claimer's own card


def test_busy_api_is_retried_with_backoff_and_sent_once(setup, fake_api, clock):  # noqa: F811
    app, state, worker, chat, _ = setup
    fake_api.fail_next("appchat/send", errcode=-1, times=2)
    file_report(chat, state)
    now = clock()
    assert worker.run_once(now).get("retry") == 1
    assert worker.run_once(now + 1).get("sent") is None  # backoff not over yet
    assert worker.run_once(now + 3).get("retry") == 1
    assert worker.run_once(now + 14).get("sent") == 1
    assert len(fake_api.sent("appchat/send")) == 1


def test_failing_channel_falls_back_and_alerts_duty(setup, fake_api, clock):  # noqa: F811
    app, state, worker, chat, _ = setup
    fake_api.fail_next("appchat/send", errcode=-1, times=10)
    file_report(chat, state)
    now = clock()
    for offset in (0, 3, 14, 50, 120, 200):
        worker.run_once(now + offset)
    worker.run_once(now + 300)  # the fallback and the alert go out
    alerts = texts_to(fake_api, "duty01")
    assert any("送达失败" in a for a in alerts)
    log = [r for r in state.delivery_log() if r["channel"] == "wecom_group"]
    assert [r["outcome"] for r in log] == ["failed"]


def test_untrusted_ip_is_a_configuration_alert_not_retried(setup, fake_api, clock):  # noqa: F811
    app, state, worker, chat, _ = setup
    fake_api.fail_next("appchat/send", errcode=60020, times=1)
    file_report(chat, state)
    counts = worker.run_once(clock())
    assert counts.get("failed") == 1 and not counts.get("retry")
    worker.run_once(clock())
    assert any("配置错误" in a and "IP" in a for a in texts_to(fake_api, "duty01"))


def test_token_expiry_is_refetched_once(setup, fake_api, clock):  # noqa: F811
    app, state, worker, chat, _ = setup
    file_report(chat, state)
    worker.run_once(clock())
    fake_api.revoke_tokens()
    file_report(chat, state, text="5栋1单元301 李大爷 不让挂电话 说要去买卡", building="5栋", user="inf5")
    assert worker.run_once(clock()).get("sent", 0) >= 3
    assert len(fake_api.calls_to("gettoken")) == 2


def test_a_worker_killed_mid_send_loses_and_repeats_nothing(setup, fake_api, clock, make_app):  # noqa: F811
    app, state, worker, chat, _ = setup
    rid = file_report(chat, state)
    state.ensure_outbox_group()
    dead = state.read_outbox("dead-worker", 3)  # read, perhaps half sent, never acknowledged
    first = dead[0]
    state.mark_sending(first["entry_id"])
    worker.sender.deliver(first, clock())  # it got through before the crash
    worker.reclaim_idle_ms = 0
    worker.run_once(clock())
    worker.run_once(clock())
    received = [c.body["touser"] for c in cards_to(fake_api)]
    assert sorted(received) == sorted(["zhangsan", "lisi", "wangwu", "duty01", "duty02"])
    assert state.pending_outbox() == 0
    assert rid in fake_api.sent("appchat/send")[0].body["markdown"]["content"]


def test_pushes_to_residents_respect_the_48h_window(setup, fake_api, clock):  # noqa: F811
    app, state, worker, chat, staff = setup
    rid = file_report(chat, state)
    clock.advance(49 * 3600)
    staff.send(f"结案 {rid} 3", user="zhangsan")
    worker.run_once(clock())
    assert fake_api.sent("message/custom/send") == []
    held = [r for r in state.delivery_log() if r["outcome"] == "held"]
    assert held and held[0]["recipient"] == "inf1" and "误报" in held[0]["content"]


def test_app_messages_to_one_member_are_held_to_30_a_minute(setup, fake_api, clock):  # noqa: F811
    app, state, worker, chat, _ = setup
    now = clock()
    notices = [{"channel": "wecom_app", "recipient": "zhangsan", "report_id": "", "kind": "test",
                "content": f"第{i}条", "created_at": now} for i in range(35)]
    state.queue_notices(notices)
    counts = worker.run_once(now)
    assert counts.get("sent") == 30 and counts.get("throttled") == 5
    assert worker.run_once(now + 61).get("sent") is None  # WeCom's minute, and a margin (SEND_WINDOW)
    assert worker.run_once(now + 63).get("sent") == 5
    assert len(texts_to(fake_api, "zhangsan")) == 35


def test_outbox_cli_shows_what_was_sent(setup, fake_api, clock, monkeypatch, capsys, redis_url, community_id):  # noqa: F811
    import json

    from bot.scripts import outbox

    app, state, worker, chat, _ = setup
    file_report(chat, state)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("COMMUNITY_ID", community_id)
    outbox.main(["list", "--json"])
    assert {e["status"] for e in json.loads(capsys.readouterr().out)} == {"queued"}
    worker.run_once(clock())
    outbox.main(["list", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert {e["status"] for e in listed} == {"sent"}, listed[:2]


def test_a_send_is_counted_when_it_goes_out_not_when_the_pass_began(setup, clock):  # noqa: F811
    """Every send is an HTTP call, so a pass takes time; WeCom counts a message when it arrives. A
    pass of slow sends (2 s each here) must not let the next pass send early: WeCom would drop it."""
    app, state, worker, chat, _ = setup
    ticks = iter(range(0, 10_000, 2))
    worker.monotonic = lambda: float(next(ticks))
    now = clock()

    def queue(n: int) -> None:
        state.queue_notices([{"channel": "wecom_app", "recipient": "zhangsan", "report_id": "", "kind": "test",
                              "content": f"第{i}条", "created_at": now} for i in range(n)])

    queue(30)
    assert worker.run_once(now).get("sent") == 30  # they went out from now + 2 s to now + 60 s
    queue(1)
    assert worker.run_once(now + 61).get("throttled") == 1


def test_rate_limit_is_a_sliding_window_not_a_calendar_minute(setup, clock):  # noqa: F811
    app, state, worker, chat, _ = setup
    edge = (clock() // 60 + 1) * 60  # just before and just after a minute's edge
    assert sum(state.take_send_slot("app", "zhangsan", edge - 1, 30) for _ in range(30)) == 30
    assert sum(state.take_send_slot("app", "zhangsan", edge + 1, 30) for _ in range(30)) == 0
    assert state.take_send_slot("app", "zhangsan", edge + 60, 30)


def test_an_entry_the_worker_cannot_send_fails_alone_and_the_duty_is_told(setup, fake_api, clock):  # noqa: F811
    """An entry of a shape this code cannot send (queued by an older release, say) is a failure of
    that one message, not of every pass: the cards queued behind it still go out, and the duty
    officers are told."""
    app, state, worker, chat, _ = setup
    first = file_report(chat, state)
    state.queue_notices([{"channel": "wecom_card", "report_id": first, "kind": "claim_card", "created_at": 0}])
    second = file_report(chat, state, "6栋1单元301 李大爷 正在给自称公安的人转账", user="inf2", building="6栋")
    counts = worker.run_once(clock())
    assert counts.get("failed") == 1
    assert state.cards(first) and state.cards(second)  # both reports' cards went out
    worker.run_once(clock())
    assert any("送达失败" in text and first in text for text in texts_to(fake_api, "duty01"))
    failed = [r for r in state.delivery_log() if r["outcome"] == "failed"]  # the card, then its fallback
    assert failed and all(r["report_id"] == first and "KeyError" in r["reason"] for r in failed)


def test_a_failing_digest_or_retention_run_does_not_stop_the_cards(setup, fake_api, clock, monkeypatch, caplog):  # noqa: F811
    """The outbox is the part of a pass that cannot wait: a bug in the daily jobs must not hold it."""
    import bot.worker

    def broken(*args):
        raise RuntimeError("a bug in a daily job")

    monkeypatch.setattr(bot.worker, "send_digests", broken)
    monkeypatch.setattr(bot.worker, "purge_old_reports", broken)
    app, state, worker, chat, _ = setup
    rid = file_report(chat, state)
    counts = worker.run_once(clock())
    assert counts.get("sent") == 6 and state.cards(rid)
    assert "worker digests failed" in caplog.text and "worker retention failed" in caplog.text
