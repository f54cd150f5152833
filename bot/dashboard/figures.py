"""The figures the community reads out at its meetings, computed from reports and their events.

Pure functions over plain dicts (no Flask, no Redis), so tests can feed known data. A report
belongs to the period in which it was filed (created_at), for every figure.
"""

from __future__ import annotations

import calendar
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

CST = 8 * 3600
RISKS = ("high", "medium", "low")
CLAIM_EVENTS = ("claimed", "transferred", "contacted")  # contacting someone is taking it on
# Closed with these outcomes, staff must have reached the person or family, even if nobody
# pressed 已联系 first; 联系不上 (unreachable) is the one outcome that says they did not.
REACHED_OUTCOMES = ("dissuaded", "lost_reported", "family_contacted", "false_alarm")


def day_of(epoch: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(float(epoch) + CST))


def week_of(epoch: float) -> str:
    """The Monday (community calendar) of the week `epoch` falls in."""
    day = date.fromisoformat(day_of(epoch))
    return (day - timedelta(days=day.weekday())).isoformat()


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def start(self) -> float:
        return _epoch(self.first)

    @property
    def end(self) -> float:
        return _epoch(self.last + timedelta(days=1))

    def contains(self, epoch) -> bool:
        return epoch is not None and self.start <= float(epoch) < self.end

    def days(self) -> list[str]:
        return [(self.first + timedelta(days=i)).isoformat() for i in range((self.last - self.first).days + 1)]

    def weeks(self) -> list[str]:
        monday = self.first - timedelta(days=self.first.weekday())
        return [(monday + timedelta(weeks=i)).isoformat() for i in range((self.last - monday).days // 7 + 1)]

    def year_before(self) -> Period:
        return Period(_shift_year(self.first), _shift_year(self.last))


def _epoch(day: date) -> float:
    """Midnight of `day` in the community's time zone (UTC+8), as epoch seconds."""
    return float(calendar.timegm(day.timetuple())) - CST


def _shift_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Timing:
    risk: str
    target: int  # seconds: the registry's contact_within for this risk
    count: int
    claim_median: float | None
    contact_median: float | None
    claim_met: int
    claim_decided: int
    contact_met: int
    contact_decided: int

    @property
    def claim_share(self) -> float | None:
        return self.claim_met / self.claim_decided if self.claim_decided else None

    @property
    def contact_share(self) -> float | None:
        return self.contact_met / self.contact_decided if self.contact_decided else None


@dataclass
class Figures:
    period: Period
    total: int = 0
    by_risk: Counter = field(default_factory=Counter)
    by_grid: Counter = field(default_factory=Counter)
    weekly_risk: dict = field(default_factory=dict)  # week -> Counter(risk)
    weekly_grid: dict = field(default_factory=dict)  # week -> Counter(grid)
    timings: list[Timing] = field(default_factory=list)
    saved: float = 0.0
    lost: float = 0.0
    closed: int = 0
    outcomes: Counter = field(default_factory=Counter)
    checks: list[tuple[str, int, int, int]] = field(default_factory=list)  # day, all, scam, suspicious
    top_types: list[tuple[str, int]] = field(default_factory=list)
    informants: int = 0
    informants_active: int = 0

    @property
    def check_total(self) -> int:
        return sum(c[1] for c in self.checks)

    @property
    def check_scams(self) -> int:
        return sum(c[2] for c in self.checks)


def first_times(report: dict, events: list[dict]) -> tuple[float | None, float | None]:
    """When someone first took the report on, and when the person was first reached."""
    claim = next((float(e["at"]) for e in events if e.get("what") in CLAIM_EVENTS), None)
    contact = next((float(e["at"]) for e in events if e.get("what") == "contacted"), None)
    claim = claim if claim is not None else _number(report.get("claimed_at"))
    contact = contact if contact is not None else _number(report.get("contacted_at"))
    if contact is None and report.get("outcome") in REACHED_OUTCOMES:
        contact = _number(report.get("closed_at"))
    return claim, contact


def _number(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def timing(risk: str, target: int, handled: list[tuple[dict, float | None, float | None]], now: float) -> Timing:
    """Medians and the share within target. A report still inside its time counts once decided."""
    claims = [c - float(r["created_at"]) for r, c, _ in handled if c is not None]
    contacts = [c - float(r["created_at"]) for r, _, c in handled if c is not None]
    claim_decided = [c for r, c, _ in handled if c is not None or now > float(r["created_at"]) + target]
    contact_decided = [c for r, _, c in handled if c is not None or now > float(r["created_at"]) + target]
    return Timing(
        risk=risk, target=target, count=len(handled),
        claim_median=statistics.median(claims) if claims else None,
        contact_median=statistics.median(contacts) if contacts else None,
        claim_met=sum(1 for d in claims if d <= target), claim_decided=len(claim_decided),
        contact_met=sum(1 for d in contacts if d <= target), contact_decided=len(contact_decided),
    )


def compute(items: list[tuple[dict, list[dict]]], period: Period, now: float, targets: dict[str, int]) -> Figures:
    """Report figures for the period from (report, events) pairs; checks and informants are added apart."""
    figures = Figures(period=period)
    weeks = period.weeks()
    figures.weekly_risk = {w: Counter() for w in weeks}
    figures.weekly_grid = {w: Counter() for w in weeks}
    handled: dict[str, list] = {risk: [] for risk in RISKS}
    for report, events in items:
        if not period.contains(report.get("created_at")):
            continue
        count_report(figures, report)
        claim, contact = first_times(report, events)
        handled.setdefault(report.get("risk"), []).append((report, claim, contact))
    figures.timings = [timing(risk, targets.get(risk, 0), handled[risk], now) for risk in RISKS if risk in targets]
    return figures


def count_report(figures: Figures, report: dict) -> None:
    risk, grid, week = report.get("risk"), report.get("grid") or "", week_of(report["created_at"])
    figures.total += 1
    figures.by_risk[risk] += 1
    figures.by_grid[grid] += 1
    figures.weekly_risk.setdefault(week, Counter())[risk] += 1
    figures.weekly_grid.setdefault(week, Counter())[grid] += 1
    if report.get("status") == "closed":
        figures.closed += 1
        figures.outcomes[report.get("outcome")] += 1
        figures.saved += float(report.get("amount_saved") or 0)
        figures.lost += float(report.get("amount_lost") or 0)


def add_checks(figures: Figures, checks_by_day: dict[str, dict[str, int]], type_names: dict[str, str],
               top: int = 8) -> None:
    """Resident checks per day ({"verdict:scam": n, "type:<id>": n}) and the scam types seen most."""
    types: Counter = Counter()
    for day in figures.period.days():
        counts = checks_by_day.get(day, {})
        verdicts = {k[8:]: v for k, v in counts.items() if k.startswith("verdict:")}
        figures.checks.append((day, sum(verdicts.values()), verdicts.get("scam", 0), verdicts.get("suspicious", 0)))
        types.update({k[5:]: v for k, v in counts.items() if k.startswith("type:")})
    figures.top_types = [(type_names.get(t, t), n) for t, n in types.most_common(top)]


def add_informants(figures: Figures, informants: dict[str, list[str]], items: list[tuple[dict, list[dict]]],
                   buildings: set[str] | None = None) -> None:
    """Bound informants (within `buildings` when given), and how many filed a report in the period."""
    bound = {u for u, held in informants.items() if buildings is None or set(held) & buildings}
    active = {u for report, _ in items if figures.period.contains(report.get("created_at"))
              for u in report.get("informants") or [] if u in bound}
    figures.informants, figures.informants_active = len(bound), len(active)


def change(now: float, before: float) -> float | None:
    """Relative change, e.g. 0.17 for "up 17%"; None when there is nothing to compare with."""
    return (now - before) / before if before else None
