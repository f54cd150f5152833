"""Who may sign in (duty officers and grid leaders) and what each may see."""

from __future__ import annotations

from dataclasses import dataclass

from bot.community.registry import Grid, Registry

LOCK_AFTER = 5  # failed sign-ins ...
LOCK_SECONDS = 15 * 60  # ... lock the account (and the address) for 15 minutes


@dataclass(frozen=True)
class Account:
    user: str
    name: str
    is_duty: bool
    grid: Grid | None  # the grid a leader leads; None for duty officers

    @property
    def role(self) -> str:
        return "值班员" if self.is_duty else f"{self.grid.name if self.grid else ''}网格长"

    def sees(self, report: dict) -> bool:
        return self.is_duty or (self.grid is not None and report.get("grid") == self.grid.id)

    def grids(self, registry: Registry) -> tuple[Grid, ...]:
        return registry.grids if self.is_duty else tuple(g for g in registry.grids if g is self.grid)


def account_for(user: str, registry: Registry) -> Account | None:
    """Duty officers and grid leaders have dashboard accounts; other grid staff use WeCom."""
    duty = next((p for p in registry.duty if p.wecom == user), None)
    if duty:
        return Account(duty.wecom, duty.name, True, None)
    grid = next((g for g in registry.grids if g.leader.wecom == user), None)
    if grid:
        return Account(grid.leader.wecom, grid.leader.name, False, grid)
    return None


def demo_accounts(registry: Registry) -> list[Account]:
    """Local mode's one-click sign-ins: the first duty officer and each grid leader."""
    found = [account_for(p.wecom, registry) for p in registry.duty[:1]]
    found += [account_for(g.leader.wecom, registry) for g in registry.grids]
    return [a for a in found if a]


def locked_for(state, user: str, address: str) -> int:
    """Seconds until sign-in is allowed again for this account or address (0: allowed)."""
    waits = []
    for who in (f"user:{user}", f"addr:{address}"):
        failures, ttl = state.login_failures(who)
        if failures >= LOCK_AFTER:
            waits.append(ttl or LOCK_SECONDS)
    return max(waits, default=0)


def note_failure(state, user: str, address: str) -> None:
    state.note_login_failure(f"user:{user}", LOCK_SECONDS)
    state.note_login_failure(f"addr:{address}", LOCK_SECONDS)


def note_success(state, user: str) -> None:
    state.clear_login_failures(f"user:{user}")
