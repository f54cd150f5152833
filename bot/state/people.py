"""Informants (bound by invite) and residents (their home building)."""

from __future__ import annotations

from bot.state.keys import KEY_HOME, KEY_INFORMANT, KEY_INFORMANTS, KEY_INVITE


class PeopleMixin:
    # --- informants and residents -----------------------------------------------------------
    def create_invite(self, code: str, building: str, ttl: int) -> bool:
        return bool(self.conn.set(self._key(KEY_INVITE, code=code), building, nx=True, ex=ttl))

    def redeem_invite(self, code: str, user: str, now: float) -> str | None:
        """Bind `user` to the invite's building and use the invite up, in one transaction: the
        building, or None when the code is unknown or used (a race finds it used). A bind cut
        short (Redis failing) leaves the code as it was, so sending it again works."""
        key = self._key(KEY_INVITE, code=code)

        def check(pipe):
            building = pipe.get(key)
            return building is not None, building

        def write(pipe, building: str):
            pipe.delete(key)
            self._queue_bind(pipe, user, building, now)

        return self._check_and_write([key], check, write)

    def bind_informant(self, user: str, building: str, now: float) -> None:
        pipe = self.conn.pipeline(transaction=True)
        self._queue_bind(pipe, user, building, now)
        pipe.execute()

    def _queue_bind(self, pipe, user: str, building: str, now: float) -> None:
        pipe.sadd(self._key(KEY_INFORMANT, user=user), building)
        pipe.hsetnx(self._key(KEY_INFORMANTS), user, int(now))

    def informant_buildings(self, user: str) -> set[str]:
        return set(self.conn.smembers(self._key(KEY_INFORMANT, user=user)))

    def informants(self) -> dict[str, list[str]]:
        users = self.conn.hkeys(self._key(KEY_INFORMANTS))
        return {user: sorted(self.informant_buildings(user)) for user in users}

    def set_home(self, user: str, building: str, unit: str | None) -> None:
        self.conn.hset(self._key(KEY_HOME, user=user), mapping={"building": building, "unit": unit or ""})

    def home_of(self, user: str) -> dict[str, str]:
        return self.conn.hgetall(self._key(KEY_HOME, user=user))
