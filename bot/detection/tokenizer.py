"""jieba, with the library's own terms in its dictionary so they stay whole.

The stock dictionary takes ~0.7 s to load (from a cache) and ~3 s to build without one, so it is
loaded once per process and each library gets a cheap copy with its terms added. We never touch
jieba's global tokenizer: other code in the process may use it with other words.
"""

from __future__ import annotations

import logging
import os
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
            tokenizer.initialize()
            _base = tokenizer
        return _base


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
    loose: one boundary is enough ("领导" in "上级领导", "我是" in "我是你"), which still keeps
    "中奖" out of "集中奖励"."""
    left = max(0, start - margin)
    snippet = text[left : end + margin]
    cuts, pos = {0}, 0
    for token in tokenizer.cut(snippet, HMM=False):
        pos += len(token)
        cuts.add(pos)
    if loose:
        return (start - left) in cuts or (end - left) in cuts
    return (start - left) in cuts and (end - left) in cuts
