"""Dashboard accounts: password hashes, failed sign-ins (lockout), the shared session secret.

The password hash itself is made in bot.dashboard.passwords; this module only stores it.
"""

from __future__ import annotations

import secrets

from bot.state.keys import KEY_ACCOUNT, KEY_LOGIN_FAILURES, KEY_SESSION_SECRET


class AccountsMixin:
    # --- dashboard accounts -----------------------------------------------------------------
    def set_password_record(self, user: str, record: str, now: float) -> None:
        self.conn.hset(self._key(KEY_ACCOUNT, user=user), mapping={"password": record, "set_at": int(now)})

    def password_record(self, user: str) -> str | None:
        return self.conn.hget(self._key(KEY_ACCOUNT, user=user), "password")

    def remove_account(self, user: str) -> bool:
        return bool(self.conn.delete(self._key(KEY_ACCOUNT, user=user)))

    # --- failed sign-ins: each failure extends the window, so a steady guesser stays locked --
    def note_login_failure(self, who: str, window: int) -> int:
        key = self._key(KEY_LOGIN_FAILURES, who=who)
        pipe = self.conn.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, window)
        count, _ = pipe.execute()
        return int(count)

    def login_failures(self, who: str) -> tuple[int, int]:
        """(failures, seconds until they are forgotten)."""
        key = self._key(KEY_LOGIN_FAILURES, who=who)
        pipe = self.conn.pipeline(transaction=False)
        pipe.get(key)
        pipe.ttl(key)
        count, ttl = pipe.execute()
        return int(count or 0), max(int(ttl or 0), 0)

    def clear_login_failures(self, who: str) -> None:
        self.conn.delete(self._key(KEY_LOGIN_FAILURES, who=who))

    # --- the session secret: SET NX, so every web process signs cookies with the same key ---
    def session_secret(self) -> str:
        key = self._key(KEY_SESSION_SECRET)
        self.conn.set(key, secrets.token_hex(32), nx=True)
        return self.conn.get(key)
