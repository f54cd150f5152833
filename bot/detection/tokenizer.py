"""jieba, with the library's own terms in its dictionary so they stay whole.

The stock dictionary takes ~0.7 s to load (from a cache) and ~3 s to build without one, so it is
loaded once per process and each library gets a cheap copy with its terms added. We never touch
jieba's global tokenizer: other code in the process may use it with other words.
"""

from __future__ import annotations

import array
import logging
import math
import os
import struct
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

_ROOT = Path(__file__).resolve().parent.parent.parent
_base: jieba.Tokenizer | None = None
_lock = threading.Lock()


def cache_dir() -> Path:
    """A writable folder for jieba's dictionary cache: FANZHA_CACHE_DIR, the project, or temp."""
    for candidate in (os.environ.get("FANZHA_CACHE_DIR"), _ROOT / ".jieba_cache"):
        if not candidate:
            continue
        path = Path(candidate)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(path, os.W_OK):
            return path
    return Path(tempfile.gettempdir())


def base_tokenizer() -> jieba.Tokenizer:
    """The stock dictionary, loaded once per process (thread-safe)."""
    global _base
    with _lock:
        if _base is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.tmp_dir = str(cache_dir())
            tokenizer.cache_file = "jieba.cache"
            flat = cache_dir() / FLAT_CACHE
            loaded = read_flat_cache(flat)
            if loaded is None:
                tokenizer.initialize()  # jieba's own (marshal) cache, or the dictionary itself
                write_flat_cache(flat, tokenizer.FREQ, tokenizer.total)
            else:
                tokenizer.FREQ, tokenizer.total = loaded
                tokenizer.initialized = True
            _base = tokenizer
        return _base


# jieba caches its dictionary with marshal, which takes ~1 s to load its 500,000 entries here, most
# of a worker's cold start. The same entries as one UTF-8 block of words and one array of counts load
# in ~0.2 s, and, unlike a pickle, reading the file cannot run code. Keyed on jieba's dictionary file.
FLAT_CACHE = "jieba-freq.bin"
_FLAT_MAGIC = b"FZJIEBA1" + sys.byteorder[0].encode()
_FLAT_HEADER = struct.Struct("<qqqqq")  # dictionary size, its mtime_ns, total, entries, words' bytes


def _dictionary_stamp() -> tuple[int, int]:
    stat = (Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME).stat()
    return stat.st_size, stat.st_mtime_ns


def write_flat_cache(path: Path, freq: dict[str, int], total: int) -> None:
    words = list(freq)
    if any("\n" in word for word in words):
        return  # cannot happen with jieba's dictionary; never write a file that reads back wrong
    blob = "\n".join(words).encode("utf-8")
    header = _FLAT_HEADER.pack(*_dictionary_stamp(), total, len(words), len(blob))
    try:
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as out:
            out.write(_FLAT_MAGIC + header + blob)
            out.write(array.array("q", (freq[word] for word in words)).tobytes())
        os.replace(out.name, path)
    except OSError as exc:  # a read-only place: the next start builds it again
        logging.getLogger(__name__).warning("could not write %s: %s", path, exc)


def read_flat_cache(path: Path) -> tuple[dict[str, int], int] | None:
    """(FREQ, total) from the flat cache, or None when it is missing, stale or damaged."""
    try:
        with path.open("rb") as cache:
            if os.fstat(cache.fileno()).st_uid != os.getuid():
                return None  # someone else's file (a shared temp folder): do not let it steer the cuts
            data = cache.read()
        start = len(_FLAT_MAGIC) + _FLAT_HEADER.size
        if data[: len(_FLAT_MAGIC)] != _FLAT_MAGIC:
            return None
        size, mtime, total, entries, blob_len = _FLAT_HEADER.unpack_from(data, len(_FLAT_MAGIC))
        if (size, mtime) != _dictionary_stamp():
            return None
        words = data[start : start + blob_len].decode("utf-8").split("\n")
        counts = array.array("q")
        counts.frombytes(data[start + blob_len :])
    except (OSError, ValueError, struct.error, UnicodeDecodeError):
        return None
    if len(words) != entries or len(counts) != entries:
        return None
    return dict(zip(words, counts, strict=True)), total


