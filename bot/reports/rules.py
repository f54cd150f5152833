"""report_rules.yaml: load, validate (every problem names its line) and compile into a few regexes.

Each phrase list becomes ONE alternation regex, so reading a message costs a handful of regex
searches however many phrases staff add.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.yamlfile import YamlFileError

LEVELS = ("high", "medium", "low")  # highest first: the first level with a phrase found wins
GAP = "..."
GAP_CHARS = 10
# A "..." gap stays within one sentence; a negation is looked for within one clause.
_GAP_RE = rf"([^。！？!?；;\n]{{0,{GAP_CHARS}}}?)"
_CLAUSE_END = re.compile(r"[，,。！？!?；;：:、\s]")
NEGATION_WINDOW = 5  # characters before a phrase, within its clause, where a negation cancels it


class RulesFileError(YamlFileError):
    """A problem in report_rules.yaml: `path`, `line` (or None) and `message`."""


def matching_text(text: str, variants: tuple[tuple[str, str], ...] = ()) -> str:
    """The form phrases are matched against: NFKC, lower case, other spellings replaced."""
    text = unicodedata.normalize("NFKC", text).lower()
    for variant, canonical in variants:
        text = text.replace(variant, canonical)
    return text


def _phrase_regex(phrase: str, variants: tuple[tuple[str, str], ...], gap: str = _GAP_RE) -> str:
    parts = [re.escape(part) for part in matching_text(phrase, variants).replace("…", GAP).split(GAP)]
    return gap.join(parts)


class PhraseSet:
    """A list of phrases compiled into one regex; `find` returns the matched words, not negated.

    The combined regex is a plain top-level alternation without groups, so Python's regex engine
    can skip ahead to the phrases' first characters; only an actual hit is then matched again
    against the few phrases starting with that character, to read its gaps.
    """

    def __init__(self, phrases: list[str], variants: tuple[tuple[str, str], ...] = ()):
        self.phrases = tuple(phrases)
        ordered = sorted(phrases, key=len, reverse=True)
        self._by_first: dict[str, list[re.Pattern]] = {}
        for phrase in ordered:
            first = matching_text(phrase, variants)[0]
            self._by_first.setdefault(first, []).append(re.compile(_phrase_regex(phrase, variants)))
        body = "|".join(_phrase_regex(p, variants, _GAP_RE.replace("(", "(?:", 1)) for p in ordered)
        self._any = re.compile(body) if phrases else None

    def find(self, text: str, negated=None) -> tuple[str, ...]:
        """Matched snippets of `text`, in order; `negated(text, start, gaps)` drops a match."""
        found: list[str] = []
        pos = 0
        while self._any and (match := self._any.search(text, pos)):
            if negated and negated(text, match.start(), self._gaps(text, match)):
                pos = match.start() + 1  # a cancelled match must not hide a phrase inside it
                continue
            if match.group() not in found:
                found.append(match.group())
            pos = max(match.end(), match.start() + 1)
        return tuple(found)

    def _gaps(self, text: str, match: re.Match) -> tuple[str, ...]:
        for regex in self._by_first.get(match.group()[:1], ()):
            one = regex.fullmatch(text, match.start(), match.end())
            if one:
                return one.groups()
        return ()

    def __bool__(self) -> bool:
        return bool(self.phrases)


@dataclass(frozen=True)
class ReportRules:
    path: str
    levels: tuple[tuple[str, PhraseSet], ...]  # highest first
    danger: PhraseSet
    negation: re.Pattern
    not_negations: tuple[str, ...]
    hypotheticals: PhraseSet
    forwarded_start: re.Pattern | None
    forwarded_marks: PhraseSet
    questions: PhraseSet
    variants: tuple[tuple[str, str], ...]
    unmatched_report: str | None = None  # level for a named person in a named building, no phrase found

    def is_negated(self, text: str, start: int, gaps: tuple[str, ...] = ()) -> bool:
        """A negation right before the phrase in its clause, or inside one of its gaps."""
        clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
        window = text[max(clause_start, start - NEGATION_WINDOW) : start]
        return any(self._has_negation(part) for part in (window, *gaps))

    def _has_negation(self, part: str) -> bool:
        for word in self.not_negations:
            part = part.replace(word, "·" * len(word))
        return bool(part) and bool(self.negation.search(part))

    def matching_text(self, text: str) -> str:
        return matching_text(text, self.variants)
