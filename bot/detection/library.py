"""Load scam_patterns.yaml into plain frozen objects, naming the YAML line of every problem.

Community staff edit this file by hand, so an error message must say where to look: we compose
the YAML into nodes (which carry line numbers) and validate those, instead of a bare safe_load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.detection.yamlnodes import Node, PatternFileError, compose_file

SIGNAL_IDS = (
    "transfer",
    "verification_code",
    "urgency",
    "secrecy",
    "authority",
    "safe_account",
    "app_download",
    "too_good",
    "personal_info",
)
# Signals a library may define but need not (older files do not have them).
OPTIONAL_SIGNAL_IDS = ("off_platform",)
# Facts about a message that combos may name besides signals and cues (see detector._facts).
FACTS = ("link", "phone", "apk")
RISKS = ("high", "medium", "low")
THRESHOLD_NAMES = ("scam", "suspicious")


@dataclass(frozen=True)
class ScamType:
    id: str
    name: str
    risk: str
    knowledge: str
    phrasings: tuple[str, ...]
    keywords: tuple[str, ...]
    examples: tuple[str, ...] = ()
    lookalikes: tuple[str, ...] = ()
    line: int = 0
    # line of each example / lookalike, so the linter can point at the one that fails
    example_lines: tuple[int, ...] = ()
    lookalike_lines: tuple[int, ...] = ()
    # Ingredients (cue, signal or fact ids) of which one must be present for a "scam" verdict of
    # this type; without any, the verdict stops at "suspicious" (see the YAML's header).
    scam_needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Benign:
    id: str
    name: str
    examples: tuple[str, ...]
    line: int = 0
    example_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class Signal:
    id: str
    name: str
    words: tuple[str, ...]
    weight: float | None = None
    line: int = 0


@dataclass(frozen=True)
class Cue:
    """Words that show one ingredient of a scam (自称领导, 换了新号, 钱转给第三方…). A cue adds
    nothing by itself; combos say which ingredients together are a scam."""

    id: str
    name: str
    words: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class Combo:
    """When every group of `when` has one of its ids present, the message is evidence of `type`
    with `weight`. An id is a cue, a signal, or a fact (link, phone)."""

    type: str
    name: str
    when: tuple[tuple[str, ...], ...]
    weight: float
    line: int = 0


@dataclass(frozen=True)
class Library:
    path: str
    version: int
    types: tuple[ScamType, ...]
    benign: tuple[Benign, ...]
    signals: dict[str, Signal]
    thresholds: dict[str, float] = field(default_factory=dict)
    sha256: str = ""
    cues: dict[str, Cue] = field(default_factory=dict)
    combos: tuple[Combo, ...] = ()

    def type_by_id(self, type_id: str | None) -> ScamType | None:
        return next((t for t in self.types if t.id == type_id), None)

    @property
    def phrasing_count(self) -> int:
        return sum(len(t.phrasings) for t in self.types)


def load_library(path: str | Path) -> Library:
    """Read and validate the pattern file; raise PatternFileError(path, line, message)."""
    path = Path(path)
    root, digest = compose_file(path)
    if not root.is_map():
        raise PatternFileError(
            path, root.line, "the file must be a mapping with version, types, benign, signals"
        )
    types = _types(root.get("types"))
    signals = _signals(root.get("signals"))
    cues = _cues(root.get("cues"), signals)
    _check_scam_needs(root.get("types"), set(cues) | set(signals) | set(FACTS))
    return Library(
        path=str(path),
        version=_version(root),
        types=types,
        benign=_benign(root.get("benign")),
        signals=signals,
        thresholds=_thresholds(root.get("thresholds")),
        sha256=digest,
        cues=cues,
        combos=_combos(root.get("combos"), {t.id for t in types}, set(cues) | set(signals) | set(FACTS)),
    )


def _version(root: Node) -> int:
    node = root.get("version")
    if node is None:
        raise root.error("missing 'version'")
    value = node.scalar()
    if not isinstance(value, int) or isinstance(value, bool):
        raise node.error("'version' must be a whole number")
    return value


def _types(node: Node | None) -> tuple[ScamType, ...]:
    if node is None:
        return ()
    seen: dict[str, int] = {}
    result = []
    for item in node.seq("types"):
        scam_type = _one_type(item)
        if scam_type.id in seen:
            raise item.error(f"duplicate type id '{scam_type.id}' (first at line {seen[scam_type.id]})")
        seen[scam_type.id] = item.line
        result.append(scam_type)
    return tuple(result)


def _one_type(item: Node) -> ScamType:
    item.require_map("a scam type")
    type_id = item.text("id")
    risk = item.text("risk")
    if risk not in RISKS:
        raise item["risk"].error(f"risk must be one of {', '.join(RISKS)}, not '{risk}'")
    phrasings = item.strings("phrasings", required=True)
    if not phrasings:
        raise item["phrasings"].error(f"type '{type_id}' needs at least one phrasing")
    examples, example_lines = item.strings_with_lines("examples")
    lookalikes, lookalike_lines = item.strings_with_lines("lookalikes")
    return ScamType(
        id=type_id,
        name=item.text("name"),
        risk=risk,
        knowledge=item.text("knowledge"),
        phrasings=phrasings,
        keywords=item.strings("keywords"),
        examples=examples,
        lookalikes=lookalikes,
        line=item.line,
        example_lines=example_lines,
        lookalike_lines=lookalike_lines,
        scam_needs=item.strings("scam_needs"),
    )


def _check_scam_needs(node: Node | None, known: set[str]) -> None:
    """Every id in a type's scam_needs must be a cue, a signal or a fact, like a combo's."""
    for item in node.seq("types") if node is not None else ():
        if item.get("scam_needs") is None:
            continue
        for cue_id in item.strings("scam_needs"):
            if cue_id not in known:
                raise item["scam_needs"].error(f"'{cue_id}' is not a cue, a signal or a fact ({', '.join(FACTS)})")


def _benign(node: Node | None) -> tuple[Benign, ...]:
    if node is None:
        return ()
    result = []
    seen: set[str] = set()
    for item in node.seq("benign"):
        item.require_map("a benign group")
        benign_id = item.text("id")
        if benign_id in seen:
            raise item.error(f"duplicate benign id '{benign_id}'")
        seen.add(benign_id)
        examples, lines = item.strings_with_lines("examples")
        result.append(Benign(benign_id, item.text("name"), examples, item.line, lines))
    return tuple(result)


def _signals(node: Node | None) -> dict[str, Signal]:
    if node is None:
        return {}
    result = {}
    for key_node, value in node.pairs("signals"):
        signal_id = str(key_node.scalar())
        if signal_id not in SIGNAL_IDS + OPTIONAL_SIGNAL_IDS:
            known = ", ".join(SIGNAL_IDS + OPTIONAL_SIGNAL_IDS)
            raise key_node.error(f"unknown signal '{signal_id}'; known: {known}")
        value.require_map(f"signal '{signal_id}'")
        weight = value.number("weight", low=0.0, high=1.0) if value.get("weight") else None
        words = value.strings("words", required=True)
        result[signal_id] = Signal(signal_id, value.text("name"), words, weight, key_node.line)
    return result


def _cues(node: Node | None, signals: dict[str, Signal]) -> dict[str, Cue]:
    if node is None:
        return {}
    result = {}
    for key_node, value in node.pairs("cues"):
        cue_id = str(key_node.scalar())
        if cue_id in signals or cue_id in FACTS or cue_id in SIGNAL_IDS + OPTIONAL_SIGNAL_IDS:
            raise key_node.error(f"cue '{cue_id}' has the name of a signal or fact; choose another")
        value.require_map(f"cue '{cue_id}'")
        words = value.strings("words", required=True)
        result[cue_id] = Cue(cue_id, value.text("name"), words, key_node.line)
    return result


def _combos(node: Node | None, type_ids: set[str], known: set[str]) -> tuple[Combo, ...]:
    if node is None:
        return ()
    result = []
    for item in node.seq("combos"):
        item.require_map("a combo")
        type_id = item.text("type")
        if type_id not in type_ids:
            raise item["type"].error(f"combo for unknown type '{type_id}'")
        groups = []
        for group in item["when"].seq("when"):
            ids = (
                (str(group.scalar()),)
                if isinstance(group.node, yaml.ScalarNode)
                else tuple(str(g.scalar()) for g in group.seq("when"))
            )
            for cue_id in ids:
                if cue_id not in known:
                    raise group.error(f"'{cue_id}' is not a cue, a signal or a fact ({', '.join(FACTS)})")
            groups.append(ids)
        if not groups:
            raise item["when"].error("a combo needs at least one group in 'when'")
        weight = item.number("weight", low=0.0, high=1.0)
        result.append(Combo(type_id, item.text("name"), tuple(groups), weight, item.line))
    return tuple(result)


def _thresholds(node: Node | None) -> dict[str, float]:
    if node is None:
        return {}
    node.require_map("thresholds")
    result = {}
    for key_node, _value in node.pairs("thresholds"):
        name = str(key_node.scalar())
        if name not in THRESHOLD_NAMES:
            raise key_node.error(f"unknown threshold '{name}'; known: {', '.join(THRESHOLD_NAMES)}")
        result[name] = node.number(name, low=0.0, high=1.0)
    if result.get("suspicious", 0.0) > result.get("scam", 1.0):
        raise node.error("thresholds: 'suspicious' must not be above 'scam'")
    return result


__all__ = ["Benign", "Combo", "Cue", "Library", "PatternFileError", "ScamType", "Signal", "load_library"]
