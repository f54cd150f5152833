"""Read a building / unit / room out of the way neighbours actually write it.

3栋2单元502, 3号楼2门502室, 三栋二单元, 3幢, 3#2-502, 3-2-502, 第十二栋, ３栋 (full width) ...
Buildings come back canonical as "3栋", units as "2单元", rooms as the digits ("502").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
NUM = r"(?:\d{1,3}|[零〇一二两三四五六七八九十]{1,3})"
# "这一栋", "每一栋", "哪栋" are not building numbers.
_NOT_AFTER = r"(?<![这那每同哪整几某\d])"
_BUILDING_WORD = r"(?:(?:栋|幢|#|座)(?:楼(?!门?长))?|号楼)"  # 6栋楼门长: 楼门长 is a title
_UNIT_WORD = r"(?:单元|门(?![口外前卫诊])|单(?=\s*\d))"
_ROOM = r"(?P<room>\d{3,4})(?:\s*(?:室|号房?|房间?))?"
_SEP = r"\s*[-—_/]\s*"
# after a room number: not a year, an amount or an age ("2023年", "5000块")
_END = r"(?![\d年元块万千百岁%.])"

# The whole address in one pass, most specific forms first; spans let the caller cut it out.
_ADDRESS = re.compile(
    "|".join(
        [
            # 3-2-502, 3#2-502, 3栋2-502
            rf"{_NOT_AFTER}(?P<b1>\d{{1,3}})(?:\s*{_BUILDING_WORD}\s*[-—_/]?\s*|{_SEP})(?P<u1>\d{{1,2}}){_SEP}(?P<r1>\d{{3,4}}){_END}",
            # 3栋2单元502室 / 3号楼2门 / 3栋502 / 3栋
            rf"{_NOT_AFTER}第?(?P<b2>{NUM})\s*{_BUILDING_WORD}(?:\s*的)?"
            rf"(?:\s*(?:第?(?P<u2>{NUM})\s*{_UNIT_WORD}))?(?:\s*(?P<r2>\d{{3,4}}){_END}(?:\s*(?:室|号房?|房间?))?)?",
            # 6号2单元301 (号 alone needs a unit after it: "3号" is usually a date)
            rf"{_NOT_AFTER}(?P<b3>\d{{1,3}})\s*号\s*(?P<u3>{NUM})\s*{_UNIT_WORD}(?:\s*(?P<r3>\d{{3,4}}){_END})?",
            # 7-301: building and room
            rf"(?<![\d-])(?P<b4>\d{{1,2}}){_SEP}(?P<r4>\d{{3,4}})(?![\d-])",
            # 2单元 / 二单元502 with no building
            rf"{_NOT_AFTER}(?P<u5>{NUM})\s*单元(?:\s*(?P<r5>\d{{3,4}}){_END})?",
            # a room on its own only where the words make it a home: 502室, 住502, 502的老人
            rf"(?<=住)(?:在)?(?P<r6>\d{{3,4}}){_END}|"
            r"(?<![\d转汇取付借花充了给共款])(?P<r7>\d{3,4})(?=\s*(?:室|号房|房间|的|那户|那家|家))",
        ]
    )
)


@dataclass(frozen=True)
class Address:
    building: str | None = None
    unit: str | None = None
    room: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.building or self.unit or self.room)


# Full-width letters, digits and the signs used in addresses (３栋, ＃, －) to half width, one
# character for one, so that spans found in the normalized text also fit the original.
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_HALF_WIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})
_HALF_WIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_HALF_WIDTH.update({ord("＃"): "#", ord("－"): "-", ord("＿"): "_", ord("／"): "/", 0x3000: " "})


def normalize(text: str) -> str:
    """３栋２单元 → 3栋2单元, ＃ → #; same length as `text`; Chinese punctuation stays."""
    return text.translate(_HALF_WIDTH)


def chinese_number(text: str) -> int | None:
    """'3' → 3, '十二' → 12, '二十' → 20, '二十三' → 23, '两' → 2; None when it is not a number."""
    if text.isdecimal():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        value = 0
        for ch in text:  # 一零一 style, digit by digit
            value = value * 10 + _CN_DIGITS[ch]
        return value
    tens, _, ones = text.partition("十")
    if "十" in ones or (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _numbered(raw: str | None, suffix: str) -> str | None:
    number = chinese_number(raw) if raw else None
    return f"{number}{suffix}" if number else None


_WHOLE_BUILDING = re.compile(rf"^第?({NUM})\s*(?:{_BUILDING_WORD}|号)$")


def canonical_building(text: str) -> str | None:
    """'三栋', '3号楼', '3幢', '3#', '第3栋', '３栋' → '3栋'; None when the text names no building."""
    match = _WHOLE_BUILDING.match(normalize(text or "").strip())
    return _numbered(match.group(1), "栋") if match else None


# Every building form of _ADDRESS (b1 to b4) holds a building word or a separator, as written or in
# full width: a text with none of these names no building, and the address pass is not needed.
_BUILDING_MARK = re.compile("[栋幢#座号\\-—_/＃－＿／]")


def may_name_building(text: str) -> bool:
    """False when `text` (as written) cannot name a building: most residents' messages."""
    return bool(_BUILDING_MARK.search(text))


def find_address(text: str) -> tuple[Address, list[tuple[int, int]]]:
    """The address in `text` (already normalized) and the spans to cut out to leave the situation."""
    building = unit = room = None
    spans: list[tuple[int, int]] = []
    for match in _ADDRESS.finditer(text):
        groups = {name[0]: value for name, value in match.groupdict().items() if value}
        found_b, found_u = _numbered(groups.get("b"), "栋"), _numbered(groups.get("u"), "单元")
        found_r = groups.get("r")
        if not (found_b or found_u or found_r):
            continue
        if building and found_b and found_b != building:
            continue  # a second building is usually a comparison or a correction: keep the first
        building, unit, room = building or found_b, unit or found_u, room or found_r
        if not match.group("r7"):  # "502的老人": the room is part of who, so it stays in the text
            spans.append(match.span())
    return Address(building, unit, room), spans


def parse_address(text: str) -> Address:
    """'3-2-502' / '3栋2单元502室' → Address('3栋', '2单元', '502'); parts not given stay None."""
    return find_address(normalize(text or ""))[0]
