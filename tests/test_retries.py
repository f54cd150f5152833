"""WeChat retries a message it got no answer to: each message is handled once, every try answered."""

from __future__ import annotations

import time

from bot.router import Route
from tests.conftest import deliver_at_once

SCAM = "您的账户涉嫌洗钱，请立即把资金转入安全账户配合调查，不要告诉家人"


def count_handler_calls(app, route_name: str, delay: float = 0.0) -> list[str]:
    """Wrap one route's handler so the test sees every time it really runs."""
    router = app.extensions["fanzha"].router
    calls: list[str] = []
    for index, route in enumerate(router.routes):
        if route.name == route_name:

            def handle(msg, ctx, original=route.handle):
                calls.append(msg.msg_id)
                time.sleep(delay)
                return original(msg, ctx)

            router.routes[index] = Route(route.name, route.when, handle)
    return calls


def test_sequential_retry_gets_the_cached_reply(app, chat, wechat):
    calls = count_handler_calls(app, "scam_check")
    delivery = wechat.deliver(wechat.text("u1", SCAM, MsgId=7001))
    first = chat.post(delivery)
    second = chat.post(delivery)
    assert wechat.read_reply(first.get_data())["Content"] == wechat.read_reply(second.get_data())["Content"]
    assert calls == ["mp:7001"]


def test_five_concurrent_deliveries_run_the_handler_once(app, wechat):
    calls = count_handler_calls(app, "scam_check", delay=0.4)
    replies = deliver_at_once(app, wechat, wechat.deliver(wechat.text("u1", SCAM, MsgId=7002)), times=5)
    assert calls == ["mp:7002"]
    assert len(replies) == 5 and len(set(replies)) == 1 and "诈骗" in replies[0]


def test_retry_reaching_another_process_is_still_handled_once(make_app, wechat):
    first_app, second_app = make_app(), make_app()  # two web processes, one Redis
    calls_first = count_handler_calls(first_app, "scam_check")
    calls_second = count_handler_calls(second_app, "scam_check")
    delivery = wechat.deliver(wechat.text("u1", SCAM, MsgId=7003))
    for app in (first_app, second_app):
        app.test_client().post(delivery.path_with_query, data=delivery.body)
    assert len(calls_first) + len(calls_second) == 1


def test_distinct_messages_are_each_handled(app, chat):
    calls = count_handler_calls(app, "scam_check")
    chat.send(SCAM, user="a")
    chat.send(SCAM, user="b")
    assert len(calls) == 2


def test_event_retry_is_deduplicated_by_sender_time_and_event(app, chat, wechat):
    calls = count_handler_calls(app, "welcome")
    delivery = wechat.deliver(wechat.event("u9", "subscribe"))
    chat.post(delivery)
    chat.post(delivery)
    assert len(calls) == 1
    later = wechat.event("u9", "CLICK", "HELP")
    assert chat.deliver(later)


def test_a_failing_handler_answers_politely_once(app, chat, wechat, caplog):
    router = app.extensions["fanzha"].router

    def explode(msg, ctx):
        raise RuntimeError("boom")

    router.routes.insert(0, Route("exploding", lambda msg, ctx: True, explode))
    delivery = wechat.deliver(wechat.text("u1", "秘密内容 13800001234", MsgId=7004))
    replies = [wechat.read_reply(chat.post(delivery).get_data())["Content"] for _ in range(2)]
    assert replies[0] == replies[1] and "抱歉" in replies[0]
    assert "mp:7004" in caplog.text and "13800001234" not in caplog.text


def test_a_flood_from_one_user_is_answered_but_not_processed(app, chat):
    calls = count_handler_calls(app, "scam_check")
    replies = [chat.send(f"{SCAM} 第{i}次", user="flooder") for i in range(35)]
    assert len(calls) == 30 and all("太快" in r for r in replies[30:])
    assert "诈骗" in chat.send(SCAM, user="someone_else")


def test_personal_numbers_never_reach_the_logs(app, caplog):
    import logging

    logging.getLogger("bot.test").warning("call back %s or card %s", "13812345678", "6222021234567890123")
    assert "13812345678" not in caplog.text and "138****5678" in caplog.text
    assert "6222021234567890123" not in caplog.text


def test_personal_numbers_in_an_exception_never_reach_the_logs(app, caplog):
    """log.exception writes the error's own message too (a held record that could not be filed,
    a handler that failed on what a resident wrote): it is masked like the rest."""
    import logging

    try:
        int("13812345678 身份证 110101199003071234")
    except ValueError:
        logging.getLogger("bot.test").exception("a record could not be filed")
    assert "a record could not be filed" in caplog.text and "ValueError" in caplog.text
    assert "13812345678" not in caplog.text and "138****5678" in caplog.text
    assert "110101199003071234" not in caplog.text
