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
