"""Follow / unfollow and menu events."""

from __future__ import annotations

from bot import texts
from bot.messages import Incoming, Reply


def welcome(msg: Incoming, ctx) -> Reply:
    ctx.state.add_subscriber(msg.user)
    return Reply(texts.WELCOME.format(menu=texts.MENU))


def farewell(msg: Incoming, ctx) -> Reply:
    """Unfollowed: WeChat shows the user nothing, so only forget them."""
    ctx.state.remove_subscriber(msg.user)
    return Reply()


def menu_link_opened(msg: Incoming, ctx) -> Reply:
    """A VIEW button opened a web page; there is nothing to answer."""
    return Reply(texts.MENU_LINK_OPENED)
