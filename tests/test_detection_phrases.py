"""The phrase index's plain-Python path for short messages gives exactly what numpy gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.detection import Detector, load_library
from bot.detection.normalize import BOUNDARY, normalize_message
from bot.detection.phrases import pairs_of, window_starts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def index():
    return Detector(load_library(ROOT / "scam_patterns.yaml")).phrases


def one_window_word_sets(index) -> list[list[int]]:
    library = load_library(ROOT / "scam_patterns.yaml")
    texts = [text for t in library.types for text in (*t.examples, *t.lookalikes)]
    texts += [text for group in library.benign for text in group.examples]
    word_sets = []
    for text in texts:
        compact = normalize_message(text).compact
        if len(window_starts(len(compact))) == 1:
            words = sorted(index._windows_per_word(compact, 1, pairs_of(compact)))
            if words:
                word_sets.append(words)
    return word_sets


def test_short_messages_score_exactly_as_with_numpy(index):
    compared = 0
    for words in one_window_word_sets(index):
        plain = index._scored_one(words)
        if plain is None:  # more candidates than kept: numpy picks them
            continue
        # the same phrasings, in the same order, with bit-identical shares
        assert plain == index._scored(*index._postings_of(words, [0] * len(words)), 0, 1)
        compared += 1
    assert compared > 300


def pairs_by_sentence(text: str) -> set[str]:
    return {s[i : i + 2] for s in text.split(BOUNDARY) for i in range(len(s) - 1)}


@given(st.text(alphabet="。刷单返利ab#", max_size=40))
@example("。。")
@example("刷。")
@example("。刷")
def test_pairs_never_hold_a_sentence_boundary(text):
    assert pairs_of(text) == pairs_by_sentence(text)
