"""Escalation timelines with a controlled clock, for each risk level of the example registry."""

from __future__ import annotations

import pytest

from bot import build_worker
from bot.state.reports import ReportUpdate
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
    real = state.finish_step

    def failing(*args, **kwargs):
        raise redis.ConnectionError("Redis restarting")

    monkeypatch.setattr(state, "finish_step", failing)
    with pytest.raises(redis.ConnectionError):
        worker.run_once(t0 + 181)
    monkeypatch.setattr(state, "finish_step", real)
    worker.run_once(t0 + 182)
    assert escalations(state, rid) == []  # leased to the worker that failed: not yet
    worker.run_once(t0 + 181 + 31)
    assert [e["step"] for e in escalations(state, rid)] == [0]
    worker.run_once(t0 + 181 + 32)
    assert [e["step"] for e in escalations(state, rid)] == [0]  # once


def test_a_step_whose_transaction_fails_writes_nothing_of_it(world, fake_api, clock, monkeypatch):  # noqa: F811
    """The claimer's reminder, the reopen and the fresh cards of the 15-minute step are one
    transaction with the step's end: all or nothing, and after the lease all of it, once."""
    import redis

    state, worker, chat, staff = world
    rid = file_report(chat, state)
    t0 = clock()
    staff.send(f"认领 {rid}", user="lisi")
    worker.run_once(t0 + 700)  # step 2: the claimer is reminded at 10 minutes
    execute = redis.client.Pipeline.execute

    def fail_the_steps_transaction(self, *args, **kwargs):
        if any(command[0][0] == "ZREM" for command in self.command_stack):
            raise redis.ConnectionError("Redis went away")
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", fail_the_steps_transaction)
    with pytest.raises(redis.ConnectionError):
        worker.run_once(t0 + 901)  # step 3: reopened to the whole grid at 15 minutes
    monkeypatch.undo()
    report = state.get_report(rid)
    assert (report["status"], state.claimer(rid)) == ("claimed", "lisi")
    assert [e["step"] for e in escalations(state, rid)] == [2]
    worker.run_once(t0 + 901 + 31)
    worker.run_once(t0 + 901 + 62)
    assert [e["step"] for e in escalations(state, rid)] == [2, 3]
    assert state.get_report(rid)["status"] == "open" and state.claimer(rid) is None
    assert [e["what"] for e in state.report_events(rid)].count("reopened") == 1


def test_a_worker_that_lost_its_lease_does_not_fire_the_step_again(world, clock):
    """A worker stalls past its step's lease; another takes the step and fires it. When the first
    comes back, its step writes nothing: the staff get one message, not two."""
    from bot.reports.escalation import plan_step

    state, worker, chat, _ = world
    rid = file_report(chat, state)
    due = clock() + 181
    [(_, index, stale_lease)] = state.take_due_steps(due)
    worker.run_once(due + 31)  # the lease ran out: this worker takes the step and fires it
    assert len(escalations(state, rid)) == 1
    updates, next_due = plan_step(rid, index, worker.ctx, due)
    assert updates  # the stalled worker still thinks the step should fire...
    assert state.finish_step(rid, index, stale_lease, updates, next_due) is False
    assert len(escalations(state, rid)) == 1  # ...and writes nothing


def test_a_due_step_is_leased_to_one_worker_only(world, clock):
    state, _, chat, _ = world
    rid = file_report(chat, state)
    due = clock() + 181
    first, second = state.take_due_steps(due), state.take_due_steps(due)
    assert [(r, i) for r, i, _ in first] == [(rid, 0)] and second == []


def test_finishing_a_step_keeps_it_when_it_was_scheduled_again(world, clock):
    """A ladder started again while a step ran (the risk raised): the old step writes nothing and
    the new schedule stays."""
    state, _, chat, _ = world
    rid = file_report(chat, state)
    state.unschedule(rid, range(10))
    state.schedule(rid, {0: 100.0, 1: 100.0})
    taken = {index: lease for _, index, lease in state.take_due_steps(200.0)}
    state.schedule(rid, {0: 900.0})  # step 0 scheduled anew
    event = {"at": 200.0, "by": "test", "what": "escalated"}
    finished = {index: state.finish_step(rid, index, lease, [ReportUpdate(rid, {}, event, [])])
                for index, lease in taken.items()}
    assert finished == {0: False, 1: True}
    assert state.scheduled(rid) == [(rid, 0, 900.0)]
    assert len(escalations(state, rid)) == 1


def test_a_repeating_step_is_scheduled_again_with_its_end(world, clock):
    state, _, chat, _ = world
    rid = file_report(chat, state)
    state.unschedule(rid, range(10))
    state.schedule(rid, {2: 100.0})
    [(_, index, lease)] = state.take_due_steps(200.0)
    assert state.finish_step(rid, index, lease, [], next_due=500.0) is True
    assert state.scheduled(rid) == [(rid, 2, 500.0)]
