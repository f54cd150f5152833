"""The duty officer's dashboard, server side: sign-in, lockout, CSRF, who sees what, figures, CSV."""

from __future__ import annotations

import io
import re

import pytest

from bot.dashboard.accounts import LOCK_AFTER
from bot.dashboard.passwords import hash_password, verify_password
from bot.scripts import staff as staff_cli
from tests.conftest import file_report

PASSWORD = "correct horse 42"


@pytest.fixture
def state(app):
    return app.extensions["fanzha"].ctx.state


def csrf(client, path: str = "/dashboard/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(app, user: str, password: str = PASSWORD, address: str = "127.0.0.1", set_password: bool = True):
    state = app.extensions["fanzha"].ctx.state
    if set_password:
        state.set_password_record(user, hash_password(PASSWORD), 0)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    response = client.post("/dashboard/login", data={"user": user, "password": password,
                                                     "csrf_token": csrf(client)})
    return client, response


def board_ids(client, **filters) -> set[str]:
    response = client.get("/dashboard/api/board", query_string=filters)
    assert response.status_code == 200
    return {row["id"] for row in response.get_json()["reports"]}


# --- sign-in ---------------------------------------------------------------------------------

def test_signed_out_sees_nothing(app, chat, state):
    rid = file_report(chat, state)
    client = app.test_client()
    for path in ("/dashboard", "/dashboard/", f"/dashboard/reports/{rid}", "/dashboard/figures",
                 "/dashboard/export.csv", "/dashboard/library", "/dashboard/registry"):
        response = client.get(path)
        assert response.status_code in (302, 308), path
        assert "/dashboard/login" in response.headers["Location"] or response.status_code == 308
    response = client.get("/dashboard/api/board")
    assert response.status_code == 401 and rid not in response.get_data(as_text=True)


def test_sign_in_with_the_password_set_by_the_cli(app, redis_url, community_id, monkeypatch, capsys):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("COMMUNITY_ID", community_id)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert staff_cli.main(["set-password", "duty01"]) == 0
    assert "值班员周敏" in capsys.readouterr().out
    record = app.extensions["fanzha"].ctx.state.password_record("duty01")
    assert record.startswith("scrypt$") and PASSWORD not in record and verify_password(PASSWORD, record)

    client, response = sign_in(app, "duty01", set_password=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert client.get("/dashboard/").status_code == 200


def test_cli_refuses_staff_without_dashboard_accounts_and_short_passwords(redis_url, community_id, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("COMMUNITY_ID", community_id)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert staff_cli.main(["set-password", "lisi"]) == 2  # a 预警专员: WeCom only
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert staff_cli.main(["set-password", "zhangsan"]) == 2


def test_wrong_password_and_unknown_user_are_refused_alike(app):
    _, wrong = sign_in(app, "duty01", password="not the password")
    _, unknown = sign_in(app, "nobody", set_password=False)
    assert wrong.status_code == unknown.status_code == 401
    assert "账号或密码不对" in wrong.get_data(as_text=True) and "账号或密码不对" in unknown.get_data(as_text=True)


def test_lockout_after_five_failures_per_account(app, state):
    for _ in range(LOCK_AFTER):
        assert sign_in(app, "duty01", password="guess", address="10.0.0.1")[1].status_code == 401
    _, response = sign_in(app, "duty01", address="10.0.0.2")  # the right password, from elsewhere
    assert response.status_code == 429 and "15 分钟" in response.get_data(as_text=True)
    failures, ttl = state.login_failures("user:duty01")
    assert failures == LOCK_AFTER and 0 < ttl <= 15 * 60
    assert sign_in(app, "zhangsan", address="10.0.0.3")[1].status_code == 302  # others unaffected


def test_lockout_per_address(app):
    for user in ("duty01", "duty02", "zhangsan", "sunqi", "chenyi"):
        sign_in(app, user, password="guess", address="10.0.0.9")
    assert sign_in(app, "duty02", address="10.0.0.9")[1].status_code == 429
    assert sign_in(app, "duty02", address="10.0.0.10")[1].status_code == 302


def test_password_change_ends_earlier_sessions(app, state):
    client, _ = sign_in(app, "duty01")
    assert client.get("/dashboard/api/board").status_code == 200
    state.set_password_record("duty01", hash_password("a new password"), 1)
    assert client.get("/dashboard/api/board").status_code == 401


def test_only_duty_and_grid_leaders_may_sign_in(app):
    assert sign_in(app, "lisi")[1].status_code == 401  # 预警专员 with a record somehow: still no


def test_next_never_leaves_the_dashboard(app):
    app.extensions["fanzha"].ctx.state.set_password_record("duty01", hash_password(PASSWORD), 0)
    for target in ("//evil.example/x", "https://evil.example/", "/dashboard/figures"):
        client = app.test_client()
        response = client.post("/dashboard/login", data={"user": "duty01", "password": PASSWORD,
                                                         "next": target, "csrf_token": csrf(client)})
        location = response.headers["Location"]
        assert "evil" not in location
    assert location.endswith("/dashboard/figures")


def test_demo_sign_in_only_in_local_mode(make_app):
    production = make_app()
    client = production.test_client()
    assert "本地体验" not in client.get("/dashboard/login").get_data(as_text=True)
    response = client.post("/dashboard/login/demo", data={"user": "duty01", "csrf_token": csrf(client)})
    assert response.status_code == 404
    assert client.get("/dashboard/api/board").status_code == 401

    local = make_app(local_mode=True)
    client = local.test_client()
    assert "本地体验" in client.get("/dashboard/login").get_data(as_text=True)
    response = client.post("/dashboard/login/demo", data={"user": "duty01", "csrf_token": csrf(client)})
    assert response.status_code == 302 and client.get("/dashboard/api/board").status_code == 200
    assert "Secure" not in response.headers["Set-Cookie"]  # plain http on the local machine


def test_every_web_process_shares_the_session_secret(make_app, app):
    client, _ = sign_in(app, "duty01")
    other = make_app()  # a second process: same Redis, same community, its own app object
    cookie = client.get_cookie("fz_dashboard")
    second = other.test_client()
    second.set_cookie("fz_dashboard", cookie.value)
    assert second.get("/dashboard/api/board").status_code == 200


# --- CSRF ------------------------------------------------------------------------------------

def test_posts_without_the_csrf_token_are_refused(app, chat, state):
    rid = file_report(chat, state)
    client, _ = sign_in(app, "duty01")
    before = len(state.report_events(rid))
    for token in (None, "forged-token"):
        data = {"note": "hello"} | ({"csrf_token": token} if token else {})
        assert client.post(f"/dashboard/reports/{rid}/note", data=data).status_code == 403
        assert client.post(f"/dashboard/reports/{rid}/claim", data=data).status_code == 403
    assert len(state.report_events(rid)) == before and state.get_report(rid)["status"] == "open"
    token = csrf(client, f"/dashboard/reports/{rid}")
    assert client.post(f"/dashboard/reports/{rid}/note", headers={"X-CSRF-Token": token},
                       data={"note": "by header"}).status_code == 302
    fresh = app.test_client()
    refused = fresh.post("/dashboard/login", data={"user": "duty01", "password": PASSWORD})
    assert refused.status_code == 403 and "页面已过期" in refused.get_data(as_text=True)


# --- who sees what ---------------------------------------------------------------------------

def test_grid_leader_sees_only_their_grid(app, chat, state):
    g1 = file_report(chat, state)  # 3栋: 第一网格
    g2 = file_report(chat, state, text="6栋1单元302 李大爷 接到陌生电话 说要去银行转账", user="inf2", building="6栋")
    duty, _ = sign_in(app, "duty01")
    zhangsan, _ = sign_in(app, "zhangsan")  # leader of g1
    sunqi, _ = sign_in(app, "sunqi")  # leader of g2
    assert board_ids(duty) == {g1, g2} and board_ids(duty, grid="g2") == {g2}
    assert board_ids(zhangsan) == {g1} and board_ids(zhangsan, grid="g2") == {g1}  # filter cannot widen
    assert board_ids(sunqi) == {g2}
    assert sunqi.get(f"/dashboard/reports/{g1}").status_code == 404
    token = csrf(sunqi, f"/dashboard/reports/{g2}")
    assert sunqi.post(f"/dashboard/reports/{g1}/claim", data={"csrf_token": token}).status_code == 404
    assert state.get_report(g1)["status"] == "open"
    assert g1 not in sunqi.get("/dashboard/export.csv?from=2000-01-01&to=2100-01-01").get_data(as_text=True)
    assert "王阿姨" in zhangsan.get(f"/dashboard/reports/{g1}").get_data(as_text=True)


def test_resident_text_is_escaped(app, chat, state):
    rid = file_report(chat, state, text='3栋2单元502 <script>alert(1)</script> 情绪焦虑 要去银行转账 "x"')
    client, _ = sign_in(app, "duty01")
    page = client.get(f"/dashboard/reports/{rid}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "script-src 'self'" in client.get(f"/dashboard/reports/{rid}").headers["Content-Security-Policy"]


# --- actions ---------------------------------------------------------------------------------

def test_actions_are_events_by_the_signed_in_person(app, chat, state):
    rid = file_report(chat, state)
    client, _ = sign_in(app, "duty01")
    token = csrf(client, f"/dashboard/reports/{rid}")

    def act(action: str, **data):
        response = client.post(f"/dashboard/reports/{rid}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == 302
        return client.get(response.headers["Location"]).get_data(as_text=True)

    assert "已认领" in act("claim")
    assert "已添加备注" in act("note", note="女儿电话 138 已通知")
    assert "李四" in act("transfer", target="lisi")
    assert state.get_report(rid)["claimed_by"] == "lisi"
    assert "没看懂" in act("close", outcome="1", amount="两万")
    page = act("close", outcome="1", amount="2万")
    assert "已结案" in page and "劝阻成功" in page
    report = state.get_report(rid)
    assert report["status"] == "closed" and report["amount_saved"] == 20000 and report["closed_by"] == "duty01"
    events = [(e["what"], e["by"]) for e in state.report_events(rid)]
    assert [e for e in events if e[1] == "duty01"] == [
        ("claimed", "duty01"), ("note", "duty01"), ("transferred", "duty01"), ("closed", "duty01")]
    assert "女儿电话" in page and "转给 李四" in page


def test_grid_leader_follows_the_wecom_rules(app, chat, state, staff):
    rid = file_report(chat, state)
    staff.send(f"认领 {rid}", user="lisi")
    client, _ = sign_in(app, "zhangsan")
    token = csrf(client, f"/dashboard/reports/{rid}")
    response = client.post(f"/dashboard/reports/{rid}/transfer", data={"csrf_token": token, "target": "wangwu"})
    assert "只有认领人或值班员" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert state.get_report(rid)["claimed_by"] == "lisi"


# --- library and registry ----------------------------------------------------------------------

def test_library_and_registry_pages(app):
    client, _ = sign_in(app, "duty01")
    page = client.get("/dashboard/library").get_data(as_text=True)
    assert "有效" in page and "说法" in page
    token = csrf(client, "/dashboard/library")
    checked = client.post("/dashboard/library/check", data={
        "csrf_token": token, "text": "您好，我是公安局民警，您的账户涉嫌洗钱，请把资金转入安全账户"}).get_data(as_text=True)
    assert "诈骗" in checked and "居民会收到的回复" in checked
    registry = client.get("/dashboard/registry").get_data(as_text=True)
    assert "第一网格" in registry and "张三" in registry and "值班员周敏" in registry
