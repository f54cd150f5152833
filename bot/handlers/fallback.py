"""Whatever no other handler took: a short pointer to what the bot can do."""

from __future__ import annotations

from bot import texts
from bot.messages import Incoming, Reply


def always(msg: Incoming, ctx) -> bool:
    return True


def point_to_menu(msg: Incoming, ctx) -> Reply:
    if msg.kind == "event":
        return Reply()  # events nobody asked about (location reports, scans): stay quiet
    return Reply(texts.FALLBACK.format(menu=texts.MENU))
