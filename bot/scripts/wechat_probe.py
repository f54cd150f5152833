"""Check a running webhook against the Official Account protocol, point by point, over HTTP.

Plays WeChat's side with the protocol client (not wechatpy) and prints PASS/FAIL per point:

    python -m bot.scripts.wechat_probe --url http://127.0.0.1:8000 \
        --token T --app-id wx... --aes-key K [--previous-key K0]

Exit status 0 only when every point passes.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

from bot.playground.wxclient import Delivery, WeChatServer, message_xml, signature

SCAM = "您好，我是市公安局民警，您的账户涉嫌洗钱，请马上把钱转到安全账户配合调查，不要告诉家人"


@dataclass
class Probe:
    url: str
    wechat: WeChatServer
    previous: WeChatServer | None = None

    def post(self, delivery: Delivery) -> requests.Response:
        return requests.post(self.url + delivery.path_with_query, data=delivery.body, timeout=10)

    def reply(self, delivery: Delivery, side: WeChatServer | None = None) -> str:
        response = self.post(delivery)
        if response.status_code != 200:
            raise AssertionError(f"status {response.status_code}")
        return (side or self.wechat).read_reply(response.content).get("Content", "")

    def status(self, delivery: Delivery) -> int:
        response = self.post(delivery)
        if "Traceback" in response.text:
            raise AssertionError("traceback in the body")
        return response.status_code


def checks(p: Probe) -> list[tuple[str, Callable[[], bool]]]:
    w = p.wechat

    def verification() -> bool:
        query = w.verification("probe-echo")
        r = requests.get(p.url + "/wechat", params=query, timeout=5)
        forged = requests.get(p.url + "/wechat", params={**query, "signature": "0" * 40}, timeout=5)
        return r.text == "probe-echo" and forged.status_code == 403

    def with_signature(body: bytes) -> Delivery:
        return Delivery(w.deliver_xml("<xml/>", encrypted=False).query, body)

    def bad_cipher() -> bool:
        d = w.deliver(w.text("probe", "x"), encrypted=True)
        query = {
            **d.query,
            "msg_signature": signature(w.token, d.query["timestamp"], d.query["nonce"], "QUJD"),
        }
        return p.status(Delivery(query, message_xml({"ToUserName": "gh", "Encrypt": "QUJD"}).encode())) == 400

    def stale() -> bool:
        old = WeChatServer(w.token, w.app_id, w.aes_key, clock=lambda: time.time() - 3600)
        return p.status(old.deliver(old.text("probe", "帮助"))) == 403

    def sequential_retry() -> bool:
        d = w.deliver(w.text("probe", SCAM))
        return p.reply(d) == p.reply(d) != ""

    def concurrent_retry() -> bool:
        d = w.deliver(w.text("probe", SCAM))
        with ThreadPoolExecutor(5) as pool:
            replies = list(pool.map(lambda _: p.reply(d), range(5)))
        return len(set(replies)) == 1 and "诈骗" in replies[0]

    def rotation() -> bool:
        if not p.previous:
            return True
        prev = p.previous
        text = p.reply(prev.deliver(prev.text("probe", "帮助")), side=prev)
        return "反诈" in text

    def media(kind: str) -> Callable[[], bool]:
        return lambda: "粘贴" in p.reply(w.deliver(w.fields("probe", kind, MediaId="m")))

    link = w.fields("probe", "link", Title="公安通知", Description=SCAM, Url="http://x.example.top")
    voice = w.fields("probe", "voice", MediaId="m", Format="amr", Recognition=SCAM)

    def warns(fields) -> bool:
        return "诈骗" in p.reply(w.deliver(fields))

    def event(user: str, name: str, key: str = "") -> str:
        return p.reply(w.deliver(w.event(user, name, key)))

    def forged() -> bool:
        d = w.deliver(w.text("probe", "x"))
        return p.status(Delivery({**d.query, "msg_signature": "f" * 40}, d.body)) == 403

    dtd = b'<!DOCTYPE x [<!ENTITY a "b">]><xml><Content>&a;</Content></xml>'
    return [
        ("GET verification and forged GET", verification),
        (
            "plaintext mode text",
            lambda: "反诈" in p.reply(w.deliver(w.text("probe", "帮助"), encrypted=False)),
        ),
        ("安全模式 text, encrypted reply", lambda: "诈骗" in p.reply(w.deliver(w.text("probe", SCAM)))),
        ("link checked like text", lambda: warns(link)),
        ("voice Recognition checked", lambda: warns(voice)),
        ("image explained", media("image")),
        ("video explained", media("video")),
        ("file explained", media("file")),
        ("location explained", media("location")),
        ("subscribe welcome", lambda: "欢迎" in event("probe_new", "subscribe")),
        ("unsubscribe quiet", lambda: event("probe_new", "unsubscribe") == ""),
        ("menu CLICK", lambda: "反诈" in event("probe", "CLICK", "HELP")),
        ("menu VIEW quiet", lambda: event("probe", "VIEW", "https://x.example") == ""),
        ("forged signature 403", forged),
        ("stale timestamp 403", stale),
        ("non-XML 400", lambda: p.status(with_signature(b"hello")) == 400),
        ("DTD/entities 400", lambda: p.status(with_signature(dtd)) == 400),
        (
            "missing fields 400",
            lambda: p.status(with_signature(b"<xml><MsgType>text</MsgType></xml>")) == 400,
        ),
        ("undecryptable 400", bad_cipher),
        (
            "body over 64 KB 413",
            lambda: p.status(w.deliver(w.text("probe", "骗" * 30000), encrypted=False)) == 413,
        ),
        ("sequential retry: same reply", sequential_retry),
        ("five concurrent deliveries: one reply", concurrent_retry),
        ("key rotation: previous key", rotation),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="base URL of the bot, e.g. http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--aes-key", required=True)
    parser.add_argument("--previous-key", default="")
    args = parser.parse_args(argv)
    wechat = WeChatServer(args.token, args.app_id, args.aes_key)
    previous = WeChatServer(args.token, args.app_id, args.previous_key) if args.previous_key else None
    failures = 0
    points = checks(Probe(args.url.rstrip("/"), wechat, previous))
    for name, check in points:
        try:
            ok = check()
        except (AssertionError, ValueError, requests.RequestException) as exc:
            ok, name = False, f"{name} ({exc})"
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    print(f"probe: {len(points) - failures} of {len(points)} protocol points hold")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
