"""Grid staff in WeCom: verification, claiming (one winner), contact, closing, listing, permissions."""

from __future__ import annotations

import threading
from urllib.parse import urlencode

import pytest
import redis

from bot.config import ROOT
from bot.playground.wxclient import signature
from bot.reports.query import list_reports
from tests.conftest import WECOM_AES_KEY, Chat, file_report


@pytest.fixture
def state(app):
    return app.extensions["fanzha"].ctx.state


def outbox(state, rid: str, channel: str | None = None) -> list[dict]:
    return [e for e in state.outbox() if e["report_id"] == rid and (channel is None or e["channel"] == channel)]


def test_get_verification_answers_the_decrypted_echostr(app, wecom):
    query = wecom.verification("echo-plain-123")
    response = app.test_client().get("/wecom?" + urlencode(query))
    assert response.status_code == 200 and response.get_data(as_text=True) == "echo-plain-123"
    forged = {**query, "msg_signature": "0" * 40}
    assert app.test_client().get("/wecom?" + urlencode(forged)).status_code == 403


def test_bad_callbacks_are_refused(app, wecom, staff):
    delivery = wecom.deliver(wecom.text("zhangsan", "列表"))
    client = app.test_client()
    assert client.post(delivery.path_with_query, data=b"<xml><A>1</A></xml>").status_code == 400
    forged = {**delivery.query, "msg_signature": "f" * 40}
    assert client.post("/wecom?" + urlencode(forged), data=delivery.body).status_code == 403


def test_claim_by_text_then_others_see_who_has_it(chat, staff, state):
    rid = file_report(chat, state)
    won = staff.send(f"认领 {rid}", user="lisi")
    assert f"您已认领 {rid}" in won and "王阿姨" in won
    assert "李四" in staff.send(f"认领 {rid[1:]}", user="zhangsan")
    [report] = list_reports(state)
    assert report["status"] == "claimed" and report["claimed_by"] == "lisi"
    [update] = outbox(state, rid, "wecom_card_update")
    assert "已由 李四 认领" in update["content"]
    assert {e["kind"] for e in outbox(state, rid, "wecom_app")} == {"dissuasion_card"}
    assert any("李四" in e["content"] for e in outbox(state, rid, "wecom_group"))


def test_claim_by_card_click(chat, staff, state):
    rid = file_report(chat, state)
    assert "您已认领" in staff.click(f"claim:{rid}", user="zhangsan", task_id=f"{rid}-0")
    assert list_reports(state)[0]["claimed_by"] == "zhangsan"


def test_who_may_claim(chat, staff, state):
    rid = file_report(chat, state)
    assert "第一网格" in staff.send(f"认领 {rid}", user="sunqi")  # leader of another grid
    assert "名单" in staff.send(f"认领 {rid}", user="stranger")
    assert "名单" in staff.send("列表", user="stranger")
    assert "您已认领" in staff.send(f"认领 {rid}", user="duty02")  # duty officers may take any
    assert "没有找到" in staff.send("认领 R999", user="zhangsan")


@pytest.fixture
def big_grid(tmp_path, make_app):
    """A grid with 50 volunteers, so that 50 different people can click at once."""
    volunteers = ", ".join(f"{{wecom: v{i:02d}, name: 志愿者{i:02d}}}" for i in range(50))
    text = (ROOT / "community.example.yaml").read_text(encoding="utf-8")
    text = text.replace("volunteers: [{wecom: zhaoliu, name: 赵六}]", f"volunteers: [{volunteers}]")
    path = tmp_path / "community.yaml"
    path.write_text(text, encoding="utf-8")
    return make_app(community_file=str(path))


