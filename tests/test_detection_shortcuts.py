"""Shortcuts in the detection core answer exactly as the long way they stand in for."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.detection import Detector, load_library, scoring, terms
from bot.detection.normalize import BOUNDARY
from bot.detection.tokenizer import MessageCuts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tokenizer():
    return Detector(load_library(ROOT / "scam_patterns.yaml")).terms.tokenizer


# --- negation: a window without any opening character is not negated -----------------------
def first_characters(pattern: str) -> set[str]:
    """Every character a match of pattern can start with (literals and classes of literals)."""
    from re import _constants as c  # noqa: PLC0415 - the parser's own names, for this test only
    from re import _parser as parser  # noqa: PLC0415

    def of(items) -> set[str]:
        op, arg = items[0]
        if op is c.LITERAL:
            return {chr(arg)}
        if op is c.IN:
            assert all(kind is c.LITERAL for kind, _ in arg), f"a class this test cannot read: {arg}"
            return {chr(value) for _, value in arg}
        if op is c.SUBPATTERN:
            return of(list(arg[-1]))
        if op is c.BRANCH:
            return set().union(*(of(list(branch)) for branch in arg[1]))
        if op is c.AT:  # "$" of "无$" is not a first character: the branch opens with 无
            raise AssertionError("a branch that opens with an anchor")
        raise AssertionError(f"a construct this test cannot read: {op}")

    return of(list(parser.parse(pattern)))


def test_negation_openers_cover_every_branch():
    opening = set(terms._NEGATION_OPENERS.pattern.strip("[]"))
    assert first_characters(terms._NEGATION.pattern) <= opening
    assert first_characters(terms._REFUSED_LIST.pattern) <= opening


def negated_the_long_way(text: str, start: int) -> bool:
    window = text[max(0, start - terms._LOOKBACK) : start].rsplit(BOUNDARY, 1)[-1]
    if terms._NEGATION.search(terms._CLAUSE_JOIN.split(window)[-1]):
        return True
    wide = text[max(0, start - terms._LIST_LOOKBACK) : start].rsplit(BOUNDARY, 1)[-1]
    return bool(terms._REFUSED_LIST.search(terms._CLAUSE_JOIN.split(wide)[-1]))


NEGATION_ALPHABET = sorted(
    set(re.sub(r"[^\u4e00-\u9fff]", "", terms._NEGATION.pattern + terms._REFUSED_LIST.pattern))
    | set("并然后我你把钱转给账户" + BOUNDARY)
)


@given(st.text(alphabet=NEGATION_ALPHABET, max_size=40), st.integers(min_value=0, max_value=40))
@example("请不要把验证码告诉别人", 6)
@example("不需要提供银行卡密码和验证码", 12)
@example("我给奶奶交了押金", 7)
def test_negated_with_the_shortcut_equals_the_long_way(text, start):
    start = min(start, len(text))
    assert terms._negated(text, start) == negated_the_long_way(text, start)


# --- the single-character table in front of jieba's dictionary ------------------------------
def words_from_the_long_way(tokenizer, text: str, pos: int) -> list[tuple[int, float]]:
    words, log_total = [], math.log(tokenizer.total)
    for last in range(pos, len(text)):
        count = tokenizer.FREQ.get(text[pos : last + 1])
        if count is None:
            break
        if count:
            words.append((last, math.log(count) - log_total))
    return words


@given(st.text(alphabet="的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由长已所", min_size=1, max_size=24))
@example("集中奖励")
@example("验证码qq号\u9fff\U00020000")
def test_single_character_table_gives_what_the_dictionary_gives(tokenizer, text):
    cuts = MessageCuts(tokenizer, text)
    log_total = math.log(tokenizer.total)
    for pos in range(len(text)):
        assert cuts._words_from(pos) == words_from_the_long_way(tokenizer, text, pos)
        assert cuts._logp(text[pos]) == math.log(tokenizer.FREQ.get(text[pos]) or 1) - log_total


def test_single_character_table_keeps_only_the_dictionarys_characters(tokenizer):
    made_up = "".join(chr(0xE000 + i) for i in range(500))  # private use: in no dictionary
    table: dict[str, object] = {}  # kept from message to message, as TermIndex keeps its own
    for text in ("验证码" + made_up, made_up + "转账"):
        cuts = MessageCuts(tokenizer, text, table)
        for pos in range(len(text)):
            cuts._words_from(pos)
    assert {"验", "证", "码", "转", "账"} <= set(table)
    assert not set(made_up) & set(table)


# --- one sort for a type's score and rank ----------------------------------------------------
def score_the_long_way(ev: scoring.TypeEvidence) -> float:
    sims = sorted([s for s in ev.similarities if s > scoring.PHRASE_FLOOR], reverse=True)
    if not (sims or ev.keywords or ev.combos):
        return 0.0
    weights = [scoring.phrase_weight(s) for s in sims[:1]]
    weights += [scoring.EXTRA_PHRASE_SHARE * scoring.phrase_weight(s) for s in sims[1 : 1 + scoring.EXTRA_PHRASES]]
    weights += [scoring.KEYWORD_WEIGHT] * min(len(ev.keywords), scoring.MAX_KEYWORDS)
    weights += sorted(ev.combos, reverse=True)[:1]
    return scoring.noisy_or(weights)


def rank_the_long_way(ev: scoring.TypeEvidence) -> float:
    sims = sorted(ev.similarities, reverse=True)[: scoring.RANK_PHRASES]
    combo = scoring.RANK_COMBO * max(ev.combos, default=0.0)
    return sum(sims) + scoring.RANK_KEYWORD * min(len(ev.keywords), scoring.MAX_KEYWORDS) + combo


similarity = st.floats(min_value=0.0, max_value=1.0) | st.sampled_from([scoring.PHRASE_FLOOR, 0.5, 1.0])


@given(
    st.lists(similarity, max_size=12),
    st.lists(st.sampled_from(["刷单", "返利", "佣金"]), max_size=5),
    st.lists(st.floats(min_value=0.0, max_value=1.0), max_size=3),
)
@example([0.45, 0.45, 0.46], [], [])
@example([1.0, 0.9, 0.9, 0.8, 0.7, 0.6], ["刷单"], [0.5, 0.7])
def test_weigh_gives_the_score_and_rank_of_the_long_way(similarities, keywords, combos):
    ev = scoring.TypeEvidence(similarities, keywords, combos)
    assert ev.weigh() == (score_the_long_way(ev), rank_the_long_way(ev))
