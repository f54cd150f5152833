"""POST /wechat is answered outside Flask (bot/channels/fastpath.py): the same answers as the
Flask view, and everything it is not sure about still goes to Flask."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from bot.playground.wxclient import Delivery

SCAM = "您好，我是市公安局的，您名下账户涉嫌洗钱，请把存款转到安全账户配合调查，不要告诉家人"


def flask_only(app) -> Client:
    """A client of the Flask app behind the fast path (the view answers every POST /wechat)."""
    return Client(app.wsgi_app.app)


def post(client, delivery: Delivery, **kwargs):
    return client.post(delivery.path_with_query, data=delivery.body, **kwargs)


def same_answer(fast, slow, wechat) -> None:
    assert (fast.status_code, fast.headers["Content-Type"]) == (slow.status_code, slow.headers["Content-Type"])
    assert int(fast.headers["Content-Length"]) == len(fast.get_data())
    if fast.status_code == 200 and fast.get_data() not in (b"success", b""):
        # sealed with a fresh random prefix each time: compare what the phone shows
        opened_fast, opened_slow = wechat.read_reply(fast.get_data()), wechat.read_reply(slow.get_data())
        assert opened_fast.pop("CreateTime") and opened_slow.pop("CreateTime")
        assert opened_fast == opened_slow and opened_fast["Content"]
    else:
        assert fast.get_data() == slow.get_data()


@pytest.mark.parametrize("encrypted", [True, False])
@pytest.mark.parametrize("text", [SCAM, "今晚小区停水，请提前储水", "帮助"])
def test_the_fast_path_answers_like_the_flask_view(app, wechat, text, encrypted):
    fast = post(app.test_client(), wechat.deliver(wechat.text("r-same", text), encrypted))
    slow = post(flask_only(app), wechat.deliver(wechat.text("r-same", text), encrypted))  # a new MsgId
    same_answer(fast, slow, wechat)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: Delivery({**d.query, "msg_signature": "0" * 40}, d.body),  # forged
        lambda d: Delivery(d.query, b"not xml at all"),
        lambda d: Delivery(d.query, b'<!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>'),
        lambda d: Delivery({**d.query, "encrypt_type": "des"}, d.body),
        lambda d: Delivery(d.query, b"<xml><Encrypt><![CDATA[%%%]]></Encrypt></xml>"),
    ],
)
def test_bad_requests_get_the_same_refusal_both_ways(app, wechat, spoil):
    delivery = spoil(wechat.deliver(wechat.text("r-bad", SCAM), True))
    fast, slow = post(app.test_client(), delivery), post(flask_only(app), delivery)
    assert fast.status_code in (400, 403)
    same_answer(fast, slow, wechat)


def test_a_repeated_query_parameter_counts_its_first_value_as_flask_does(app, wechat):
    delivery = wechat.deliver(wechat.text("r-rep", SCAM), True)
    doubled = delivery.path_with_query + "&msg_signature=" + "0" * 40  # a second, forged value
    response = app.test_client().post(doubled, data=delivery.body)
    assert response.status_code == 200 and wechat.read_reply(response.get_data())["Content"]


def test_only_what_it_is_sure_of_takes_the_fast_path(app, wechat):
    """With the Flask view replaced, a normal message is still answered (fast path), while a body
    over the limit and a chunked body reach Flask."""
    app.view_functions["wechat_mp.receive"] = lambda: ("flask view", 200)
    client = app.test_client()
    delivery = wechat.deliver(wechat.text("r-route", SCAM), True)
    assert wechat.read_reply(post(client, delivery).get_data())["Content"]
    oversize = post(client, Delivery(delivery.query, b"x" * (64 * 1024 + 1)))
    assert oversize.get_data(as_text=True) == "flask view"  # where the real view answers 413
    chunked = client.post(
        delivery.path_with_query,
        data=delivery.body,
        environ_overrides={"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"},
    )
    assert chunked.get_data(as_text=True) == "flask view"
    assert client.get("/healthz").status_code == 200  # every other route is Flask's


def test_an_unexpected_error_is_a_plain_500(app, wechat, monkeypatch):
    import bot.channels.fastpath as fastpath

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(fastpath, "answer_message", broken)
    response = post(app.test_client(), wechat.deliver(wechat.text("r-err", SCAM), True))
    assert response.status_code == 500
    assert response.get_data(as_text=True) == "500 Internal Server Error"



@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=12)), max_size=8), st.text(alphabet="&=%+;a", max_size=12))
def test_query_parsing_agrees_with_the_standard_library(pairs, noise):
    from urllib.parse import parse_qsl, urlencode

    from bot.channels.fastpath import FirstValues

    for query in (urlencode(pairs), urlencode(pairs) + "&" + noise, noise):
        expected: dict[str, str] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            expected.setdefault(name, value)
        assert FirstValues.parse(query) == expected, query
