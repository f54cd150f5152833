"""AccessTokens: one shared token, refreshed by one process at a time, others wait and re-read."""

from __future__ import annotations

import threading
import time

import pytest

from bot.outbound.errors import ApiError
from bot.outbound.tokens import AccessTokens
from tests.fake_wechat_api import MemoryTokenStore


class CountingFetch:
    def __init__(self, pause: float = 0.0, expires_in: int = 7200):
        self.count, self.pause, self.expires_in = 0, pause, expires_in
        self._lock = threading.Lock()

    def __call__(self) -> tuple[str, int]:
        time.sleep(self.pause)  # a slow token endpoint widens the race
        with self._lock:
            self.count += 1
            return f"token-{self.count}", self.expires_in


def test_concurrent_gets_fetch_once_and_share_the_token():
    store, fetch = MemoryTokenStore(), CountingFetch(pause=0.2)
    barrier, results = threading.Barrier(20), []

    def worker():
        tokens = AccessTokens(store, "wecom:c:1", fetch)  # one per "process"
        barrier.wait()
        results.append(tokens.get())

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fetch.count == 1
    assert results == ["token-1"] * 20


def test_cached_token_is_kept_a_little_less_than_it_lives():
    store, fetch = MemoryTokenStore(), CountingFetch()
    AccessTokens(store, "a", fetch).get()
    assert 6890 <= store.ttl("a") <= 6900  # refreshed 5 minutes early
    AccessTokens(store, "a", fetch).get()
    assert fetch.count == 1


def test_invalidate_drops_only_the_refused_token():
    store, fetch = MemoryTokenStore(), CountingFetch()
    tokens = AccessTokens(store, "a", fetch)
    first = tokens.get()
    tokens.invalidate("someone-elses-old-token")
    assert tokens.get() == first
    tokens.invalidate(first)
    assert tokens.get() == "token-2"


def test_waiting_for_a_stuck_refresh_ends_in_a_retryable_error():
    now = [1000.0]
    store = MemoryTokenStore(clock=lambda: now[0])
    store.take_refresh_lock("a", 10_000)  # another process holds the lock and never finishes

    def sleep(seconds: float) -> None:
        now[0] += seconds

    tokens = AccessTokens(store, "a", CountingFetch(), clock=lambda: now[0], sleep=sleep, wait=1.0)
    with pytest.raises(ApiError) as caught:
        tokens.get()
    assert caught.value.retryable


def test_a_crashed_refresher_lock_expires_and_we_take_over():
    now = [1000.0]
    store, fetch = MemoryTokenStore(clock=lambda: now[0]), CountingFetch()
    store.take_refresh_lock("a", 2)  # its holder died; the lock lives 2 s

    def sleep(seconds: float) -> None:
        now[0] += seconds

    assert AccessTokens(store, "a", fetch, clock=lambda: now[0], sleep=sleep).get() == "token-1"
