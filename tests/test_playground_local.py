"""`make run`'s local world: fake WeCom behind the worker, staff buttons, and a movable clock."""

from __future__ import annotations

import time

import pytest

from bot.playground.local import create_local_app


@pytest.fixture
def local(redis_url, community_id):
    app = create_local_app({"redis_url": redis_url, "community_id": community_id})
    world = app.extensions["fanzha_local"]
    yield app, world
    world.worker.stop.set()
    world.fake.stop()


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def staff_cards(client, user: str) -> list[dict]:
    boxes = client.get("/playground/staffroom").get_json()["inboxes"]
    mine = next((b for b in boxes if b["user"] == user), {"items": []})
    return [item for item in mine["items"] if item["type"] == "card"]


def test_report_reaches_staff_cards_and_a_click_claims_it(local):
    app, world = local
    client = app.test_client()
    code = client.post("/playground/invite", json={"building": "3栋"}).get_json()["code"]
    client.post("/playground/send", json={"user": "inf", "text": f"绑定 {code}"})
    client.post("/playground/send", json={"user": "inf", "text": "3栋2单元502 王阿姨 说要去银行转账"})
    assert "报告编号" in client.post("/playground/send", json={"user": "inf", "text": "确认"}).get_json()["reply"]
    wait_for(lambda: staff_cards(client, "lisi"))  # every card out before anyone claims
    [card] = wait_for(lambda: staff_cards(client, "zhangsan"))
    assert card["buttons"][0]["text"] == "认领" and card["label"] is None
    reply = client.post("/playground/staffroom/act", json={"user": "zhangsan", "key": card["buttons"][0]["key"],
                                                          "task_id": card["task_id"]}).get_json()["reply"]
    assert "您已认领" in reply
    wait_for(lambda: staff_cards(client, "lisi") and staff_cards(client, "lisi")[0]["label"])
    assert "张三" in staff_cards(client, "lisi")[0]["label"]


def test_moving_the_clock_escalates(local):
    app, world = local
    client = app.test_client()
    code = client.post("/playground/invite", json={"building": "5栋"}).get_json()["code"]
    client.post("/playground/send", json={"user": "inf", "text": f"绑定 {code}"})
    client.post("/playground/send", json={"user": "inf", "text": "5栋1单元301 李大爷 一直在打电话 要去银行转账"})
    client.post("/playground/send", json={"user": "inf", "text": "确认"})
    moved = client.post("/playground/clock", json={"minutes": 4}).get_json()
    assert moved["offset_minutes"] == 4
    boxes = client.get("/playground/staffroom").get_json()["inboxes"]
    texts = [i["text"] for b in boxes if b["user"] == "wujiu" for i in b["items"] if i["type"] == "text"]
    assert any("无人认领" in t for t in texts)
    assert client.post("/playground/clock", json={"minutes": -5}).status_code == 400
