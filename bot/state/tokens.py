"""Access tokens shared by every process (the TokenStore of bot.outbound)."""

from __future__ import annotations

from bot.state.keys import KEY_TOKEN, KEY_TOKEN_LOCK


class TokensMixin:
    # --- access tokens (TokenStore for bot.outbound) ------------------------------------------
    def cached_token(self, app: str) -> str | None:
        return self.conn.get(self._key(KEY_TOKEN, app=app))

    def store_token(self, app: str, token: str, ttl: int) -> None:
        self.conn.set(self._key(KEY_TOKEN, app=app), token, ex=max(ttl, 1))

    def drop_token(self, app: str, token: str) -> None:
        key = self._key(KEY_TOKEN, app=app)
        if self.conn.get(key) == token:
            self.conn.delete(key)

    def take_refresh_lock(self, app: str, ttl: int) -> bool:
        return bool(self.conn.set(self._key(KEY_TOKEN_LOCK, app=app), "1", nx=True, ex=ttl))

    def release_refresh_lock(self, app: str) -> None:
        self.conn.delete(self._key(KEY_TOKEN_LOCK, app=app))
