"""MessageCuts answers boundary questions exactly as cutting each snippet with jieba would."""

from __future__ import annotations

import random

from bot.detection.normalize import normalize_phrase
from bot.detection.tokenizer import MessageCuts, tokenizer_with

TEXTS = (
    "集中奖励优秀志愿者。恭喜您中奖了请点击领取",
    "我是你领导明天来我办公室。先帮我转五万给合作方",
    "您的qq号被冻结请加vx客服处理。app下载后输入验证码#",
    "老王我是老李上次借你的两百块明天还你别忘了提醒我",
    "妈我手机丢了这是我新号。借我点钱急用不要告诉爸",
    "abc刷单返利日赚#元。yhk和sfz发我",
)


def _jieba_is_whole(tokenizer, text: str, start: int, end: int, margin: int = 4, loose: bool = False) -> bool:
    """The definition: cut the snippet around the word and look for its two ends."""
    left = max(0, start - margin)
    cuts, pos = {0}, 0
    for token in tokenizer.cut(text[left : end + margin], HMM=False):
        pos += len(token)
        cuts.add(pos)
    if loose:
        return (start - left) in cuts or (end - left) in cuts
    return (start - left) in cuts and (end - left) in cuts


def test_message_cuts_agree_with_jieba_on_every_span():
    tokenizer = tokenizer_with(["刷单返利", "验证码", "合作方"])
    rng = random.Random(3)
    for text in map(normalize_phrase, TEXTS):
        cuts = MessageCuts(tokenizer, text)
        for start in range(len(text)):
            for end in range(start + 1, min(len(text), start + 4) + 1):
                margin = rng.choice((2, 4))
                for loose in (False, True):
                    expected = _jieba_is_whole(tokenizer, text, start, end, margin, loose)
                    assert cuts.is_whole(start, end, margin, loose) == expected, (text, start, end, loose)


def test_the_flat_dictionary_cache_reads_back_jiebas_own_dictionary(tmp_path):
    from bot.detection.tokenizer import base_tokenizer, read_flat_cache, write_flat_cache

    base = base_tokenizer()
    path = tmp_path / "freq.bin"
    write_flat_cache(path, base.FREQ, base.total)
    freq, total = read_flat_cache(path)
    assert total == base.total and freq == base.FREQ


def test_a_stale_or_damaged_flat_cache_is_not_used(tmp_path, monkeypatch):
    from bot.detection import tokenizer

    path = tmp_path / "freq.bin"
    tokenizer.write_flat_cache(path, {"中国": 5, "中": 0, "人": 3}, 8)
    assert tokenizer.read_flat_cache(path) == ({"中国": 5, "中": 0, "人": 3}, 8)
    good = path.read_bytes()
    for damaged in (good[:-3], b"XXXXXXXXX" + good[9:], good[:40]):
        path.write_bytes(damaged)
        assert tokenizer.read_flat_cache(path) is None
    path.write_bytes(good)
    monkeypatch.setattr(tokenizer, "_dictionary_stamp", lambda: (1, 2))  # jieba's dictionary changed
    assert tokenizer.read_flat_cache(path) is None
    assert tokenizer.read_flat_cache(tmp_path / "missing.bin") is None
