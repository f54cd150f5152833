"""Images, videos, files, locations and untranscribed voice: say what the bot can check."""

from __future__ import annotations

from bot import texts
from bot.messages import Incoming, Reply

UNREADABLE_KINDS = frozenset({"image", "video", "shortvideo", "file", "location", "voice", "other"})


def is_unreadable(msg: Incoming, ctx) -> bool:
    """Media the bot cannot read. A voice message with WeChat's transcript is readable."""
    return msg.kind in UNREADABLE_KINDS and not msg.text


def explain_unreadable(msg: Incoming, ctx) -> Reply:
    what = texts.MEDIA_NAMES.get(msg.kind, texts.MEDIA_NAMES["other"])
    return Reply(texts.MEDIA_UNSUPPORTED.format(what=what))