def tokenizer_with(words: Iterable[str]) -> jieba.Tokenizer:
    """A private copy of the stock tokenizer that keeps each of words whole."""
    base = base_tokenizer()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(base.FREQ)
    tokenizer.total = base.total
    tokenizer.initialized = True
    for word in sorted(set(words)):
        if len(word) >= 2:
            # suggest_freq (freq=None) gives the smallest frequency that keeps the word whole,
            # so a library term does not swallow its neighbours ("集中奖励" stays 集中/奖励).
            tokenizer.add_word(word)
    return tokenizer


def is_whole(
    tokenizer: jieba.Tokenizer, text: str, start: int, end: int, margin: int = 4, loose: bool = False
) -> bool:
    """Does text[start:end] fall on token boundaries when the text around it is cut?
    (One question about one text; a caller with several uses MessageCuts.)"""
    return MessageCuts(tokenizer, text).is_whole(start, end, margin, loose)


# jieba cuts runs of these characters with its dictionary; every other character is a token.
_HAN_RUN = jieba.re_han_default
# Single-character tokens of these are glued back together by jieba ("qq", "app" stay whole).
_ENG = jieba.re_eng


def _is_eng(char: str) -> bool:
    """_ENG.match for one character, without a regex call (this runs per boundary question)."""
    return char.isascii() and char.isalnum()


_ABSENT = object()  # see MessageCuts._single
_UNSEEN = object()


