"""Escalation timelines with a controlled clock, for each risk level of the example registry."""

from __future__ import annotations

import pytest

from bot import build_worker
from tests.conftest import Chat, StaffChat, file_report
from tests.fake_wechat_api import fake_api  # noqa: F401 - the fixture

MEDIUM = "6栋1单元301 李大爷点了陌生链接还把验证码告诉了对方"
LOW = "9栋2单元402 刘奶奶最近老接到陌生电话，有点担心"


@pytest.fixture
def world(make_app, fake_api, wechat, wecom):  # noqa: F811
    app = make_app(wecom_api_base=fake_api.url, wechat_api_base=fake_api.url, wecom_secret="s",
                   wechat_app_secret="s")
    state = app.extensions["fanzha"].ctx.state
    return state, build_worker(app.extensions["fanzha"]), Chat(app.test_client(), wechat), \
        StaffChat(app.test_client(), wecom)


def escalations(state, rid: str) -> list[dict]:
    return [e for e in state.report_events(rid) if e["what"] == "escalated"]


def texts_to(fake, user: str) -> list[str]:
    return [c.body["text"]["content"] for c in fake.sent("message/send")
            if c.body["msgtype"] == "text" and user in c.body["touser"].split("|")]


def test_high_unclaimed_climbs_the_ladder(world, fake_api, clock):  # noqa: F811
    state, worker, chat, _ = world
    rid = file_report(chat, state)
    t0 = clock()
    worker.run_once(t0 + 179)
    assert escalations(state, rid) == []
    worker.run_once(t0 + 181)  # 3 min: the whole grid (volunteers too) and the duty officers
    [first] = escalations(state, rid)
    assert set(first["notify"]) == {"zhangsan", "lisi", "wangwu", "zhaoliu", "duty01", "duty02"}
    assert any("无人认领" in t for t in texts_to(fake_api, "zhaoliu"))
    worker.run_once(t0 + 301)  # 5 min: the duty officers again, marked overdue
    assert escalations(state, rid)[-1]["notify"] == ["duty01", "duty02"]
    assert state.get_report(rid)["overdue"] is True


def test_high_claimed_but_not_contacted_reminds_then_reopens(world, fake_api, clock):  # noqa: F811
    state, worker, chat, staff = world
    rid = file_report(chat, state)
    t0 = clock()
    staff.send(f"认领 {rid}", user="lisi")
    worker.run_once(t0 + 400)  # the unclaimed steps were due, but it is claimed: nothing fires
    assert escalations(state, rid) == []
    worker.run_once(t0 + 601)  # 10 min without 已联系: remind the claimer
    assert escalations(state, rid)[-1]["notify"] == ["lisi"]
    assert any("已联系" in t for t in texts_to(fake_api, "lisi"))
    worker.run_once(t0 + 901)  # 15 min: reopened to the whole grid
    report = state.get_report(rid)
    assert report["status"] == "open" and report["claimed_by"] is None and state.claimer(rid) is None
    worker.run_once(t0 + 902)
    new_cards = [c for c in fake_api.sent("message/send") if c.body["msgtype"] == "template_card"
                 and "_r1_" in c.body["template_card"]["task_id"]]
    assert {c.body["touser"] for c in new_cards} == {"zhangsan", "lisi", "wangwu", "zhaoliu"}


def test_contact_in_time_stops_the_clock(world, clock):
    state, worker, chat, staff = world
    rid = file_report(chat, state)
    t0 = clock()
    staff.send(f"认领 {rid}", user="lisi")
    staff.send(f"已联系 {rid}", user="lisi")
    worker.run_once(t0 + 3600)
    assert escalations(state, rid) == []


def test_close_cancels_everything_pending(world, clock):
    state, worker, chat, staff = world
    rid = file_report(chat, state)
    staff.send(f"结案 {rid} 3", user="zhangsan")
    assert state.scheduled(rid) == []
    worker.run_once(clock() + 3600)
    assert escalations(state, rid) == []


def test_medium_ladder_at_10_20_30_minutes(world, clock):
    state, worker, chat, staff = world
    rid = file_report(chat, state, text=MEDIUM, building="6栋", user="inf6")
    assert state.get_report(rid)["risk"] == "medium"
    t0 = clock()
    worker.run_once(t0 + 599)
    assert escalations(state, rid) == []
    worker.run_once(t0 + 601)
    assert set(escalations(state, rid)[-1]["notify"]) == {"sunqi", "zhouba", "wujiu", "zhengshi", "duty01", "duty02"}
    worker.run_once(t0 + 1201)
    assert state.get_report(rid)["overdue"] is True
    staff.send(f"认领 {rid}", user="wujiu")
    worker.run_once(t0 + 1801)
    assert escalations(state, rid)[-1]["notify"] == ["wujiu"]


