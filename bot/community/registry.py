"""The community registry: duty officers, grids, the buildings each grid owns, and deadlines.

Loaded from `community.example.yaml` (or COMMUNITY_FILE) and validated at start-up; every
problem names the line to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.reports.address import canonical_building
from bot.yamlfile import YamlFileError, line_of, load_with_lines

RISKS = ("high", "medium", "low")
DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Person:
    wecom: str
    name: str
    phone: str = ""


@dataclass(frozen=True)
class Grid:
    id: str
    name: str
    buildings: tuple[str, ...]
    leader: Person
    specialists: tuple[Person, ...] = ()
    volunteers: tuple[Person, ...] = ()
    group_chat: str = ""
    robot_webhook: str = ""  # a group robot's webhook URL: the fallback for the group notice

    @property
    def responders(self) -> tuple[Person, ...]:
        """Who is told of every report: the leader (网格长) and the 预警专员."""
        return (self.leader, *self.specialists)

    @property
    def members(self) -> tuple[Person, ...]:
        return (self.leader, *self.specialists, *self.volunteers)


CONDITIONS = ("unclaimed", "not_contacted", "open")
TARGETS = ("grid_staff", "grid_members", "grid_volunteers", "duty", "claimer")


@dataclass(frozen=True)
class EscalationStep:
    """One rung of a risk level's escalation ladder, measured from when the report was filed."""

    after: int  # seconds after filing
    condition: str  # unclaimed | not_contacted | open: the step only fires while this holds
    notify: tuple[str, ...]  # targets: grid_staff, grid_members, grid_volunteers, duty, claimer
    repeat: int = 0  # seconds; 0 = once
    mark_overdue: bool = False
    reopen: bool = False  # drop the claim and offer the report to the whole grid again


@dataclass(frozen=True)
class Registry:
    community_id: str
    community_name: str
    duty: tuple[Person, ...]
    grids: tuple[Grid, ...]
    contact_within: dict[str, int]  # risk -> seconds until the neighbour must have been contacted
    ladders: dict[str, tuple[EscalationStep, ...]] = field(default_factory=dict)  # risk -> steps
    digests: dict[str, int] = field(default_factory=dict)  # risk -> minute of the day (China time)

    def grid_for(self, building: str | None) -> Grid | None:
        canonical = canonical_building(building or "")
        return next((g for g in self.grids if canonical in g.buildings), None)

    def person(self, wecom: str) -> Person | None:
        everyone = [*self.duty, *(p for g in self.grids for p in g.members)]
        return next((p for p in everyone if p.wecom == wecom), None)

    @property
    def buildings(self) -> tuple[str, ...]:
        return tuple(b for g in self.grids for b in g.buildings)


def parse_duration(text: str) -> int:
    """ "90s", "3m", "1h", "1d" -> seconds."""
    match = DURATION.match(str(text))
    if not match:
        raise ValueError(f'duration {text!r} should look like "90s", "3m", "1h" or "1d"')
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def load_registry(path: str | Path) -> Registry:
    data = load_with_lines(path)
    if not isinstance(data, dict):
        raise YamlFileError(
            path, None, "the registry must be a mapping with community, duty, grids, escalation"
        )
    community = _need(data, "community", dict, path)
    grids = tuple(_grid(g, path) for g in _need(data, "grids", list, path))
    _check_unique_buildings(grids, path, data)
    return Registry(
        community_id=str(_need(community, "id", str, path)),
        community_name=str(_need(community, "name", str, path)),
        duty=tuple(_person(p, path) for p in _need(data, "duty", list, path)),
        grids=grids,
        contact_within=_deadlines(_need(data, "escalation", dict, path), path),
        ladders={risk: _ladder(data["escalation"][risk], path) for risk in RISKS},
        digests=_digests(data["escalation"], path),
    )


def _need(mapping: dict, key: str, kind: type, path) -> object:
    value = mapping.get(key)
    if not isinstance(value, kind):
        expected = {dict: "a mapping", list: "a list", str: "text"}[kind]
        raise YamlFileError(path, line_of(mapping), f"`{key}` is missing or is not {expected}")
    return value


