"""Match a message against every phrasing of the library, through a precomputed word index.

A scammer never says a phrasing word for word, so exact fuzzy matching alone finds little in
real messages. Each phrasing is cut into words by jieba once, when the library loads, and each
word is weighted by how rare it is in ordinary Chinese (jieba's own word frequencies): "安全账户"
counts for much, "我们" for little. A phrasing's similarity to a stretch of the message is:

    max(weighted share of its words present there,  rapidfuzz partial_ratio / 100)

The first generalizes to new wording; the second (run only on the few best candidates) keeps
near-verbatim matches at full strength even when a typo or homophone breaks a word.
Long messages are scored window by window, so a phrasing's words must occur close together.
"""

from __future__ import annotations

import math
from collections import defaultdict

import jieba
from rapidfuzz import fuzz, process

from bot.detection.normalize import BOUNDARY

WINDOW = 100
STEP = 50  # phrasings up to WINDOW - STEP characters always fit whole inside some window
MIN_CONTAINMENT = 0.3  # a phrasing needs this share of its weight in a window to be a candidate
MAX_CANDIDATES = 12  # per window, best first, to be checked with rapidfuzz
RARE_FREQ = 50  # words rarer than this in jieba's dictionary all weigh the same
MAX_OCCURRENCES = 40
EVERYDAY_SHARE = 0.4  # weight kept by a word that also occurs in the library's benign examples  # a word seen more often in one message is judged on its first occurrences


def pairs_of(text: str) -> set[str]:
    """Distinct 2-character substrings, ignoring those that cross a sentence boundary."""
    pairs = {text[i : i + 2] for i in range(len(text) - 1)}
    return {p for p in pairs if BOUNDARY not in p}


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
        base_total: int | None = None,
        everyday: set[str] = frozenset(),
    ):
        self.phrasings = phrasings
        total = base_total or tokenizer.total
        self._freq = tokenizer.FREQ
        self._log_total = math.log(total)
        # Words of the library's own everyday (benign) examples weigh less: jieba's frequencies
        # come from older, formal text where "微信" or "方便吗" look rarer than they are in chats.
        self._everyday = everyday
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.weight: dict[str, float] = {}
        self.totals: list[float] = []
        for i, phrase in enumerate(phrasings):
            words = self._words(tokenizer, phrase)
            for word in words:
                self.postings[word].append(i)
                self.weight[word] = self._idf(word)
            self.totals.append(sum(self.weight[w] for w in words) or 1.0)
        self.by_head: dict[str, list[str]] = defaultdict(list)
        for word in self.postings:
            self.by_head[word[:2]].append(word)

    def _words(self, tokenizer: jieba.Tokenizer, phrase: str) -> list[str]:
        words = [w for w in tokenizer.cut(phrase, HMM=False) if len(w) >= 2 and "#" not in w and BOUNDARY not in w]
        # A phrasing of single characters only is kept whole, as one "word".
        return list(dict.fromkeys(words)) or [phrase]

    def _idf(self, word: str) -> float:
        idf = self._log_total - math.log(max(self._freq.get(word, 0), RARE_FREQ))
        return idf * EVERYDAY_SHARE if word in self._everyday else idf

    def search(self, text: str) -> dict[int, tuple[float, int]]:
        """phrasing index -> (best similarity 0..100, start of the window it was found in)."""
        best: dict[int, tuple[float, int]] = {}
        starts = window_starts(len(text))
        for k, words in self._words_per_window(text, starts).items():
            window = text if len(starts) == 1 else text[starts[k] : starts[k] + WINDOW]
            for i, score in self._score_window(window, words):
                if score > best.get(i, (0.0, 0))[0]:
                    best[i] = (score, starts[k])
        return best

    def _words_per_window(self, text: str, starts: list[int]) -> dict[int, set[str]]:
        """Which library words occur (whole) inside each window."""
        per_window: dict[int, set[str]] = defaultdict(set)
        last = len(starts) - 1
        for head in pairs_of(text) & self.by_head.keys():
            for word in self.by_head[head]:
                pos, seen = text.find(word), 0
                while pos >= 0 and seen < MAX_OCCURRENCES:
                    seen += 1
                    first = 0 if last == 0 else max(0, -(-(pos + len(word) - WINDOW) // STEP))
                    for k in range(first, min(last, pos // STEP) + 1):
                        per_window[k].add(word)
                    pos = text.find(word, pos + 1)
        return per_window

    def _score_window(self, window: str, words: set[str]) -> list[tuple[int, float]]:
        share: dict[int, float] = defaultdict(float)
        weight, postings = self.weight, self.postings
        for word in words:
            for i in postings[word]:
                share[i] += weight[word]
        totals = self.totals
        candidates = [(s / totals[i], i) for i, s in share.items() if s >= MIN_CONTAINMENT * totals[i]]
        if not candidates:
            return []
        candidates.sort(reverse=True)
        del candidates[MAX_CANDIDATES:]
        choices = [self.phrasings[i] for _, i in candidates]
        # extract() returns its results best first; the choice index k maps back to the phrasing.
        ratios = process.extract(window, choices, scorer=fuzz.partial_ratio, limit=None)
        return [(candidates[k][1], max(100.0 * candidates[k][0], ratio)) for _c, ratio, k in ratios]

    def aligned_text(self, index: int, text: str, start: int) -> str:
        """The part of the message a phrasing matched, to show the resident as evidence."""
        window = text if len(window_starts(len(text))) == 1 else text[start : start + WINDOW]
        alignment = fuzz.partial_ratio_alignment(self.phrasings[index], window)
        if alignment is None:
            return ""
        return window[alignment.dest_start : alignment.dest_end].strip(BOUNDARY)
