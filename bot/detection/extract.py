"""Pull links, phone numbers, amounts of money and app names out of a (folded) message.

They are shown to the resident ("这条消息让您打开链接 …") and feed the score: a link plus a
request to act is the shape of most phishing SMS.
"""

from __future__ import annotations

import re

_TLDS = (
    "com|cn|net|org|top|xyz|cc|vip|shop|club|site|online|info|me|io|co|tk|app|link|ltd|icu|wang|fun|live|pro"
)
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff<>\"']+"
    rf"|(?<![\w@.])(?:[a-z0-9-]+\.)+(?:{_TLDS})(?![a-z0-9])(?:/[\w./?=&%#~+-]*)?",
    re.IGNORECASE,
)
# Digits that evaders space or dash apart ("138 1234 5678") are joined before phone matching.
_DIGIT_GAP = re.compile(r"(?<=\d)[\s-](?=\d)")
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}\d{7,8}|[48]00\d{7}|9[56]\d{3,4}(?![\d元块万]))(?!\d)")
_AMOUNT = re.compile(
    r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百千万亿]{2,})\s*(?:万元|万块|万|元|块钱|块|w(?![a-z]))",
    re.IGNORECASE,
)
# Apps that scammers ask people to install (remote screen, "meeting", chat apps off-platform);
# naming them lets the reply say exactly which download to refuse.
KNOWN_APPS = (
    "向日葵",
    "todesk",
    "anydesk",
    "teamviewer",
    "腾讯会议",
    "zoom",
    "飞书会议",
    "钉钉",
    "屏幕共享",
    "云视讯",
    "会讯通",
    "蝙蝠",
    "纸飞机",
    "telegram",
    "whatsapp",
    "skype",
    "快连",
    "亿联",
    "小鱼易连",
    "全时云会议",
    "瞩目",
)
# re.IGNORECASE matches these besides the two ASCII cases (checked over all of Unicode).
_OTHER_CASES = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}


def _cases(char: str) -> str:
    if not (char.isascii() and char.isalpha()):
        return char
    return char.lower() + char.upper() + _OTHER_CASES.get(char.lower(), "")


def _any_case(name: str) -> str:
    """name as re.IGNORECASE matches it, spelled out: one branch per case of its first letter.
    When every branch opens with a plain character the regex engine skips ahead to the few
    characters a name can start with; with the flag it tries every branch at every position
    (~8x slower on long chats)."""
    rest = "".join(re.escape(c) if len(_cases(c)) == 1 else f"[{_cases(c)}]" for c in name[1:])
    return "|".join(re.escape(first) + rest for first in _cases(name[0]))


_KNOWN_APP = re.compile("|".join(_any_case(name) for name in KNOWN_APPS))
_NAMED_APP = re.compile(
    r"下载(?:一个|一下)?[“\"「《]?([\w\u4e00-\u9fff]{2,10}?)[”\"」》]?(?:app|软件|客户端)", re.IGNORECASE
)

# The prefilters below must let through what re.IGNORECASE matches for an ASCII letter.
_ALSO_LETTERS = "".join(_OTHER_CASES.values())
# Most messages carry no link, no number and no sum: a scan for what each must contain (a link
# "//", "www." or a dot before a letter, a phone number four digits, an amount its unit) costs a
# small part of running its full pattern with IGNORECASE, which cannot skip ahead to a first character.
_MAY_BE_LINK = re.compile(rf"//|[wW]{{3}}\.|\.[a-zA-Z{_ALSO_LETTERS}]")
# A phone number has five digits or more; letters read as digits count only in runs of four real ones.
_FOUR_DIGITS = re.compile(r"\d(?:\D*\d){3}")
_AMOUNT_UNIT = re.compile(r"[万元块wW]")


def link_spans(text: str) -> list[tuple[int, int]]:
    """Where the links are, so the caller can blank them before compacting."""
    if not _MAY_BE_LINK.search(text):
        return []
    return [m.span() for m in _LINK.finditer(text)]


def extract_all(text: str, spans: list[tuple[int, int]] | None = None) -> dict:
    """links, phones, amounts and apps found in text (lists, first occurrence order, no repeats)."""
    spans = link_spans(text) if spans is None else spans
    links = [text[start:end].rstrip(".,;:)") for start, end in spans]
    return {
        "links": _unique(links),
        "phones": _unique(_phones(text, spans)),
        "amounts": _unique(_amounts(text)),
        "apps": _unique(_apps(text)),
    }


# Letters that look like digits inside a number ("4OO-8O6-2231", "3O5728861"; folded to lower case):
# a run of digits, these letters and separators with at least four real digits is read as a number.
_DIGIT_LIKE_RUN = re.compile(r"[\doli][\doli\- ]{5,}[\doli]")
_AS_DIGIT = str.maketrans("oli", "011")


def _as_digits(text: str) -> str:
    def fix(run: re.Match) -> str:
        part = run.group(0)
        return part.translate(_AS_DIGIT) if sum(ch.isdigit() for ch in part) >= 4 else part

    return _DIGIT_LIKE_RUN.sub(fix, text)


def _phones(text: str, spans: list[tuple[int, int]]) -> list[str]:
    if not _FOUR_DIGITS.search(text):
        return []
    return _PHONE.findall(_DIGIT_GAP.sub("", _as_digits(_without(text, spans))))


def _amounts(text: str) -> list[str]:
    if not _AMOUNT_UNIT.search(text):
        return []
    return [m.group(0).replace(" ", "") for m in _AMOUNT.finditer(text)]


def _apps(text: str) -> list[str]:
    found = [m.group(0).lower() for m in _KNOWN_APP.finditer(text)]
    found += [m.group(1) for m in _NAMED_APP.finditer(text)]
    return found


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    # Links carry digit runs ("/8613800138000") that are not phone numbers to call.
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return text


def _unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return list(seen)[:10]
