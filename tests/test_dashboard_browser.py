"""The dashboard in a real browser: live board, claim over WeCom, close, figures, permissions."""

from __future__ import annotations

import random
import time
import urllib.error
import urllib.request

import pytest

from bot.dashboard.figures import day_of
from bot.dashboard.passwords import hash_password
from bot.messages import CheckTally
from bot.playground.wxclient import WeChatServer, WeComServer
from tests.browser import LiveServer, screenshot
from tests.conftest import (
    AES_KEY,
    APP_ID,
    TOKEN,
    WECOM_AES_KEY,
    WECOM_CORP_ID,
    WECOM_TOKEN,
    Chat,
    StaffChat,
    file_report,
)

PASSWORD = "night shift 2026"
MEDIUM = "5栋1单元301 刘阿姨 点了陌生短信里的链接 还把验证码告诉了对方"
LOW = "9栋3单元201 陈大爷 最近频繁接到陌生电话 有点焦虑"
G2_HIGH = "6栋1单元302 李大爷 接到陌生电话 说要去银行转账"


class Http:
    """What Chat / StaffChat need from a client, over real HTTP to the live server."""

    class Answer:
        def __init__(self, status: int, body: bytes):
            self.status_code, self.body = status, body

        def get_data(self, as_text: bool = False):
            return self.body.decode() if as_text else self.body

    def __init__(self, base: str):
        self.base = base

    def post(self, path: str, data: bytes, content_type: str) -> Answer:
        request = urllib.request.Request(self.base + path, data=data, headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return self.Answer(response.status, response.read())
        except urllib.error.HTTPError as error:
            return self.Answer(error.code, error.read())


@pytest.fixture
def app(make_app):
    app = make_app(clock=time.time)  # real time: the countdowns tick in the browser
    state = app.extensions["fanzha"].ctx.state
    for user in ("duty01", "zhangsan", "sunqi"):
        state.set_password_record(user, hash_password(PASSWORD), time.time())
    return app


@pytest.fixture
def live(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def state(app):
    return app.extensions["fanzha"].ctx.state


@pytest.fixture
def chat(live) -> Chat:
    return Chat(Http(live.url), WeChatServer(token=TOKEN, app_id=APP_ID, aes_key=AES_KEY, clock=time.time))


@pytest.fixture
def staff(live) -> StaffChat:
    wecom = WeComServer(token=WECOM_TOKEN, corp_id=WECOM_CORP_ID, aes_key=WECOM_AES_KEY, clock=time.time)
    return StaffChat(Http(live.url), wecom)


def sign_in(browser, live, user: str, width: int = 1280, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page.requests_seen = []
    page.problems = []
    page.on("request", lambda request: page.requests_seen.append(request.url))
    page.on("console", lambda message: page.problems.append(message.text) if message.type == "error" else None)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live.url + "/dashboard")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#board")
    return page


def row(page, rid: str):
    return page.locator(f'#rows tr[data-id="{rid}"]')


def all_local(page, live) -> bool:
    return all(url.startswith(live.url) or url.startswith("data:") for url in page.requests_seen)


def seed_history(state, registry, now: float, count: int = 36) -> None:
    """Eight weeks of handled reports, resident checks and informants, so the figures have a shape."""
    rng = random.Random(7)
    outcomes = [("dissuaded", 0.5), ("false_alarm", 0.2), ("family_contacted", 0.15), ("lost_reported", 0.1),
                ("unreachable", 0.05)]
    for i in range(count):
        grid = rng.choice(registry.grids)
        risk = rng.choices(["high", "medium", "low"], [0.4, 0.4, 0.2])[0]
        created = now - rng.uniform(1, 56) * 86400
        report = {"id": f"H{i + 1}", "status": "open", "risk": risk, "source": "informant",
                  "building": rng.choice(grid.buildings), "unit": f"{rng.randint(1, 4)}单元", "room": None,
                  "person": "", "situation": "（历史数据）", "grid": grid.id, "household": f"seed{i}",
                  "created_at": created, "deadline_at": created + registry.contact_within[risk],
                  "claimed_by": None, "informants": [f"seed_inf{i % 5}"]}
        state.save_report(report, {"at": created, "by": f"seed_inf{i % 5}", "what": "filed", "risk": risk}, [])
        claimer = grid.leader.wecom
        claimed, contacted = created + rng.uniform(60, 900), created + rng.uniform(300, 2400)
        state.update_report(report["id"], {"status": "claimed", "claimed_by": claimer, "claimed_at": claimed},
                            {"at": claimed, "by": claimer, "what": "claimed"}, [])
        state.update_report(report["id"], {"status": "contacted", "contacted_at": contacted},
                            {"at": contacted, "by": claimer, "what": "contacted"}, [])
        outcome = rng.choices([o for o, _ in outcomes], [w for _, w in outcomes])[0]
        amount = rng.choice([5000, 12000, 20000, 36000, 80000]) if outcome in ("dissuaded", "lost_reported") else 0
        state.update_report(report["id"], {
            "status": "closed", "closed_at": contacted + 600, "closed_by": claimer, "outcome": outcome,
            "amount_saved": amount if outcome == "dissuaded" else 0,
            "amount_lost": amount if outcome == "lost_reported" else 0,
        }, {"at": contacted + 600, "by": claimer, "what": "closed", "outcome": outcome, "amount": amount}, [])
    types = ["fake_police", "task_rebate", "investment", "fake_customer_service", "phishing_sms", "fake_loan"]
    for back in range(30):
        day = day_of(now - back * 86400)
        for k in range(rng.randint(4, 18)):
            verdict = rng.choices(["scam", "suspicious", "safe"], [0.35, 0.2, 0.45])[0]
            tally = CheckTally(day, verdict, rng.choice(types) if verdict != "safe" else None)
            state.save_reply(f"seed:{day}:{k}", '{"text": ""}', 3600, tally)
    for i in range(6):
        state.bind_informant(f"seed_inf{i}", rng.choice(registry.buildings), now)


def make_overdue(state, rid: str) -> None:
    """What the worker's escalation ladder does when nobody claims in time."""
    now = time.time()
    state.update_report(rid, {"overdue": True, "deadline_at": now - 95},
                        {"at": now, "by": "system", "what": "escalated", "step": 1, "notify": ["duty01"]}, [])


def saved_kpi(page) -> str:
    return page.locator(".kpis li.good b").inner_text()


@pytest.mark.parametrize("width,height,name", [(1280, 900, "wide"), (390, 844, "phone")])
def test_live_board_claim_close_and_figures(browser, live, app, state, chat, staff, width, height, name):
    registry = app.extensions["fanzha"].ctx.registry()
    seed_history(state, registry, time.time())
    page = sign_in(browser, live, "duty01", width, height)
    page.wait_for_selector("#live:not(.down) #live-text:has-text('实时')")

    # A report filed through /wechat appears without a reload, within 2 s of the webhook's answer.
    rid = file_report(chat, state)
    filed_at = time.monotonic()
    row(page, rid).wait_for(timeout=2000)
    appeared = time.monotonic() - filed_at
    print(f"\n{name}: {rid} on the board {appeared * 1000:.0f} ms after the webhook answered")
    assert appeared < 2.0
    assert "待认领" in row(page, rid).inner_text() and "3栋2单元502" in row(page, rid).inner_text()

    # Claimed through /wecom: the board changes by itself.
    assert "您已认领" in staff.send(f"认领 {rid}", user="zhangsan")
    page.locator(f'#rows tr[data-id="{rid}"]:has-text("张三")').wait_for(timeout=2000)
    assert "已认领" in row(page, rid).inner_text()

    # Some company on the board for the screenshot: medium, low, and one overdue.
    others = [file_report(chat, state, MEDIUM, user="inf5", building="5栋"),
              file_report(chat, state, LOW, user="inf9", building="9栋")]
    make_overdue(state, others[0])
    page.wait_for_selector(f'#rows tr.overdue[data-id="{others[0]}"]', timeout=3000)
    assert page.locator("#rows tr").first.get_attribute("data-id") == others[0]  # least time left on top
    page.wait_for_timeout(1100)  # let the countdowns tick once
    assert "超时" in page.locator("#rows tr").first.inner_text()
    screenshot(page, f"dashboard-board-{name}")

    page.goto(live.url + "/dashboard/figures")
    before = saved_kpi(page)
    page.goto(live.url + f"/dashboard/reports/{rid}")
    screenshot(page, f"dashboard-report-{name}")
    page.select_option("select[name=outcome]", "1")
    page.fill("input[name=amount]", "50000")
    page.click("form.close-form button[type=submit]")
    page.wait_for_selector(".flash.ok")
    assert "已结案" in page.locator(".flash.ok").inner_text()
    assert "结案" in page.locator(".history").inner_text() and "值班员周敏" in page.locator(".history").inner_text()

    page.goto(live.url + "/dashboard/figures")
    after = saved_kpi(page)
    assert before != after, (before, after)
    assert float(after.rstrip("万元")) == pytest.approx(float(before.rstrip("万元")) + 5.0, abs=0.11)
    screenshot(page, f"dashboard-figures-{name}")
    page.goto(live.url + "/dashboard")
    row(page, others[0]).wait_for(timeout=2000)
    assert row(page, rid).count() == 0  # closed: off the board
    assert all_local(page, live), [u for u in page.requests_seen if not u.startswith(live.url)]
    assert not page.problems, page.problems  # no script errors, no CSP refusals


def test_grid_leader_sees_only_their_grid(browser, live, state, chat):
    mine = file_report(chat, state, G2_HIGH, user="inf6", building="6栋")
    theirs = file_report(chat, state)  # 3栋: the first grid
    page = sign_in(browser, live, "sunqi")
    row(page, mine).wait_for(timeout=3000)
    page.wait_for_timeout(1600)  # at least one more poll
    assert row(page, theirs).count() == 0
    assert "第二网格" in page.locator(".fixed-grid").inner_text()
    page.goto(live.url + f"/dashboard/reports/{theirs}")
    assert "王阿姨" not in page.content()
    response = page.request.get(live.url + "/dashboard/api/board?grid=g1")
    assert theirs not in response.text() and mine in response.text()


def test_signed_out_browser_sees_nothing(browser, live, state, chat):
    rid = file_report(chat, state)
    page = browser.new_page()
    for path in ("/dashboard", f"/dashboard/reports/{rid}", "/dashboard/figures", "/dashboard/library"):
        page.goto(live.url + path)
        assert "/dashboard/login" in page.url and "王阿姨" not in page.content() and rid not in page.inner_text("main")
    response = page.request.get(live.url + "/dashboard/api/board")
    assert response.status == 401 and rid not in response.text()
    screenshot(page, "dashboard-login")
