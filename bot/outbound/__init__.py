"""Outbound calls to WeCom and the Official Account: tokens, clients, cards, one error type."""

from bot.outbound.errors import ApiError
from bot.outbound.mp import OfficialAccountClient
from bot.outbound.tokens import AccessTokens, TokenStore
from bot.outbound.wecom import WeComClient

__all__ = ["AccessTokens", "ApiError", "OfficialAccountClient", "TokenStore", "WeComClient"]
