"""access_token: one copy per app, shared by every process through the TokenStore (Redis).

WeCom and the Official Account both issue tokens valid 7200 s and throttle the endpoints that issue
them ("不能频繁调用gettoken接口" -- WeCom docs; stable_token: 10 000 calls a minute -- OA docs,
2026). So exactly one process refreshes, under a lock; the others wait briefly and read its result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from bot.outbound.errors import TIMEOUT, ApiError


class TokenStore(Protocol):
    """Where the shared token lives (bot/state.py implements it on Redis)."""

    def cached_token(self, app: str) -> str | None: ...

    def store_token(self, app: str, token: str, ttl: int) -> None: ...

    def drop_token(self, app: str, token: str) -> None: ...  # only if it is still that token

    def take_refresh_lock(self, app: str, ttl: int) -> bool: ...  # SET NX EX

    def release_refresh_lock(self, app: str) -> None: ...


# Refresh this long before the platform's expiry: the OA's stable_token starts handing out the next
# token 5 minutes early and keeps both valid meanwhile (OA docs, 2026); WeCom may expire tokens
# early anyway, which the 40014/42001 re-fetch covers.
EARLY_REFRESH = 300
LOCK_TTL = 15  # longer than one fetch (5 s timeout) so a live refresher keeps it; a dead one frees it
POLL = 0.05


class AccessTokens:
    """get() returns the shared token, fetching it when nobody has; invalidate() drops a refused one."""

    def __init__(
        self,
        store: TokenStore,
        app: str,
        fetch: Callable[[], tuple[str, int]],
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        wait: float = LOCK_TTL + 5,
    ):
        self.store, self.app, self.fetch = store, app, fetch
        self.clock, self.sleep, self.wait = clock, sleep, wait

    def get(self) -> str:
        token = self.store.cached_token(self.app)
        if token:
            return token
        deadline = self.clock() + self.wait
        while self.clock() < deadline:
            if self.store.take_refresh_lock(self.app, LOCK_TTL):
                return self._refresh_locked()
            self.sleep(POLL)  # another process is refreshing: read its result
            token = self.store.cached_token(self.app)
            if token:
                return token
        raise ApiError(
            TIMEOUT,
            f"no access_token after waiting {self.wait:g} s for the refresh lock",
            f"token:{self.app}",
        )

    def invalidate(self, token: str) -> None:
        """The API refused this token: forget it (unless another process already replaced it)."""
        self.store.drop_token(self.app, token)

    def _refresh_locked(self) -> str:
        try:
            token = self.store.cached_token(self.app)  # refreshed while we queued for the lock?
            if token:
                return token
            token, expires_in = self.fetch()
            self.store.store_token(self.app, token, _cache_ttl(expires_in))
            return token
        finally:
            self.store.release_refresh_lock(self.app)


def _cache_ttl(expires_in: int) -> int:
    """Keep the token a little less than it lives (short test tokens keep most of their life)."""
    return max(1, int(expires_in) - min(EARLY_REFRESH, int(expires_in) // 5))
