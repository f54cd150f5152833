"""Match a message against every phrasing of the library, through a precomputed word index.

A scammer never says a phrasing word for word, so exact fuzzy matching alone finds little in
real messages. Each phrasing is cut into words by jieba once, when the library loads, and each
word is weighted by how rare it is in ordinary Chinese (jieba's own word frequencies): "安全账户"
counts for much, "我们" for little. A phrasing's similarity to a stretch of the message is:

    max(weighted share of its words present there,  rapidfuzz partial_ratio / 100)

The first generalizes to new wording; the second (run only on the few best candidates) keeps
near-verbatim matches at full strength even when a typo or homophone breaks a word.
Long messages are scored window by window, so a phrasing's words must occur close together.
The shares of all phrasings in all windows are one numpy bincount over the posting lists of the
words present (window k's bins offset by k phrasings): no Python loop over phrasings or windows,
whatever the size of the library. A short message (one window, a few hundred posting entries at
most) adds up the same entries in plain Python instead: the same sums, without numpy's per-call cost.
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
# A message of one window is scored in plain Python up to this many posting entries (a grown
# library's long lists go to numpy, which is faster past about two hundred).
PLAIN_ENTRIES = 200
BINS_PER_BATCH = 1 << 17  # 1 MB of float64 shares
RERANK = 16  # per message, best first, checked again with rapidfuzz
RARE_FREQ = 50  # words rarer than this in jieba's dictionary all weigh the same
MAX_OCCURRENCES = 40  # a word seen more often in one message is judged on its first occurrences
EVERYDAY_SHARE = 0.4  # weight kept by a word that also occurs in the library's benign examples
# A phrasing made only of everyday words ("最近忙不忙？有点事想麻烦你") is found, whole, in
# countless harmless chats. Its share is taken of at least this much weight, so a phrasing
# needs some specific words (about two rare ones) to reach full similarity.
MIN_SPECIFIC_WEIGHT = 30.0


def pairs_of(text: str) -> set[str]:
    """Distinct 2-character substrings, ignoring those that hold a sentence boundary."""
    pairs = set(map(operator.add, text, text[1:]))
    # The pairs that hold a boundary are the two around each one: fewer to take out than
    # sentences to cut the text into (a chat has a boundary every few words).
    at = text.find(BOUNDARY)
    while at >= 0:
        pairs.discard(text[at - 1 : at + 1] if at else BOUNDARY)
        pairs.discard(text[at : at + 2])
        at = text.find(BOUNDARY, at + 1)
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
        # Words are numbered in sorted order: sorting a window's word numbers gives the fixed order
        # of float additions that keeps every share the same from run to run. Their posting lists
        # lie end to end in one array, so a message's lists are gathered by one index operation.
        vocabulary = sorted(postings)
        self.postings = np.array([i for word in vocabulary for i in postings[word]], dtype=np.int64)
        self.postings_len = np.array([len(postings[word]) for word in vocabulary], dtype=np.int64)
        self.postings_first = np.cumsum(self.postings_len) - self.postings_len
        self.word_weight = np.array([self.weight[word] for word in vocabulary])
        totals = np.zeros(len(phrasings))
        for word, ids in postings.items():  # in the order the words were first met, as ever
            totals[ids] += self.weight[word]
        self.totals = np.maximum(totals, MIN_SPECIFIC_WEIGHT)
        # ...and as plain Python lists and floats, for _scored_one
        self.ids_of = [postings[word] for word in vocabulary]
        self.weight_of = self.word_weight.tolist()
        self.totals_list = self.totals.tolist()
        self.by_head: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for number, word in enumerate(vocabulary):
            self.by_head[word[:2]].append((word, number))
        # Windows scored in one bincount: as many as keep its bins within the CPU's cache.
        self.windows_per_batch = max(1, BINS_PER_BATCH // max(1, len(phrasings)))

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
        for k, share, i in self._candidates(self._windows_per_word(text, len(starts), pairs), len(starts)):
            if share > best.get(i, (0.0, 0))[0]:
                best[i] = (share, k)
        result = {i: (100.0 * share, starts[k]) for i, (share, k) in best.items()}
        # rapidfuzz only for the few best: it can raise a near-verbatim match that a typo or a
        # homophone kept from sharing whole words; it cannot find anything the words did not.
        # (Best first, ties by phrasing: sorting (-share, i) pairs, not items with a key function.)
        for _, i in sorted([(-share, i) for i, (share, _k) in best.items()])[:RERANK]:
            share, k = best[i]
            window = text if len(starts) == 1 else text[starts[k] : starts[k] + WINDOW]
            ratio = fuzz.partial_ratio(self.phrasings[i], window, score_cutoff=100.0 * share)
            if ratio > 100.0 * share:
                result[i] = (ratio, starts[k])
        return result

    def _windows_per_word(self, text: str, windows: int, pairs: set[str] | None) -> dict[int, int]:
        """Which library words occur (whole) inside which windows: word number -> bit mask of
        the windows (bit k: window k)."""
        heads = (pairs_of(text) if pairs is None else pairs) & self.by_head.keys()
        if windows == 1:  # the whole (short) message
            return {number: 1 for head in heads for word, number in self.by_head[head] if word in text}
        found: dict[int, int] = {}
        every = (1 << windows) - 1
        for head in heads:
            for word, number in self.by_head[head]:
                pos, seen, mask = text.find(word), 0, 0
                # (plain comparisons, not min/max: this runs for each occurrence of each word)
                while pos >= 0 and seen < MAX_OCCURRENCES and mask != every:
                    seen += 1
                    reach = pos + len(word) - WINDOW  # a window holding the word starts here or later
                    first = -(-reach // STEP) if reach > 0 else 0
                    end = pos // STEP + 1  # windows first..end-1 hold this occurrence
                    if end > windows:
                        end = windows
                    if first < end:
                        mask |= (1 << end) - (1 << first)
                    pos = text.find(word, pos + 1)
                if mask:
                    found[number] = mask
        return found

    def _candidates(self, windows_of: dict[int, int], windows: int) -> list[tuple[int, float, int]]:
        """(window, share of weight present, phrasing) for the best phrasings of each window,
        window by window."""
        words = sorted(windows_of)  # a fixed order of float additions: the same share every time
        if windows == 1:
            if not words:
                return []
            found = self._scored_one(words)
            return found if found is not None else self._scored(*self._postings_of(words, [0] * len(words)), 0, 1)
        found = []
        for first in range(0, windows, self.windows_per_batch):
            rows = min(windows, first + self.windows_per_batch) - first
            word_at, row_at = _word_windows(words, windows_of, first, rows)
            if word_at:
                found += self._scored(*self._postings_of(word_at, row_at), first, rows)
        return found

    def _scored_one(self, words: list[int]) -> list[tuple[int, float, int]] | None:
        """_scored for a message of one window (most SMS), in plain Python: its words' posting lists
        are short (~100 entries with the library as shipped), and one numpy call costs more than
        all of them, the more so when the process comes back to it with cold caches between
        requests. The same additions in the same order as bincount, so the same shares. None, for
        numpy to do it, past PLAIN_ENTRIES entries or when more than MAX_CANDIDATES phrasings
        qualify (then _scored picks them, as ever)."""
        ids_of = self.ids_of
        if sum([len(ids_of[number]) for number in words]) > PLAIN_ENTRIES:
            return None
        sums: dict[int, float] = {}
        get = sums.get
        for number in words:
            weight = self.weight_of[number]
            for i in ids_of[number]:
                sums[i] = get(i, 0.0) + weight
        totals = self.totals_list
        found = []
        for i, total in sums.items():  # a loop, not a generator: this runs for every message
            share = total / totals[i]
            if share >= MIN_CONTAINMENT:
                found.append((0, share, i))
        if len(found) > MAX_CANDIDATES:
            return None
        found.sort(key=_PHRASING)
        return found

    def _postings_of(self, word_at: list[int], row_at: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(bin, weight) of each phrasing of each (word, window row): window row r's bins are
        r * phrasings + phrasing. Entry by entry, so each bin still adds its words in sorted order."""
        words = np.array(word_at, dtype=np.int64)
        lengths = self.postings_len[words]
        ends = np.cumsum(lengths)
        # the posting lists of words, end to end: element j of entry e is postings[first_e + j]
        bins = self.postings[
            np.arange(ends[-1]) + np.repeat(self.postings_first[words] - (ends - lengths), lengths)
        ]
        bins += np.repeat(np.array(row_at, dtype=np.int64) * len(self.phrasings), lengths)
        return bins, np.repeat(self.word_weight[words], lengths)

    def _scored(
        self, bins: np.ndarray, weights: np.ndarray, first: int, rows: int
    ) -> list[tuple[int, float, int]]:
        """The candidates of windows first..first+rows-1 from their (bin, weight) pairs: one bincount."""
        count = len(self.phrasings)
        sums = np.bincount(bins, weights=weights, minlength=rows * count).reshape(rows, count)
        share = (sums / self.totals).ravel()
        hit = np.flatnonzero(share >= MIN_CONTAINMENT)
        if len(hit) > MAX_CANDIDATES:
            per_window = np.bincount(hit // count, minlength=rows)
            if per_window.max() > MAX_CANDIDATES:
                hit = np.concatenate(
                    [_best(share, part) for part in np.split(hit, np.cumsum(per_window)[:-1])]
                )
        if rows == 1:
            return [(first, value, i) for value, i in zip(share[hit].tolist(), hit.tolist(), strict=True)]
        rows_hit = (hit // count + first).tolist()
        return list(zip(rows_hit, share[hit].tolist(), (hit % count).tolist(), strict=True))

    def aligned_text(self, index: int, text: str, start: int) -> str:
        """The part of the message a phrasing matched, to show the resident as evidence:
        from its first to its last word found there, or rapidfuzz's alignment when closer."""
        window = text if len(window_starts(len(text))) == 1 else text[start : start + WINDOW]
        left, right = len(window), -1  # from the first word found to the end of the last
        for word in self.words[index]:
            pos = window.find(word)
            if pos >= 0:
                left, right = min(left, pos), max(right, pos + len(word))
        if right >= 0 and right - left <= 2 * len(self.phrasings[index]):
            return window[left:right].strip(BOUNDARY)
        alignment = fuzz.partial_ratio_alignment(self.phrasings[index], window)
        if alignment is None:
            return ""
        return window[alignment.dest_start : alignment.dest_end].strip(BOUNDARY)


_PHRASING = operator.itemgetter(2)


def _best(share: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """The MAX_CANDIDATES best of one window's hits (argpartition picks among equal shares the
    same way for the same array, so the same ones as when windows were scored one by one)."""
    if len(hit) <= MAX_CANDIDATES:
        return hit
    return hit[np.argpartition(share[hit], -MAX_CANDIDATES)[-MAX_CANDIDATES:]]


def _word_windows(
    words: list[int], windows_of: dict[int, int], first: int, rows: int
) -> tuple[list[int], list[int]]:
    """(word, window - first) for each word and each of windows first..first+rows-1 it occurs
    in: word by word (in sorted order), each word's windows ascending."""
    word_at, row_at = [], []
    for number in words:
        mask = (windows_of[number] >> first) & ((1 << rows) - 1)
        while mask:
            lowest = mask & -mask
            word_at.append(number)
            row_at.append(lowest.bit_length() - 1)
            mask ^= lowest
    return word_at, row_at
