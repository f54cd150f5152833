"""Turn a forwarded message into the compact form the matcher compares.

Scammers dodge keyword filters by spacing and decorating words (刷 单, 刷*单, 薇信, 加V) and by
full-width or traditional characters. Everything here undoes that, the same way for the message
and for the library's phrasings, so both sides meet in one alphabet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.detection.extract import extract_all, link_spans

# Long pastes (a whole chat history) are cut: the first part carries the pitch, and a bounded
# input keeps the check well inside WeChat's 5 s reply window whatever a user sends.
MAX_CHARS = 8000

# Sentence ends become one boundary mark; other symbols are dropped (they are what evaders
# insert between characters). Commas are dropped too: a phrasing may span "，".
BOUNDARY = "。"
_SENTENCE_END = re.compile(r"[。！？!?；;\n\r…]+")
_NOT_WORD = re.compile(r"[^\w。]|_", re.UNICODE)
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
# Control characters (not newlines), zero-width and direction marks, soft hyphens, lone surrogates.
_CONTROLS = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)
_BOUNDARY_RUN = re.compile(r"。{2,}")

# Traditional forms of the characters that matter in scam wording (NFKC does not fold them).
_TRADITIONAL_FROM = (
    "驗證碼轉賬帳戶銀錢貸網絡訊號聯係繫點擊連結鏈獎領務單員會資盤穩賺傭們這個來裡為時請問對與幫給"
    "實認續費計劃額優惠開關閉業績達紅親愛媽車險報還項寶"
    "過將後機國貨幣產見視頻圖發話電郵庫醫療營運錯誤門讓應該據處辦經緊兒孫爺稅補貼禮騙詐盜凍購買賣價匯議臺線罰滿掃註冊錄鎖戲遊雙舊換薦導師團於"
)
_TRADITIONAL = str.maketrans(
    _TRADITIONAL_FROM,
    "验证码转账账户银钱贷网络讯号联系系点击连结链奖领务单员会资盘稳赚佣们这个来里为时请问对与帮给"
    "实认续费计划额优惠开关闭业绩达红亲爱妈车险报还项宝"
    "过将后机国货币产见视频图发话电邮库医疗营运错误门让应该据处办经紧儿孙爷税补贴礼骗诈盗冻购买卖价汇议台线罚满扫注册录锁戏游双旧换荐导师团于",
)

# Variant spellings used to slip past filters, matched after spacing is removed (so "薇 信" is
# already "薇信"). One combined pattern keeps it to a single pass over long messages, and
# spelling each variant out as plain text (no character classes, no groups) lets the regex
# engine skip straight to the characters a variant can start with: ~25x faster on long chats.
_VARIANT_TABLE = (
    ("薇信|威信|徽信|魏信|嶶信|v信|wei信|vx|wx|weixin|微x|w信", "微信"),
    ("加v(?!信)|加微(?!信)", "加微信"),
    (r"扣扣|企鹅号", "qq"),
    (r"shua单|刷dan", "刷单"),
    (r"兼zhi|jian职|兼织|兼值", "兼职"),
    (r"yhk", "银行卡"),
    (r"sfz", "身份证"),
    (r"yzm", "验证码"),
    (r"zfb", "支付宝"),
    (r"转帐", "转账"),
    (r"帐户", "账户"),
    (r"帐号", "账号"),
    (r"返俐|反利", "返利"),
)
_VARIANTS = re.compile("|".join(pattern for pattern, _ in _VARIANT_TABLE))
# matched text -> replacement ("加v(?!信)" matches "加v")
_VARIANT_REPL = {
    variant.split("(?!")[0]: repl for pattern, repl in _VARIANT_TABLE for variant in pattern.split("|")
}
# Most messages have no traditional character; str.translate costs ~50 ns per character.
_HAS_TRADITIONAL = re.compile(f"[{''.join(_TRADITIONAL_FROM)}]")


def _variant(match: re.Match[str]) -> str:
    return _VARIANT_REPL[match.group(0)]


@dataclass(frozen=True)
class Normalized:
    """The message in compact form plus what was pulled out of it."""

    compact: str
    extracted: dict = field(default_factory=dict)
    folded: str = ""  # before compacting: what evidence is quoted from


# The full-width punctuation of Chinese text, each replaced up front by what NFKC makes of it:
# NFKC then gives the same result (it decomposes them to exactly that first), but a text whose
# only characters to change were these passes its quick check instead of being decomposed and
# recomposed whole (~100x faster on a chat transcript, where a comma comes every few words).
_PUNCTUATION_NFKC = tuple((mark, unicodedata.normalize("NFKC", mark)) for mark in "，？！：；（）…")


def fold(text: str) -> str:
    """Width, case and traditional forms folded; spacing and symbols still in place."""
    text = text[:MAX_CHARS]
    for mark, folded in _PUNCTUATION_NFKC:
        text = text.replace(mark, folded)
    text = unicodedata.normalize("NFKC", text).lower()
    return text.translate(_TRADITIONAL) if _HAS_TRADITIONAL.search(text) else text


def compact(folded: str) -> str:
    """Drop symbols and spaces, keep one boundary per sentence end, undo variant spellings."""
    text = _SENTENCE_END.sub(BOUNDARY, folded)
    text = _NOT_WORD.sub("", text)
    text = _BOUNDARY_RUN.sub(BOUNDARY, text)
    text = _VARIANTS.sub(_variant, text)
    # Numbers become one placeholder: "日赚300" and "日赚500" are the same pitch.
    return _DIGITS.sub("#", text).strip(BOUNDARY)


def normalize_phrase(text: str) -> str:
    """How the library's phrasings and keywords are normalized (no extraction needed)."""
    return compact(fold(_strip_controls(text)))