def test_fifty_simultaneous_claims_one_winner(big_grid, wechat, wecom):
    app = big_grid
    state = app.extensions["fanzha"].ctx.state
    rid = file_report(Chat(app.test_client(), wechat), state)
    users = [f"v{i:02d}" for i in range(50)]
    replies: list[str] = []
    barrier = threading.Barrier(len(users))

    def click(user: str) -> None:
        client = app.test_client()
        delivery = wecom.deliver(wecom.card_click(user, f"claim:{rid}", f"{rid}-0"))
        barrier.wait()
        response = client.post(delivery.path_with_query, data=delivery.body)
        replies.append(wecom.read_reply(response.get_data()).get("Content", ""))

    threads = [threading.Thread(target=click, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [r for r in replies if "您已认领" in r]
    assert len(winners) == 1 and len(replies) == 50
    assert sum("已由" in r for r in replies) == 49
    assert len(outbox(state, rid, "wecom_card_update")) == 1
    assert [e["what"] for e in state.report_events(rid)].count("claimed") == 1


def test_contact_and_close_with_amount(chat, staff, state):
    rid = file_report(chat, state)
    staff.send(f"认领 {rid}", user="lisi")
    assert "已记录" in staff.send(f"已联系 {rid}", user="lisi")
    assert "结果编号" in staff.send(f"结案 {rid}", user="lisi")
    assert "避免了多少" in staff.send("1", user="lisi")
    assert "没看懂金额" in staff.send("很多", user="lisi")
    closed = staff.send("2万", user="lisi")
    assert "劝阻成功" in closed and "20,000" in closed
    report = state.get_report(rid)
    assert report["status"] == "closed" and report["amount_saved"] == 20000
    [told] = outbox(state, rid, "mp_text")
    assert told["recipient"] == "inf1" and "劝阻成功" in told["content"] and "王阿姨" not in told["content"]
    assert state.scheduled(rid) == []
    assert [e["what"] for e in state.report_events(rid)] == ["filed", "claimed", "contacted", "closed"]


def test_close_in_one_line_and_cancel(chat, staff, state):
    rid = file_report(chat, state)
    staff.send(f"结案 {rid}", user="zhangsan")
    assert "没有结案" in staff.send("取消", user="zhangsan")
    assert "误报" in staff.send(f"结案 {rid} 3", user="zhangsan")
    assert "已经结案" in staff.send(f"认领 {rid}", user="lisi")


def test_release_and_transfer(chat, staff, state):
    rid = file_report(chat, state)
    staff.send(f"认领 {rid}", user="lisi")
    assert "李四" in staff.send(f"释放 {rid}", user="wangwu")  # not the claimer
    assert "已释放" in staff.send(f"释放 {rid}", user="lisi")
    assert state.get_report(rid)["status"] == "open"
    # first the grid's staff and (HIGH) the duty officers, then the whole grid again
    assert len(outbox(state, rid, "wecom_card")) == 5 + 4
    staff.send(f"认领 {rid}", user="lisi")
    assert "不是可以处理" in staff.send(f"转派 {rid} sunqi", user="lisi")
    assert "赵六" in staff.send(f"转派 {rid} zhaoliu", user="lisi")
    assert state.get_report(rid)["claimed_by"] == "zhaoliu"


@pytest.fixture
def failing_write(monkeypatch):
    """fail(): the next Redis transaction fails (a failover, a dropped connection) before it runs."""
    armed = []
    execute = redis.client.Pipeline.execute

    def maybe_fail(self, *args, **kwargs):
        if armed:
            armed.clear()
            raise redis.ConnectionError("Redis went away")
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", maybe_fail)
    return lambda: armed.append(True)


def test_a_claim_cut_short_leaves_nothing_half_done(chat, staff, state, failing_write):
    """Taking the report and recording the claim are one transaction: after a failed 认领 the report
    is still open to everyone, and the same 认领 again claims it (not "it is already yours")."""
    rid = file_report(chat, state)
    failing_write()
    assert "您已认领" not in staff.send(f"认领 {rid}", user="lisi")
    assert state.claimer(rid) is None and state.get_report(rid)["status"] == "open"
    assert "您已认领" in staff.send(f"认领 {rid}", user="lisi")
    assert state.get_report(rid)["claimed_by"] == "lisi"
    assert {e["kind"] for e in outbox(state, rid, "wecom_app")} == {"dissuasion_card"}


def test_a_release_or_transfer_cut_short_leaves_the_claim_as_it_was(chat, staff, state, failing_write):
    rid = file_report(chat, state)
    staff.send(f"认领 {rid}", user="lisi")
    for command in (f"释放 {rid}", f"转派 {rid} zhaoliu"):
        failing_write()
        staff.send(command, user="lisi")
        assert state.claimer(rid) == "lisi" and state.get_report(rid)["claimed_by"] == "lisi"
    assert "已释放" in staff.send(f"释放 {rid}", user="lisi")
    assert state.claimer(rid) is None and state.get_report(rid)["status"] == "open"


def test_a_report_closed_while_someone_claims_it_stays_closed(chat, staff, state):
    """The claim looked at the report while it was open; it was closed before the claim was written."""
    rid = file_report(chat, state)
    assert "误报" in staff.send(f"结案 {rid} 3", user="zhangsan")
    event = {"at": 1.0, "by": "lisi", "what": "claimed"}
    assert state.claim_report(rid, "lisi", {"status": "claimed", "claimed_by": "lisi"}, event, []) == (False, None)
    assert state.get_report(rid)["status"] == "closed" and state.claimer(rid) is None


def test_contacting_an_unclaimed_report_takes_it(chat, staff, state):
    rid = file_report(chat, state)
    assert "已记录" in staff.send(f"已联系 {rid}", user="lisi")
    assert state.claimer(rid) == "lisi" and state.get_report(rid)["status"] == "contacted"
    assert "李四" in staff.send(f"认领 {rid}", user="zhangsan")


def test_list_and_mine(chat, staff, state):
    rid = file_report(chat, state)
    assert rid in staff.send("列表", user="wangwu")
    assert "没有" in staff.send("我的", user="wangwu")
    staff.send(f"认领 {rid}", user="wangwu")
    assert rid in staff.send("@哨兵 我的", user="wangwu")
    assert "没有未结案" in staff.send("列表", user="sunqi")  # another grid sees nothing of it


def test_help_and_unknown(staff):
    assert "认领 R7" in staff.send("帮助", user="zhangsan")
    assert "没看懂" in staff.send("你好", user="zhangsan")


def test_retried_click_is_handled_once(chat, app, wecom, state):
    rid = file_report(chat, state)
    delivery = wecom.deliver(wecom.card_click("lisi", f"claim:{rid}", f"{rid}-0", "code1"))
    client = app.test_client()
    first = client.post(delivery.path_with_query, data=delivery.body)
    second = client.post(delivery.path_with_query, data=delivery.body)
    assert wecom.read_reply(first.get_data()) == wecom.read_reply(second.get_data())
    assert len(outbox(state, rid, "wecom_card_update")) == 1



def claim_in_process(config: dict, rid: str, users: list[str]) -> list[str]:
    """Runs in a separate process: its own app, its own Redis connections, the same Redis."""
    from bot import create_app
    from bot.reports import staffing

    ctx = create_app(config).extensions["fanzha"].ctx
    return [staffing.claim(rid, user, ctx) for user in users]


def test_claims_from_several_processes_one_winner(big_grid, wechat, redis_url):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    app = big_grid
    services = app.extensions["fanzha"]
    rid = file_report(Chat(app.test_client(), wechat), services.ctx.state)
    config = {"redis_url": redis_url, "community_id": services.config.community_id,
              "community_file": services.config.community_file}
    batches = [[f"v{i:02d}" for i in range(start, 50, 4)] for start in range(4)]
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        replies = [r for batch in pool.map(claim_in_process, [config] * 4, [rid] * 4, batches) for r in batch]
    assert sum("您已认领" in r for r in replies) == 1 and len(replies) == 50
    assert len(outbox(services.ctx.state, rid, "wecom_card_update")) == 1


@pytest.fixture
def bot_side(clock):
    from bot.playground.wxclient import WeComBotServer

    return WeComBotServer(token="bottoken", aes_key=WECOM_AES_KEY, clock=clock)


def test_group_bot_claims_in_the_group(chat, make_app, wechat, bot_side):
    app = make_app(wecom_bot_token="bottoken", wecom_bot_aes_key=WECOM_AES_KEY)
    state = app.extensions["fanzha"].ctx.state
    rid = file_report(Chat(app.test_client(), wechat), state)
    client = app.test_client()

    def say(user: str, text: str) -> str:
        delivery = bot_side.deliver(bot_side.message(user, text))
        response = client.post(delivery.path_with_query, data=delivery.body)
        assert response.status_code == 200
        return bot_side.read_reply(response.get_data())["stream"]["content"]

    assert f"您已认领 {rid}" in say("zhaoliu", f"@哨兵 认领 {rid}")
    assert "赵六" in say("lisi", f"@哨兵 认领 {rid}")
    assert rid in say("zhaoliu", "@哨兵 列表")
    assert "名单" in say("outsider", "@哨兵 列表")


def test_group_bot_verification_and_bad_bodies(make_app, bot_side):
    app = make_app(wecom_bot_token="bottoken", wecom_bot_aes_key=WECOM_AES_KEY)
    client = app.test_client()
    sealed = bot_side.sealer.seal("hello-bot")
    delivery = bot_side.deliver({"msgid": "x"})
    query = {**delivery.query, "echostr": sealed}
    query["msg_signature"] = signature("bottoken", query["timestamp"], query["nonce"], sealed)
    assert client.get("/wecom/bot?" + urlencode(query)).get_data(as_text=True) == "hello-bot"
    assert client.post(delivery.path_with_query, data=b"not json").status_code == 400
    assert client.post(delivery.path_with_query, data=delivery.body).status_code == 400  # no from.userid
    forged = {**delivery.query, "msg_signature": "0" * 40}
    assert client.post("/wecom/bot?" + urlencode(forged), data=delivery.body).status_code == 403
