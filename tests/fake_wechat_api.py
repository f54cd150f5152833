"""The `fake_api` fixture: the local fake of the WeCom and Official Account APIs (bot/playground/fakeapi.py)."""

from __future__ import annotations

import pytest

from bot.playground.fakeapi import Call, FakeWeChatApi, MemoryTokenStore

__all__ = ["Call", "FakeWeChatApi", "MemoryTokenStore", "fake_api"]


@pytest.fixture
def fake_api():
    """A running fake of both APIs; `fake_api.url` is the api_base for the real clients."""
    fake = FakeWeChatApi().start()
    yield fake
    fake.stop()