class MessageCuts:
    """Answers is_whole for one message, with exactly the cuts jieba's tokenizer.cut(snippet,
    HMM=False) would make of each snippet around a word.

    Cutting a snippet costs ~15 µs in jieba, and most questions need no cutting: a position
    that no dictionary word of the snippet straddles is a boundary on every path jieba could
    choose, and that takes a few dictionary lookups to see. Only when some word does straddle
    it is the snippet's best path worked out, with jieba's own arithmetic (same sums, same
    tie-break) so the cuts are the same.
    """

    def __init__(self, tokenizer: jieba.Tokenizer, text: str, characters: dict[str, object] | None = None):
        """characters: the table of the dictionary's single characters to read and fill (see
        _single), kept by the caller from message to message; a fresh one when not given."""
        self.text = text
        self.freq = tokenizer.FREQ
        self.log_total = math.log(tokenizer.total)
        self._chars = {} if characters is None else characters
        self._words_at: dict[int, list[tuple[int, float]]] = {}
        self._cuts_of_run: dict[tuple[int, int], set[int]] = {}
        self._answers: dict[tuple[int, int, int], bool] = {}

    def is_whole(self, start: int, end: int, margin: int = 4, loose: bool = False) -> bool:
        """loose: one boundary is enough ("领导" in "上级领导", "我是" in "我是你"), which still
        keeps "中奖" out of "集中奖励"."""
        left = start - margin if start > margin else 0
        right = min(len(self.text), end + margin)
        if self._is_cut(start, left, right):
            return loose or self._is_cut(end, left, right)
        return loose and self._is_cut(end, left, right)

    def _is_cut(self, pos: int, left: int, right: int) -> bool:
        """Is pos a token boundary when text[left:right] is cut? (A quarter of the questions
        come twice: a cue word asked strictly then loosely, pairs sharing a first word.)"""
        key = (pos, left, right)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = (
                pos <= left
                or pos >= right
                or not self._may_straddle(pos, left, right)
                or self._cut_on_route(pos, left, right)
            )
        return answer

    def _cut_on_route(self, pos: int, left: int, right: int) -> bool:
        for run in _HAN_RUN.finditer(self.text, left, right):
            if run.start() < pos < run.end():
                return pos in self._run_cuts(run.start(), run.end())
        return True  # outside the runs every character is a token of its own

    def _may_straddle(self, pos: int, left: int, right: int) -> bool:
        """Could a token of text[left:right] run across pos: a dictionary word that does, or
        two letters that jieba would glue into one token?"""
        text = self.text
        if _is_eng(text[pos - 1]) and _is_eng(text[pos]):
            return True
        # FREQ holds every prefix of every word: when text[start:pos + 1] is not in it, no word
        # from start reaches pos, and that one lookup settles start. FREQ is large and each lookup
        # likely a cache miss, so the nearest start, the likeliest to straddle, is asked first.
        freq = self.freq
        for start in range(pos - 1, left - 1, -1):
            for last in range(pos, right):  # a plain loop: this runs for every boundary question
                count = freq.get(text[start : last + 1])
                if count is None:
                    break
                if count:
                    return True
        return False

    def _run_cuts(self, start: int, end: int) -> set[int]:
        """Token boundaries inside text[start:end] (one run), as jieba's __cut_DAG_NO_HMM."""
        cuts = self._cuts_of_run.get((start, end))
        if cuts is None:
            cuts = self._cuts_of_run[(start, end)] = self._route_cuts(start, end)
        return cuts

    def _route_cuts(self, start: int, end: int) -> set[int]:
        token_end = self._best_route(start, end)
        cuts: set[int] = set()
        pos, gluing = start, False
        while pos < end:
            nxt = token_end[pos - start]
            single_eng = nxt == pos + 1 and _is_eng(self.text[pos])
            if not (gluing and single_eng):
                cuts.add(pos)
            gluing = single_eng
            pos = nxt
        return cuts

    def _best_route(self, start: int, end: int) -> list[int]:
        """[pos - start] -> end of the token that starts at pos on jieba's most probable path.
        jieba's calc: max over (logp + value after the word, last index); ties go to the longer
        word. Lists and a plain loop instead of max() over tuples: this runs per straddled cut."""
        value = [0.0] * (end - start + 1)
        token_end = [0] * (end - start)
        words_at = self._words_at
        for pos in range(end - 1, start - 1, -1):
            best, best_last = None, pos
            words = words_at.get(pos)  # the cache looked up here: a call costs more than the lookup
            if words is None:
                words = self._words_from(pos)
            for last, logp in words:
                if last >= end:
                    break  # ascending: the rest run past the snippet
                candidate = logp + value[last + 1 - start]
                if best is None or candidate >= best:  # >=: equal values go to the larger last
                    best, best_last = candidate, last
            if best is None:
                best = self._logp(self.text[pos]) + value[pos + 1 - start]
            value[pos - start] = best
            token_end[pos - start] = best_last + 1
        return token_end

    def _words_from(self, pos: int) -> list[tuple[int, float]]:
        """(last index, log probability) of each dictionary word starting at pos, as jieba's
        get_DAG finds them (its prefix entries have frequency 0 and are not words); ascending.
        The first lookup, of the character itself, goes to the small table of single characters."""
        words = self._words_at.get(pos)
        if words is None:
            words = self._words_at[pos] = []
            text, freq = self.text, self.freq
            entry = self._single(text[pos])
            if entry is _ABSENT:
                return words
            if entry is not None:
                words.append((pos, entry))
            for last in range(pos + 1, len(text)):
                count = freq.get(text[pos : last + 1])  # FREQ holds every prefix of every word
                if count is None:
                    break
                if count:
                    words.append((last, math.log(count) - self.log_total))
        return words

    def _single(self, char: str) -> object:
        """What FREQ says of one character: _ABSENT (no word starts with it), None (only a prefix)
        or its log probability. Kept per dictionary: a few thousand characters cover every
        message, and this small table stays in the CPU's cache where FREQ's 500,000 entries
        cannot (each lookup there is likely a miss when a worker comes back to it)."""
        entry = self._chars.get(char, _UNSEEN)
        if entry is _UNSEEN:
            count = self.freq.get(char)
            if count is None:
                # Not kept: the table holds the dictionary's own characters only, however many
                # others senders make up.
                return _ABSENT
            entry = self._chars[char] = math.log(count) - self.log_total if count else None
        return entry

    def _logp(self, char: str) -> float:
        """jieba's log probability of a character on its own (1 when not a word)."""
        entry = self._single(char)
        return entry if isinstance(entry, float) else -self.log_total
