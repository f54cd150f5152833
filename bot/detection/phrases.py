"""Match a message against every phrasing of the library, through a precomputed word index.

A scammer never says a phrasing word for word, so exact fuzzy matching alone finds little in
real messages. Each phrasing is cut into words by jieba once, when the library loads, and each
word is weighted by how rare it is in ordinary Chinese (jieba's own word frequencies): "安全账户"
counts for much, "我们" for little. A phrasing's similarity to a stretch of the message is:

    max(weighted share of its words present there,  rapidfuzz partial_ratio / 100)

The first generalizes to new wording; the second (run only on the few best candidates) keeps
near-verbatim matches at full strength even when a typo or homophone breaks a word.
Long messages are scored window by window, so a phrasing's words must occur close together.
The shares of all phrasings in a window are one numpy bincount over the posting lists of the
words present: no Python loop over phrasings, whatever the size of the library.
"""

from __future__ import annotations

import math
import operator
from collections import defaultdict

import jieba
import numpy as np
from rapidfuzz import fuzz

from bot.detection.normalize import BOUNDARY

WINDOW = 100
STEP = 50  # phrasings up to WINDOW - STEP characters always fit whole inside some window
MIN_CONTAINMENT = 0.3  # share of a phrasing's weight a window must hold to count at all
MAX_CANDIDATES = 24  # per window, best first
RERANK = 16  # per message, best first, checked again with rapidfuzz
RARE_FREQ = 50  # words rarer than this in jieba's dictionary all weigh the same
MAX_OCCURRENCES = 40  # a word seen more often in one message is judged on its first occurrences
EVERYDAY_SHARE = 0.4  # weight kept by a word that also occurs in the library's benign examples
# A phrasing made only of everyday words ("最近忙不忙？有点事想麻烦你") is found, whole, in
# countless harmless chats. Its share is taken of at least this much weight, so a phrasing
# needs some specific words (about two rare ones) to reach full similarity.
MIN_SPECIFIC_WEIGHT = 30.0


def pairs_of(text: str) -> set[str]:
    """Distinct 2-character substrings, ignoring those that cross a sentence boundary."""
    pairs: set[str] = set()
    for sentence in text.split(BOUNDARY):  # per sentence: no pair to filter out afterwards
        pairs.update(map(operator.add, sentence, sentence[1:]))
    return pairs


def window_starts(length: int) -> list[int]:
    if length <= WINDOW + STEP // 2:
        return [0]
    return list(range(0, max(1, length - STEP), STEP))


