"""Read report_rules.yaml node by node so that every problem can name its line."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.reports.rules import GAP, LEVELS, PhraseSet, ReportRules, RulesFileError, matching_text

_KNOWN_KEYS = {
    "levels",
    "danger_now",
    "negations",
    "not_negations",
    "hypotheticals",
    "not_report",
    "variants",
    "unmatched_report",
}
_NOT_REPORT_KEYS = {"forwarded_starts", "forwarded_marks", "questions"}


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _compose(path: str | Path) -> yaml.Node:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesFileError(path, None, f"cannot read the file ({exc})") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RulesFileError(
            path, mark.line + 1 if mark else None, f"not valid YAML: {exc.problem}"
        ) from None
    except yaml.YAMLError as exc:
        raise RulesFileError(path, None, f"not valid YAML: {exc}") from None
    if not isinstance(root, yaml.MappingNode):
        raise RulesFileError(
            path, _line(root) if root else None, "the file should be a mapping (levels: ...)"
        )
    return root


def _mapping(node: yaml.Node, path, what: str, known: set[str] | None = None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise RulesFileError(path, _line(node), f"{what} should be a mapping")
    result: dict[str, yaml.Node] = {}
    for key, value in node.value:
        if known is not None and key.value not in known:
            raise RulesFileError(
                path, _line(key), f"unknown key {key.value!r} in {what}; known: {sorted(known)}"
            )
        if key.value in result:
            raise RulesFileError(path, _line(key), f"{key.value!r} appears twice in {what}")
        result[key.value] = value
    return result


def _strings(node: yaml.Node | None, path, what: str, phrases: bool = True) -> list[str]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise RulesFileError(path, _line(node), f"{what} should be a list like [词1, 词2]")
    words = []
    for item in node.value:
        text = item.value.strip() if isinstance(item, yaml.ScalarNode) else ""
        plain = matching_text(text).replace("…", GAP)
        if not text or (phrases and not plain.replace(GAP, "")):
            raise RulesFileError(path, _line(item), f"empty or unreadable entry in {what}")
        if phrases and (plain.startswith(GAP) or plain.endswith(GAP)):
            raise RulesFileError(path, _line(item), f"{text!r}: '...' goes between words, not at either end")
        words.append(text)
    return words


def _topics(node: yaml.Node, path, what: str, seen: dict[str, tuple[str, int]]) -> list[str]:
    """A list of {topic, phrases}; a phrase listed twice anywhere is an error (which one wins?)."""
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise RulesFileError(
            path, _line(node), f"{what} should be a list of topics: - topic: ... phrases: [...]"
        )
    phrases: list[str] = []
    for item in node.value:
        topic = _mapping(item, path, f"a topic of {what}", {"topic", "phrases"})
        if "phrases" not in topic:
            raise RulesFileError(path, _line(item), f"a topic of {what} has no phrases")
        for phrase_node, phrase in zip(
            topic["phrases"].value, _strings(topic["phrases"], path, what), strict=True
        ):
            key = matching_text(phrase)
            if key in seen and seen[key][0] == what:
                raise RulesFileError(
                    path, _line(phrase_node), f"{phrase!r} is listed twice (also line {seen[key][1]})"
                )
            if key in seen and what in LEVELS and seen[key][0] in LEVELS:
                other, line = seen[key]
                raise RulesFileError(
                    path, _line(phrase_node), f"{phrase!r} is also under {other} (line {line})"
                )
            seen[key] = (what, _line(phrase_node))
            phrases.append(phrase)
    return phrases


def _levels(node: yaml.Node, path, variants) -> tuple[tuple[str, PhraseSet], ...]:
    levels = _mapping(node, path, "levels", set(LEVELS))
    if not levels:
        raise RulesFileError(path, _line(node), "levels needs at least one of high, medium, low")
    seen: dict[str, tuple[str, int]] = {}
    return tuple(
        (lvl, PhraseSet(_topics(levels[lvl], path, lvl, seen), variants)) for lvl in LEVELS if lvl in levels
    )


def _variants(node: yaml.Node | None, path) -> tuple[tuple[str, str], ...]:
    if node is None:
        return ()
    pairs = []
    for key, value in _mapping(node, path, "variants").items():
        if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
            raise RulesFileError(path, _line(value), f"variant {key!r} needs the spelling to use instead")
        pairs.append((matching_text(key), matching_text(str(value.value))))
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def _alternation(words: list[str], prefix: str = "") -> re.Pattern | None:
    ordered = sorted({matching_text(w) for w in words}, key=len, reverse=True)
    return re.compile(prefix + "(?:" + "|".join(map(re.escape, ordered)) + ")") if ordered else None


def load_report_rules(path: str | Path) -> ReportRules:
    """Load and check report_rules.yaml; raises RulesFileError naming the line of a problem."""
    root = _compose(path)
    top = _mapping(root, path, "the file", _KNOWN_KEYS)
    for required in ("levels", "danger_now", "negations"):
        if required not in top:
            raise RulesFileError(path, _line(root), f"missing section {required!r}")
    not_report = (
        _mapping(top["not_report"], path, "not_report", _NOT_REPORT_KEYS) if "not_report" in top else {}
    )
    negations = _strings(top["negations"], path, "negations")
    variants = _variants(top.get("variants"), path)
    unmatched = top.get("unmatched_report")
    if unmatched is not None and unmatched.value not in LEVELS:
        raise RulesFileError(path, _line(unmatched), f"unmatched_report should be one of {', '.join(LEVELS)}")
    return ReportRules(
        path=str(path),
        levels=_levels(top["levels"], path, variants),
        danger=PhraseSet(_topics(top["danger_now"], path, "danger_now", {}), variants),
        negation=_alternation(negations) or re.compile(r"(?!x)x"),
        not_negations=tuple(
            matching_text(w) for w in _strings(top.get("not_negations"), path, "not_negations")
        ),
        hypotheticals=PhraseSet(_strings(top.get("hypotheticals"), path, "hypotheticals")),
        forwarded_start=_alternation(
            _strings(not_report.get("forwarded_starts"), path, "forwarded_starts"), r"^\W{0,2}"
        ),
        forwarded_marks=PhraseSet(_strings(not_report.get("forwarded_marks"), path, "forwarded_marks")),
        questions=PhraseSet(_strings(not_report.get("questions"), path, "questions")),
        variants=variants,
        unmatched_report=unmatched.value if unmatched is not None else None,
    )
