"""Who may do what: every command as every role. Unregistered people can neither claim, see nor list."""

from __future__ import annotations

import pytest

from tests.conftest import file_report

STAFF_COMMANDS = ["认领 {rid}", "已联系 {rid}", "释放 {rid}", "结案 {rid} 3", "转派 {rid} lisi", "列表", "我的"]
REFUSED = {"stranger": "名单", "other_grid": "第一网格"}
WECOM_USERS = {"stranger": "outsider", "other_grid": "sunqi", "this_grid": "wangwu", "duty": "duty01"}


@pytest.fixture
def rid(chat, app):
    return file_report(chat, app.extensions["fanzha"].ctx.state)


@pytest.mark.parametrize("role", ["stranger", "other_grid"])
@pytest.mark.parametrize("command", STAFF_COMMANDS)
def test_outsiders_cannot_act_on_or_see_a_report(staff, app, rid, role, command):
    reply = staff.send(command.format(rid=rid), user=WECOM_USERS[role])
    assert "王阿姨" not in reply and "502" not in reply
    if role == "stranger":
        assert REFUSED["stranger"] in reply
    elif command.startswith(("列表", "我的")):
        assert rid not in reply
    else:
        assert REFUSED["other_grid"] in reply
    report = app.extensions["fanzha"].ctx.state.get_report(rid)
    assert report["status"] == "open" and report["claimed_by"] is None


@pytest.mark.parametrize("role", ["this_grid", "duty"])
def test_grid_staff_and_duty_officers_may_act(staff, app, rid, role):
    user = WECOM_USERS[role]
    assert rid in staff.send("列表", user=user)
    assert "您已认领" in staff.send(f"认领 {rid}", user=user)
    assert "已记录" in staff.send(f"已联系 {rid}", user=user)
    assert "已结案" in staff.send(f"结案 {rid} 3", user=user)
    assert app.extensions["fanzha"].ctx.state.get_report(rid)["status"] == "closed"


@pytest.mark.parametrize("command", ["认领 {rid}", "列表", "我的", "结案 {rid} 1", "报告"])
def test_residents_on_the_official_account_see_no_reports(chat, rid, command):
    reply = chat.send(command.format(rid=rid), user="plain_resident")
    assert "王阿姨" not in reply and "3栋2单元502" not in reply


def test_residents_cannot_file_about_others_but_informants_can(chat, app):
    state = app.extensions["fanzha"].ctx.state
    text = "5栋1单元301 李大爷 说要去银行转账"
    assert "信息员" in chat.send(text, user="plain_resident")
    state.create_invite("ROLE01", "5栋", 600)
    chat.send("绑定 ROLE01", user="bound_informant")
    assert "请确认" in chat.send(text, user="bound_informant")


def test_informants_cannot_use_staff_commands_on_the_official_account(chat, app, rid):
    reply = chat.send(f"认领 {rid}", user="inf1")  # inf1 filed it; still not staff
    assert "您已认领" not in reply
    assert app.extensions["fanzha"].ctx.state.get_report(rid)["claimed_by"] is None