class PhraseIndex:
    """Phrasings (already normalized), their words and weights, and word -> phrasings."""

    def __init__(
        self,
        phrasings: list[str],
        tokenizer: jieba.Tokenizer,
        base_total: int = 0,
        everyday: set[str] = frozenset(),
    ):
        self.phrasings = phrasings
        self._freq = tokenizer.FREQ
        self._log_total = math.log(base_total or tokenizer.total)
        # Words of the library's own everyday (benign) examples weigh less: jieba's frequencies
        # come from older, formal text where "微信" or "方便吗" look rarer than they are in chats.
        self._everyday = everyday
        postings: dict[str, list[int]] = defaultdict(list)
        self.words = [self._words(tokenizer, phrase) for phrase in phrasings]
        for i, words in enumerate(self.words):
            for word in words:
                postings[word].append(i)
        self.weight = {word: self._idf(word) for word in postings}
        self.ids = {word: np.array(ids, dtype=np.int32) for word, ids in postings.items()}
        self.weights = {word: np.full(len(ids), self.weight[word]) for word, ids in postings.items()}
        totals = np.zeros(len(phrasings))
        for word, ids in self.ids.items():
            totals[ids] += self.weight[word]
        self.totals = np.maximum(totals, MIN_SPECIFIC_WEIGHT)
        self.by_head: dict[str, list[str]] = defaultdict(list)
        for word in postings:
            self.by_head[word[:2]].append(word)

    def _words(self, tokenizer: jieba.Tokenizer, phrase: str) -> list[str]:
        words = [
            w for w in tokenizer.cut(phrase, HMM=False) if len(w) >= 2 and "#" not in w and BOUNDARY not in w
        ]
        # A phrasing of single characters only is kept whole, as one "word".
        return list(dict.fromkeys(words)) or [phrase]

    def _idf(self, word: str) -> float:
        idf = self._log_total - math.log(max(self._freq.get(word, 0), RARE_FREQ))
        return idf * EVERYDAY_SHARE if word in self._everyday else idf

    def search(self, text: str, pairs: set[str] | None = None) -> dict[int, tuple[float, int]]:
        """phrasing index -> (best similarity 0..100, start of the window it was found in)."""
        starts = window_starts(len(text))
        best: dict[int, tuple[float, int]] = {}
        for k, words in sorted(self._words_per_window(text, starts, pairs).items()):
            for share, i in self._candidates(words):
                if share > best.get(i, (0.0, 0))[0]:
                    best[i] = (share, k)
        result = {i: (100.0 * share, starts[k]) for i, (share, k) in best.items()}
        # rapidfuzz only for the few best: it can raise a near-verbatim match that a typo or a
        # homophone kept from sharing whole words; it cannot find anything the words did not.
        for i, (share, k) in sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:RERANK]:
            window = text if len(starts) == 1 else text[starts[k] : starts[k] + WINDOW]
            ratio = fuzz.partial_ratio(self.phrasings[i], window, score_cutoff=100.0 * share)
            if ratio > 100.0 * share:
                result[i] = (ratio, starts[k])
        return result

    def _words_per_window(self, text: str, starts: list[int], pairs: set[str] | None) -> dict[int, set[str]]:
        """Which library words occur (whole) inside each window."""
        per_window: dict[int, set[str]] = defaultdict(set)
        last = len(starts) - 1
        # Sorted, here and below: set order changes with Python's hash seed, and the verdict of a
        # message must not depend on which gunicorn worker happens to judge it.
        for head in sorted((pairs_of(text) if pairs is None else pairs) & self.by_head.keys()):
            for word in self.by_head[head]:
                if last == 0:  # one window: the whole (short) message
                    if word in text:
                        per_window[0].add(word)
                    continue
                pos, seen = text.find(word), 0
                while pos >= 0 and seen < MAX_OCCURRENCES:
                    seen += 1
                    first = max(0, -(-(pos + len(word) - WINDOW) // STEP))
                    for k in range(first, min(last, pos // STEP) + 1):
                        per_window[k].add(word)
                    pos = text.find(word, pos + 1)
        return per_window

    def _candidates(self, words: set[str]) -> list[tuple[float, int]]:
        """(share of weight present, phrasing) for the best phrasings of one window."""
        ordered = sorted(words)  # a fixed order of float additions: the same share every time
        ids = np.concatenate([self.ids[w] for w in ordered])
        weights = np.concatenate([self.weights[w] for w in ordered])
        share = np.bincount(ids, weights=weights, minlength=len(self.phrasings)) / self.totals
        hit = np.flatnonzero(share >= MIN_CONTAINMENT)
        if len(hit) > MAX_CANDIDATES:
            hit = hit[np.argpartition(share[hit], -MAX_CANDIDATES)[-MAX_CANDIDATES:]]
        return [(float(share[i]), int(i)) for i in hit]

    def aligned_text(self, index: int, text: str, start: int) -> str:
        """The part of the message a phrasing matched, to show the resident as evidence:
        from its first to its last word found there, or rapidfuzz's alignment when closer."""
        window = text if len(window_starts(len(text))) == 1 else text[start : start + WINDOW]
        spans = [(window.find(w), window.find(w) + len(w)) for w in self.words[index] if w in window]
        if spans:
            left, right = min(s for s, _ in spans), max(e for _, e in spans)
            if right - left <= 2 * len(self.phrasings[index]):
                return window[left:right].strip(BOUNDARY)
        alignment = fuzz.partial_ratio_alignment(self.phrasings[index], window)
        if alignment is None:
            return ""
        return window[alignment.dest_start : alignment.dest_end].strip(BOUNDARY)
