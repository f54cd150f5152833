"""Informants report a neighbour at risk; the report reaches the right grid's staff (outbox)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.reports.query import list_reports

ROOT = Path(__file__).resolve().parent.parent
ONE_SHOT = "3栋2单元502 王阿姨 情绪很焦虑 说要去银行给公安转账"


@pytest.fixture
def state(app):
    return app.extensions["fanzha"].ctx.state


def bind(chat, state, user: str, building: str = "3栋") -> str:
    code = f"T{abs(hash((user, building))) % 10**6:06d}"
    assert state.create_invite(code, building, 3600)
    return chat.send(f"绑定 {code}", user=user)


def outbox_for(state, report_id: str) -> dict[str, list[str]]:
    by_recipient: dict[str, list[str]] = {}
    for entry in state.outbox():
        if entry["report_id"] == report_id:
            by_recipient.setdefault(entry["recipient"], []).append(entry["content"])
    return by_recipient


def test_bind_with_invite_once(chat, state):
    assert "绑定成功" in bind(chat, state, "inf1")
    assert state.informant_buildings("inf1") == {"3栋"}
    assert "不对或已经用过" in chat.send("绑定 NOSUCH", user="inf2")


def test_invite_code_cannot_be_used_twice(chat, state):
    state.create_invite("ONCE01", "5栋", 3600)
    assert "绑定成功" in chat.send("绑定 ONCE01", user="a")
    assert "已经用过" in chat.send("绑定 once01", user="b")
    assert state.informant_buildings("b") == set()


def test_a_bind_cut_short_keeps_the_code_for_another_try(chat, state, monkeypatch):
    """Using the code up and binding the informant are one transaction: when Redis fails in it,
    the code is still good (before, it was used up first and the informant had to ask again)."""
    import redis

    state.create_invite("RETRY1", "5栋", 3600)
    execute, armed = redis.client.Pipeline.execute, [True]

    def fail_once(self, *args, **kwargs):
        if armed and any(command[0][0] == "SADD" for command in self.command_stack):
            armed.clear()
            raise redis.ConnectionError("Redis went away")
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", fail_once)
    assert "邀请码还能用" in chat.send("绑定 RETRY1", user="a")
    assert not armed and state.informant_buildings("a") == set()
    assert "绑定成功" in chat.send("绑定 RETRY1", user="a")
    assert state.informant_buildings("a") == {"5栋"}


def test_stranger_cannot_report(chat, state):
    assert "信息员" in chat.send("报告", user="stranger")
    assert "信息员" in chat.send(ONE_SHOT, user="stranger")
    assert list_reports(state) == []


def test_one_shot_report_routes_high_risk_to_grid_and_duty(chat, state, clock):
    bind(chat, state, "inf1")
    confirm = chat.send(ONE_SHOT, user="inf1")
    assert "请确认" in confirm and "高风险" in confirm and "3栋2单元502" in confirm
    filed = chat.send("确认", user="inf1")
    assert "R" in filed and "第一网格" in filed
    [report] = list_reports(state)
    assert report["risk"] == "high" and report["grid"] == "g1" and report["building"] == "3栋"
    raw = state.get_report(report["id"])
    assert raw["deadline_at"] == pytest.approx(clock() + 600)
    boxes = outbox_for(state, report["id"])
    assert set(boxes) == {"zhangsan", "lisi", "wangwu", "duty01", "duty02", "wrOgAAAA1"}
    assert "王阿姨" in boxes["zhangsan"][0]


def test_step_by_step_report_with_cancel_and_medium_risk(chat, state):
    bind(chat, state, "inf1", "6栋")
    assert "哪一栋" in chat.send("我要报告", user="inf1")
    assert "发生了什么" in chat.send("6号楼1单元301", user="inf1")
    confirm = chat.send("李大爷点了一个陌生链接，还把验证码告诉了对方", user="inf1")
    assert "中风险" in confirm
    assert "已取消" in chat.send("取消", user="inf1")
    assert list_reports(state) == []


def test_medium_report_goes_to_grid_only(chat, state):
    bind(chat, state, "inf1", "6栋")
    chat.send("6栋1单元301 李大爷点了陌生链接还说了验证码", user="inf1")
    chat.send("确认", user="inf1")
    [report] = list_reports(state)
    assert report["risk"] == "medium" and report["grid"] == "g2"
    assert set(outbox_for(state, report["id"])) == {"sunqi", "zhouba", "wrOgAAAA2"}


def test_retried_confirmation_files_once(chat, state, wechat):
    bind(chat, state, "inf1")
    chat.send(ONE_SHOT, user="inf1")
    delivery = wechat.deliver(wechat.text("inf1", "确认"))
    first, second = chat.post(delivery), chat.post(delivery)
    assert first.get_data() and wechat.read_reply(first.get_data()) == wechat.read_reply(second.get_data())
    assert len(list_reports(state)) == 1


def test_second_informant_joins_the_open_report(chat, state):
    bind(chat, state, "inf1")
    bind(chat, state, "inf2")
    chat.send("3栋2单元502 王阿姨最近老接陌生电话", user="inf1")
    chat.send("确认", user="inf1")
    chat.send("3-2-502 王阿姨 说现在就要去银行转账", user="inf2")
    merged = chat.send("确认", user="inf2")
    assert "已有人报告" in merged and "高风险" in merged
    [report] = list_reports(state)
    assert report["informants"] == ["inf1", "inf2"] and report["risk"] == "high"
    events = [e["what"] for e in state.report_events(report["id"])]
    assert events == ["filed", "merged"]


def test_group_notice_masks_numbers(chat, state):
    bind(chat, state, "inf1")
    chat.send("3栋2单元502 王阿姨 要去银行转账 她电话13812345678", user="inf1")
    chat.send("确认", user="inf1")
    [report] = list_reports(state)
    boxes = outbox_for(state, report["id"])
    assert "138****5678" in boxes["wrOgAAAA1"][0] and "13812345678" not in boxes["wrOgAAAA1"][0]
    assert "13812345678" in boxes["zhangsan"][0]  # the grid's own staff need the number


def test_resident_in_danger_is_warned_and_can_ask_for_help(chat, state):
    warning = chat.send("他让我下载会议软件，说我涉嫌洗钱", user="res1")
    assert warning.startswith("⚠️") and "回复 1" in warning and "96110" in warning
    assert "几栋" in chat.send("1", user="res1")
    assert "已通知网格员" in chat.send("3栋2单元", user="res1")
    [report] = list_reports(state)
    assert report["risk"] == "high" and report["source"] == "resident" and report["grid"] == "g1"


def test_resident_with_known_home_gets_help_at_once(chat, state):
    assert "记下了" in chat.send("我住7栋2单元", user="res2")
    chat.send("我已经转了两万块给对方", user="res2")
    assert "已通知网格员" in chat.send("1", user="res2")
    [report] = list_reports(state)
    assert report["grid"] == "g2" and report["building"] == "7栋"


def test_danger_offer_lets_other_messages_through(chat, state):
    chat.send("他让我下载会议软件", user="res3")
    assert "反诈哨兵" in chat.send("帮助", user="res3")
    assert list_reports(state) == []


def test_reports_and_outbox_cli(chat, state, redis_url, community_id):
    bind(chat, state, "inf1")
    chat.send(ONE_SHOT, user="inf1")
    chat.send("确认", user="inf1")
    env = {"REDIS_URL": redis_url, "COMMUNITY_ID": community_id, "PATH": "/usr/bin:/bin"}

    def run(*args):
        result = subprocess.run(
            [sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    [listed] = json.loads(run("bot.scripts.reports", "list", "--json", "--status", "open"))
    assert listed["risk"] == "high" and listed["grid"] == "g1" and listed["informants"] == ["inf1"]
    assert listed["deadline_at"] and listed["status"] == "open"
    shown = json.loads(run("bot.scripts.reports", "show", listed["id"], "--json"))
    assert [e["what"] for e in shown["events"]] == ["filed"]
    notices = json.loads(run("bot.scripts.outbox", "list", "--json"))
    assert {n["recipient"] for n in notices} >= {"zhangsan", "duty01"}
    code = run("bot.scripts.invite", "--building", "三号楼").strip().splitlines()[-1]
    assert "绑定成功" in chat.send(f"绑定 {code}", user="inf9")