def _person(entry: object, path) -> Person:
    if not isinstance(entry, dict) or not entry.get("wecom") or not entry.get("name"):
        raise YamlFileError(path, line_of(entry), "a person needs `wecom` (WeCom userid) and `name`")
    return Person(wecom=str(entry["wecom"]), name=str(entry["name"]), phone=str(entry.get("phone") or ""))


def _grid(entry: object, path) -> Grid:
    if not isinstance(entry, dict):
        raise YamlFileError(path, None, "each grid must be a mapping")
    buildings = []
    for raw in _need(entry, "buildings", list, path):
        canonical = canonical_building(str(raw))
        if not canonical:
            raise YamlFileError(path, line_of(entry), f"cannot read building {raw!r} (write it like 3栋)")
        buildings.append(canonical)
    return Grid(
        id=str(_need(entry, "id", str, path)),
        name=str(_need(entry, "name", str, path)),
        buildings=tuple(buildings),
        leader=_person(_need(entry, "leader", dict, path), path),
        specialists=tuple(_person(p, path) for p in entry.get("specialists") or []),
        volunteers=tuple(_person(p, path) for p in entry.get("volunteers") or []),
        group_chat=str(entry.get("group_chat") or ""),
        robot_webhook=str(entry.get("robot_webhook") or ""),
    )


def _check_unique_buildings(grids: tuple[Grid, ...], path, data: dict) -> None:
    owner: dict[str, str] = {}
    for grid in grids:
        for building in grid.buildings:
            if building in owner:
                raise YamlFileError(
                    path, line_of(data), f"building {building} is in both {owner[building]} and {grid.id}"
                )
            owner[building] = grid.id


def _deadlines(escalation: dict, path) -> dict[str, int]:
    deadlines = {}
    for risk in RISKS:
        policy = escalation.get(risk)
        if not isinstance(policy, dict) or "contact_within" not in policy:
            raise YamlFileError(path, line_of(escalation), f"escalation.{risk}.contact_within is missing")
        try:
            deadlines[risk] = parse_duration(policy["contact_within"])
        except ValueError as exc:
            raise YamlFileError(path, line_of(policy), str(exc)) from None
    return deadlines


def _ladder(policy: dict, path) -> tuple[EscalationStep, ...]:
    steps = policy.get("steps") or []
    if not isinstance(steps, list):
        raise YamlFileError(path, line_of(policy), "`steps` must be a list")
    return tuple(_step(step, path) for step in steps)


def _step(entry: object, path) -> EscalationStep:
    line = line_of(entry)
    if not isinstance(entry, dict):
        raise YamlFileError(path, line, "each escalation step is a mapping like {after: 3m, notify: [duty]}")
    condition = str(entry.get("if", "open"))
    notify = entry.get("notify") or []
    if condition not in CONDITIONS:
        raise YamlFileError(path, line, f"`if` must be one of {', '.join(CONDITIONS)}")
    if not isinstance(notify, list) or any(t not in TARGETS for t in notify):
        raise YamlFileError(path, line, f"`notify` must list some of {', '.join(TARGETS)}")
    try:
        after = parse_duration(entry.get("after", ""))
        repeat = parse_duration(entry["repeat"]) if entry.get("repeat") else 0
    except ValueError as exc:
        raise YamlFileError(path, line, str(exc)) from None
    return EscalationStep(after=after, condition=condition, notify=tuple(notify), repeat=repeat,
                          mark_overdue=bool(entry.get("mark_overdue")), reopen=bool(entry.get("reopen")))


DIGEST_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _digests(escalation: dict, path) -> dict[str, int]:
    digests = {}
    for risk in RISKS:
        when = escalation[risk].get("digest")
        if when is None:
            continue
        match = DIGEST_TIME.match(str(when))
        if not match:
            raise YamlFileError(path, line_of(escalation[risk]), 'digest must be a time like "09:00"')
        digests[risk] = int(match.group(1)) * 60 + int(match.group(2))
    return digests
