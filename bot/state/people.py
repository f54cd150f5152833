"""Informants (bound by invite) and residents (their home building)."""

from __future__ import annotations

from bot.state.keys import KEY_HOME, KEY_INFORMANT, KEY_INFORMANTS, KEY_INVITE


class PeopleMixin:
    # --- informants and residents -----------------------------------------------------------
    def create_invite(self, code: str, building: str, ttl: int) -> bool:
        return bool(self.conn.set(self._key(KEY_INVITE, code=code), building, nx=True, ex=ttl))

    def use_invite(self, code: str) -> str | None:
        """The invite's building, once: GETDEL makes a second use (or a race) find nothing."""
        return self.conn.getdel(self._key(KEY_INVITE, code=code))

    def bind_informant(self, user: str, building: str, now: float) -> None:
        pipe = self.conn.pipeline(transaction=True)
        pipe.sadd(self._key(KEY_INFORMANT, user=user), building)
        pipe.hsetnx(self._key(KEY_INFORMANTS), user, int(now))
        pipe.execute()

    def informant_buildings(self, user: str) -> set[str]:
        return set(self.conn.smembers(self._key(KEY_INFORMANT, user=user)))

    def informants(self) -> dict[str, list[str]]:
        users = self.conn.hkeys(self._key(KEY_INFORMANTS))
        return {user: sorted(self.informant_buildings(user)) for user in users}

    def set_home(self, user: str, building: str, unit: str | None) -> None:
        self.conn.hset(self._key(KEY_HOME, user=user), mapping={"building": building, "unit": unit or ""})

    def home_of(self, user: str) -> dict[str, str]:
        return self.conn.hgetall(self._key(KEY_HOME, user=user))