def normalize_message(text: str) -> Normalized:
    """Normalize a resident's message and pull out links, phones, amounts and app names."""
    folded = fold(_strip_controls(text))
    spans = link_spans(folded)
    extracted = extract_all(folded, spans)
    without_links = _blank_spans(folded, spans)
    return Normalized(compact=compact(without_links), extracted=extracted, folded=without_links)


def quote(compact_part: str, folded: str) -> str:
    """The stretch of the folded message that compact_part came from (digits and symbols back)."""
    if "#" not in compact_part:
        return compact_part.replace(BOUNDARY, "")
    pieces = [ch for ch in compact_part if ch != BOUNDARY]
    if not pieces or len(pieces) > 80:
        return compact_part
    found = _spread_search(pieces, folded)
    return compact_part if found is None else found


def _spread_search(pieces: list[str], text: str) -> str | None:
    r"""re.search(r"(?:\W|_)*?".join(pieces), text) with "#" standing for r"\d+": the pieces in
    order with symbols between them. Worked out here because compiling a pattern for each quote
    costs ~1 ms. Between two pieces that are word characters the lazy gap can only end where its
    run of symbols ends, so the only choices to go back on are the lengths of the digit runs."""
    if any(_is_gap(piece) for piece in pieces if piece != "#"):
        found = re.search(r"(?:\W|_)*?".join(r"\d+" if p == "#" else re.escape(p) for p in pieces), text)
        return found.group(0) if found else None
    first = pieces[0]
    starts = (m.start() for m in _DIGIT.finditer(text)) if first == "#" else _occurrences(first, text)
    for start in starts:  # leftmost first, as re.search
        end = _spread_match(pieces, 0, text, start)
        if end is not None:
            return text[start:end]
    return None


def _spread_match(pieces: list[str], k: int, text: str, pos: int) -> int | None:
    """Where a match of pieces[k:] starting at pos ends, trying the choices in re's order."""
    piece = pieces[k]
    if piece == "#":
        end = pos
        while end < len(text) and text[end].isdecimal():
            end += 1
        ends = range(end, pos, -1)  # greedy: the longest run of digits first
    else:
        ends = range(pos + 1, pos + 2) if text.startswith(piece, pos) else range(0)
    if k + 1 == len(pieces):
        return ends[0] if ends else None
    for end in ends:
        following = end
        while following < len(text) and _is_gap(text[following]):
            following += 1
        found = _spread_match(pieces, k + 1, text, following)
        if found is not None:
            return found
    return None


def _is_gap(char: str) -> bool:
    r"""(?:\W|_) for one character."""
    return char == "_" or not char.isalnum()


def _occurrences(char: str, text: str):
    pos = text.find(char)
    while pos >= 0:
        yield pos
        pos = text.find(char, pos + 1)


def _strip_controls(text: str) -> str:
    # Control and format characters (zero-width joiners, RTL marks) are a common way to split
    # a word invisibly; newlines stay because they end sentences.
    return _CONTROLS.sub("", text)


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(" ")
        last = end
    parts.append(text[last:])
    return "".join(parts)