def china_time(day_start: float, hhmm: str) -> float:
    hours, minutes = map(int, hhmm.split(":"))
    return day_start + hours * 3600 + minutes * 60 - 8 * 3600


def test_low_reports_come_in_one_morning_digest_until_contacted(world, fake_api, clock):  # noqa: F811
    state, worker, chat, staff = world
    rid = file_report(chat, state, text=LOW, building="9栋", user="inf9")
    assert state.get_report(rid)["risk"] == "low"
    day = (clock() + 8 * 3600) // 86400 * 86400 + 86400  # the next China day, 00:00
    worker.run_once(china_time(day, "08:59"))
    assert not any("每日汇总" in t for t in texts_to(fake_api, "chenyi"))
    worker.run_once(china_time(day, "09:01"))
    worker.run_once(china_time(day, "10:00"))
    digests = [t for t in texts_to(fake_api, "chenyi") if "每日汇总" in t]
    assert len(digests) == 1 and rid in digests[0] and "第三网格" in digests[0]
    assert any("每日汇总" in t for t in texts_to(fake_api, "liner"))
    assert not any("每日汇总" in t for t in texts_to(fake_api, "zhangsan"))
    staff.send(f"已联系 {rid}", user="chenyi")
    worker.run_once(china_time(day + 86400, "09:01"))
    assert len([t for t in texts_to(fake_api, "chenyi") if "每日汇总" in t]) == 1


def test_two_workers_fire_each_step_once(world, make_app, clock):
    state, worker, chat, _ = world
    rid = file_report(chat, state)
    other = build_worker(make_app().extensions["fanzha"])
    t0 = clock()
    worker.run_once(t0 + 181)
    other.run_once(t0 + 181)
    assert len(escalations(state, rid)) == 1


def test_a_step_that_fails_does_not_cost_the_other_reports_theirs(world, fake_api, clock):  # noqa: F811
    """One report the worker cannot escalate (a damaged record) is reported to the duty officers;
    the other reports due in the same pass still climb their ladders."""
    state, worker, chat, _ = world
    t0 = clock()
    damaged = file_report(chat, state)
    healthy = file_report(chat, state, "6栋1单元301 李大爷 情绪很焦虑 说要去银行给公安转账", user="inf2", building="6栋")
    state.update_report(damaged, {"created_at": "not a time"}, {"at": t0, "by": "test", "what": "damaged"}, [])
    worker.run_once(t0 + 181)
    assert escalations(state, healthy) and not escalations(state, damaged)
    worker.run_once(t0 + 182)
    assert any(damaged in t and "升级未执行" in t for t in texts_to(fake_api, "duty01"))
    worker.run_once(t0 + 181 + 60)  # past the step's lease: a failed step is not run (and alerted) again
    alerts = [e for e in state.outbox() if e["kind"] == "alert" and e["report_id"] == damaged]
    assert len(alerts) == 2  # one to each of the two duty officers, once


def test_a_step_cut_short_by_redis_fires_once_its_lease_runs_out(world, fake_api, clock, monkeypatch):  # noqa: F811
    """Redis fails while a step runs (a restart, a failover): the step is not lost with the pass."""
    import redis

    state, worker, chat, _ = world
    rid = file_report(chat, state)
    t0 = clock()
    real = state.update_report

    def failing(*args, **kwargs):
        raise redis.ConnectionError("Redis restarting")

    monkeypatch.setattr(state, "update_report", failing)
    with pytest.raises(redis.ConnectionError):
        worker.run_once(t0 + 181)
    monkeypatch.setattr(state, "update_report", real)
    worker.run_once(t0 + 182)
    assert escalations(state, rid) == []  # leased to the worker that failed: not yet
    worker.run_once(t0 + 181 + 31)
    assert [e["step"] for e in escalations(state, rid)] == [0]
    worker.run_once(t0 + 181 + 32)
    assert [e["step"] for e in escalations(state, rid)] == [0]  # once


def test_a_due_step_is_leased_to_one_worker_only(world, clock):
    state, _, chat, _ = world
    rid = file_report(chat, state)
    due = clock() + 181
    first, second = state.take_due_steps(due), state.take_due_steps(due)
    assert [(r, i) for r, i, _ in first] == [(rid, 0)] and second == []


def test_finishing_a_step_keeps_it_when_it_was_scheduled_again(world, clock):
    """A repeating step schedules itself again while it runs: finishing must not remove that."""
    state, _, chat, _ = world
    rid = file_report(chat, state)
    state.unschedule(rid, range(10))
    state.schedule(rid, {0: 100.0, 1: 100.0})
    taken = {index: lease for _, index, lease in state.take_due_steps(200.0)}
    state.schedule(rid, {0: 900.0})  # step 0 repeats
    for index, lease in taken.items():
        state.finish_step(rid, index, lease)
    assert state.scheduled(rid) == [(rid, 0, 900.0)]
