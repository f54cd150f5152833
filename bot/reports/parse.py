"""Read an informant's report: where (building, unit, room), who, what happened, and how risky.

    rules = load_report_rules("report_rules.yaml")
    parse_report("3栋2单元502 王阿姨 情绪很焦虑 说要去银行给公安转账", rules)
    → address 3栋/2单元/502, person 王阿姨, risk high because of 要去银行 and 给公安转账

The risk rules are data (report_rules.yaml); this module only applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.reports.address import Address, find_address, normalize
from bot.reports.person import find_person
from bot.reports.rules import ReportRules, RulesFileError
from bot.reports.rules_load import load_report_rules

__all__ = [
    "Address",
    "ParsedReport",
    "ReportRules",
    "RulesFileError",
    "danger_now",
    "load_report_rules",
    "parse_report",
]

MAX_CHARS = 2000  # longer messages are cut: a report is a few sentences, and parsing stays fast
_EDGE = " \t\r\n,.;:!?，。；：！？、~·-—"
# Words that only glue the address to the sentence ("住在3栋", "3栋的王阿姨").
_BEFORE_ADDRESS = re.compile(r"(?:家住在?|住在?|在)\s*$")
_AFTER_ADDRESS = re.compile(r"^\s*(?:的|那户|那家)")
_SOMEONE = re.compile(r"[他她]|有人|有个|有位|邻居|楼上|楼下|对门|隔壁")
_SPACE_AT_PUNCT = re.compile(r"\s+(?=[,.;:!?，。；：！？、])|(?<=[，。；：！？、])\s+")


@dataclass(frozen=True)
class ParsedReport:
    address: Address
    person: str | None
    situation: str
    risk: str | None
    risk_reasons: tuple[str, ...]
    is_report: bool


def danger_now(text: str, rules: ReportRules) -> tuple[str, ...]:
    """Danger-now phrases in a resident's own message ("我已经转了", "让我下载会议软件"); () if none."""
    if not isinstance(text, str):
        return ()
    seen = rules.matching_text(text[:MAX_CHARS])
    if rules.hypotheticals.find(seen):
        return ()  # "如果有人让我下载会议软件…" asks what to do; nothing is happening yet
    return rules.danger.find(seen, rules.is_negated)


def parse_report(text: str, rules: ReportRules) -> ParsedReport:
    """Read one message; never raises on a str (anything else reads as an empty message)."""
    clean = normalize(text[:MAX_CHARS]) if isinstance(text, str) else ""
    address, spans = find_address(clean)
    person = find_person(clean)
    seen = rules.matching_text(clean)
    level, reasons = _risk(seen, rules)
    if level is None and person and address.building:
        level = rules.unmatched_report
    if level and not _is_about_someone(seen, address, person, rules):
        level, reasons = None, ()
    return ParsedReport(
        address=address,
        person=person,
        situation=_situation(clean, spans),
        risk=level,
        risk_reasons=reasons,
        is_report=level is not None,
    )


def _risk(seen: str, rules: ReportRules) -> tuple[str | None, tuple[str, ...]]:
    """The highest level with a phrase found, and the words that decided it."""
    for level, phrases in rules.levels:
        found = phrases.find(seen, rules.is_negated)
        if found:
            return level, found
    return None, ()


def _is_about_someone(seen: str, address: Address, person: str | None, rules: ReportRules) -> bool:
    """Is this a report about a neighbour, rather than a forwarded SMS, a question or the sender's own trouble?"""
    if rules.forwarded_start and rules.forwarded_start.search(seen):
        return False  # a pasted scam SMS begins like one (【XX银行】, 尊敬的客户)
    if person is None and address.is_empty and rules.forwarded_marks.find(seen):
        return False
    if rules.hypotheticals.find(seen):
        return False
    if person is None and address.is_empty and rules.questions.find(seen):
        return False
    if person is None and rules.danger.find(seen, rules.is_negated):
        return False  # the sender is in trouble themselves: that is danger_now, not a report
    # Someone must be meant: a person, a home, or at least "她" / "有人" (not "我接到陌生电话").
    return person is not None or not address.is_empty or bool(_SOMEONE.search(seen))


def _situation(clean: str, spans: list[tuple[int, int]]) -> str:
    """The message without the address, tidied: '3栋2单元502 王阿姨 要去银行' → '王阿姨 要去银行'."""
    pieces, pos = [], 0
    for start, end in spans:
        before = clean[pos:start]
        pieces.append(_BEFORE_ADDRESS.sub("", before) if start > pos else before)
        pos = end + _glue_after(clean[end:])
    pieces.append(clean[pos:])
    text = "".join(pieces)
    text = _SPACE_AT_PUNCT.sub("", re.sub(r"\s+", " ", text))
    return text.strip(_EDGE)


def _glue_after(rest: str) -> int:
    match = _AFTER_ADDRESS.match(rest)
    return match.end() if match else 0
