"""Talk to the bot from a terminal, as a resident would from WeChat.

Each line read from stdin (typed, or piped) becomes a genuine signed (and encrypted, when a key is
set) Official Account message, goes through the real `/wechat` view, and the reply is printed.

    python -m bot.scripts.chat
    echo "您的账户涉嫌洗钱" | python -m bot.scripts.chat
"""

from __future__ import annotations

import argparse
import logging
import sys

from bot import create_app
from bot.playground.wxclient import WeChatServer


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Chat with 反诈哨兵 through the real /wechat webhook.")
    parser.add_argument("--user", default="terminal_resident", help="the sender's openid")
    parser.add_argument("--plain", action="store_true", help="send in plaintext mode, not 安全模式")
    parser.add_argument("--subscribe", action="store_true", help="start by following the account")
    return parser


class TerminalChat:
    def __init__(self, app, user: str, encrypted: bool):
        services = app.extensions["fanzha"]
        config = services.config
        self.client = app.test_client()
        self.user, self.encrypted = user, encrypted
        self.wechat = WeChatServer(
            config.wechat_token, config.wechat_app_id, config.wechat_aes_key, clock=services.ctx.clock
        )

    def deliver(self, fields) -> str:
        delivery = self.wechat.deliver(fields, self.encrypted)
        response = self.client.post(delivery.path_with_query, data=delivery.body)
        if response.status_code != 200:
            return f"[webhook answered {response.status_code}: {response.get_data(as_text=True)}]"
        return self.wechat.read_reply(response.get_data()).get("Content", "") or "[no reply]"

    def say(self, text: str) -> str:
        return self.deliver(self.wechat.text(self.user, text))

    def subscribe(self) -> str:
        return self.deliver(self.wechat.event(self.user, "subscribe"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    chat = TerminalChat(create_app(), args.user, encrypted=not args.plain)
    interactive = sys.stdin.isatty()
    if args.subscribe:
        print(chat.subscribe(), end="\n\n", flush=True)
    while True:
        if interactive:
            print("你> ", end="", flush=True)
        line = sys.stdin.readline()
        if not line:
            return 0
        if line.strip():
            print(("哨兵> " if interactive else "") + chat.say(line.rstrip("\n")), end="\n\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
