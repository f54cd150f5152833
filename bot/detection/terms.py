"""Find the library's keywords and signal words in a compact message.

Lookup goes through the message's distinct character pairs, so the cost follows the message,
not the size of the word lists. Short words are then checked with jieba: "中奖" inside "集中奖励"
is not a word of the message. Words right after a warning ("请勿泄露验证码", "谨防刷单") are
the message protecting the reader, not a scammer asking, and are not counted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import jieba

from bot.detection.normalize import BOUNDARY
from bot.detection.regexparts import not_after
from bot.detection.tokenizer import MessageCuts

# Owners of a term: ("kw", type_id) for a type keyword, ("sig", signal_id) for a signal word.
Owner = tuple[str, str]

_NEGATION = re.compile(
    r"勿|不要|不会|不得|不可|千万别|别给|别把|别信|谨防|警惕|严禁|防范|防止|提防|绝不|从不|切莫|拒绝|以防|小心|不接收|不卖|不在[^。]{0,4}接收"
    r"|无需缴纳|无须缴纳|无需支付|不需要缴纳|不收取|不收任何|无需任何|无$"
    # a payment the writer reports as made ("我给奶奶交了住院押金"), not one asked of the reader
    r"|(?:交|付|缴|垫)(?:了|过了)"
)
_LOOKBACK = 8
_LIST_LOOKBACK = 16
# "不需要提供" (and the like) right before the word, or before a list that holds it
_REFUSED_LIST = re.compile(
    r"(?:不需要|无需|无须|不用|不会|不要|勿)(?:提供|告诉|透露|索取|索要|询问)(?:[^。]{0,10}(?:和|或|及|以及)[^。]{0,6})?$"
)
# A negation ends where the next clause starts: in "不要挂电话并添加我的微信" (commas are gone in
# the compact text) the 不要 is about hanging up, not about adding the WeChat.
_CLAUSE_JOIN = re.compile(r"并且|并|然后|接着|同时")
# A sentence that names scams as scams ("…都是诈骗", "谨防…骗局") is a warning to the reader,
# as in anti-fraud posters and police notices; its words are not counted. Scammers' own uses
# ("你涉嫌诈骗案", "我们不是骗子"), a victim's own words ("我被骗子骗了", "我是不是上当了") and a
# caller's title ("我是市反诈中心的民警") are not markers.
_ACCUSED = ("涉嫌", "不是", "参与", "涉及", "涉嫌电信", "涉嫌金融", "涉嫌网络", "涉嫌经济")
_WARNING = re.compile(
    "|".join(not_after(word, (*_ACCUSED, "被")) + "(?!案|犯罪|团伙|集团|罪)" for word in ("诈骗", "骗子"))
    + f"|{not_after('非法集资', _ACCUSED)}(?!案)"
    + "".join(f"|{not_after(word, ('是不是', '会不会'))}" for word in ("上当", "受骗"))
    + r"|骗局|套路|反诈(?!中心的|中心民警|中心警官|中心工作人员)|防骗|防诈|谨防|警惕|不法分子"
    + r"|注意防范|提高防范|加强防范|防范意识"
)
# A sensitive word right after a request verb is the scammer's ask ("请提供您的身份证号码",
# "把验证码发给我", "下载这个APP"); the bare word also turns up in genuine notices ("您尾号
# 1234的银行卡…"). Such hits are reported with owner kind "ask" so the score can weigh them more.
# A resident retelling a call puts the ask in the third person ("他让我下载…", "叫我转…").
_ASK = re.compile(
    r"提供|告诉|告知|报一下|报给|报下|念|读给|发给|发我|发送|输入|填写|填入|添加|加我|加一下|下载|安装"
    r"|转到|转入|汇到|汇入|打到|存到|存入|扫一下|扫码|点击|登录|核对|说一下|给我|拍一?张|上传|开通|开启|打开"
    r"|让我|叫我|要我|让她|让他|叫她|叫他|要她|要他"
)
# ...or the word comes first and the handing over right after it ("把验证码告诉客服", "卡号发我").
HANDOVER = "告诉|告知|发给|发我|报给|念给|读给|提供给|转发给|截图发"
_HANDED_OVER = re.compile(rf"[^。]{{0,2}}(?:{HANDOVER})")
# "请…" followed by what a scammer wants done (a warning says "请勿…", "请拨打110", "请转告老人"):
# in a sentence that borrows anti-fraud words, it shows the words are bait ("防诈骗补贴", "反诈中心").
PLEASE_DO = re.compile(
    r"请(?:您|你)?(?:立即|马上|尽快|及时|务必|先)?"
    r"(?:(?:把|将)[^。]{0,6}(?:钱|资金|存款|款项|余额|卡号|验证码|密码|身份证)|点击|点开|下载|安装|添加|提供|转账|转入|转到|汇款|打款|登录|输入|扫码|填写)"
)
ASKABLE = frozenset({"transfer", "verification_code", "personal_info", "app_download", "safe_account"})
_ASK_LOOKBACK = 10
# A pair that starts with a request ("提供…卡号", "告诉…密码") is an ask by itself. Downloading
# is left out: "下载我们的APP" is what every genuine service says too.
_ASK_PAIR = re.compile(r"提供|告诉|告知|报|念|读|发给|发我|输入|填写|填入|说")
# Secrecy and urgency words are themselves negative ("不要告诉家人", "不要挂电话").
NEGATION_EXEMPT = frozenset({("sig", "secrecy"), ("sig", "urgency")})
# Words this short are the ones that most often straddle two real words.
_CHECK_BOUNDARY_MAX_LEN = 2
_LONGER_TERM = 3  # see _part_of_whole_term
# A word repeated all through a long chat is judged on its first few occurrences.
_MAX_TRIES = 12
# "下载…APP" in the YAML (a sentence mark between two words) is a proximity pair: the second
# word must follow the first within PAIR_SPAN characters of the same sentence. Pairs say what
# a bare word cannot: "提供…卡号" is a request, "卡号" alone is in every bank notice.
PAIR_SPAN = 14


@dataclass(frozen=True)
class TermHit:
    term: str
    owners: tuple[Owner, ...]


class TermIndex:
    """term -> owners, indexed by the term's first two characters."""

    def __init__(self, terms: dict[str, list[Owner]], tokenizer: jieba.Tokenizer):
        self.tokenizer = tokenizer
        self.characters: dict[str, object] = {}  # MessageCuts' table of single characters
        self.owners = {
            term: tuple(dict.fromkeys(owners))
            for term, owners in terms.items()
            if len(term) >= 2 and BOUNDARY not in term
        }
        # Everything a term can report: its owners and the asks among them (see _owners_at_any).
        self.reportable = {
            term: len(owners) + len({o[1] for o in owners if o[1] in ASKABLE})
            for term, owners in self.owners.items()
        }
        # Terms and pairs with no owner that can be asked for: whether a request verb comes
        # before them cannot change what they report, and is not looked for.
        self.askable = {term for term, owners in self.owners.items() if any(o[1] in ASKABLE for o in owners)}
        self.by_head: dict[str, list[str]] = defaultdict(list)
        for term in sorted(self.owners, key=len, reverse=True):
            self.by_head[term[:2]].append(term)
        # A term can be in a message only if its first and last two characters are. Terms are
        # indexed by their last two as (rank, term, first two): few of a message's pairs end a
        # term, and rank keeps the order hits are reported in (by head, longest first). Sorted
        # heads: set order changes with Python's hash seed, and the verdict of a message must
        # not depend on which gunicorn worker happens to judge it.
        self.terms_by_tail: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        ranked = (term for head in sorted(self.by_head) for term in self.by_head[head])
        for rank, term in enumerate(ranked):
            self.terms_by_tail[term[-2:]].append((rank, term, term[:2]))
        # proximity pairs, grouped by the head of their first word (see PAIR_SPAN)
        self.pair_owners: dict[tuple[str, str], tuple[Owner, ...]] = {}
        for term, owners in terms.items():
            parts = [p for p in term.split(BOUNDARY) if p]
            if BOUNDARY in term and len(parts) == 2:
                key = (parts[0], parts[1])
                self.pair_owners[key] = tuple(dict.fromkeys(self.pair_owners.get(key, ()) + tuple(owners)))
        self.askable_pairs = {
            key for key, owners in self.pair_owners.items() if any(o[0] == "sig" and o[1] in ASKABLE for o in owners)
        }
        # A pair can be in a message only if what shows each of its words is: a word's first two
        # characters, or the character itself when it is one. Pairs are indexed by what shows
        # their second word (few of those are in any one message) as (rank, pair, what shows the
        # first); rank keeps the order hits are reported in: by the head of the first word, then
        # the pairs whose first word is one character ("借…钱", "加…微信"), as listed.
        self.pairs_by_second: dict[str, list[tuple[int, tuple[str, str], str]]] = defaultdict(list)
        ranked = sorted(self.pair_owners, key=lambda pair: (len(pair[0]) < 2, pair[0][:2] if len(pair[0]) >= 2 else ""))
        for rank, (first, second) in enumerate(ranked):
            self.pairs_by_second[second[:2]].append((rank, (first, second), first[:2]))
        self.pair_characters = frozenset(word for pair in self.pair_owners for word in pair if len(word) == 1)

    @staticmethod
    def split_pair(term: str) -> tuple[str, ...]:
        return tuple(p for p in term.split(BOUNDARY) if p)

    def find(self, text: str, pairs: set[str]) -> list[TermHit]:
        """Terms present in text (pairs = its set of 2-character substrings)."""
        hits = []
        warnings: dict[int, bool] = {}
        cuts = MessageCuts(self.tokenizer, text, self.characters)  # no work until a boundary is asked
        candidates = [
            (rank, term)
            for tail in pairs & self.terms_by_tail.keys()
            for rank, term, head in self.terms_by_tail[tail]
            if head in pairs
        ]
        candidates.sort()
        for _, term in candidates:
            start = text.find(term)
            if start >= 0:  # a term whose ends are in the message may still not be in it
                owners = self._owners_at_any(cuts, term, start, warnings)
                if owners:
                    hits.append(TermHit(term, owners))
        for first, second in self._pair_candidates(text, pairs):
            hit = self._pair_at_any(cuts, first, second, warnings)
            if hit:
                hits.append(hit)
        return hits

    def _pair_candidates(self, text: str, pairs: set[str]) -> list[tuple[str, str]]:
        """The pairs both of whose words may be in text, in rank order."""
        characters = self.pair_characters.intersection(text)  # the one-character words present
        shown = (pairs & self.pairs_by_second.keys()) | (characters & self.pairs_by_second.keys())
        found = [
            (rank, pair)
            for second in shown
            for rank, pair, first in self.pairs_by_second[second]
            if first in pairs or first in characters
        ]
        found.sort()
        return [pair for _, pair in found]

    def _pair_at_any(
        self, cuts: MessageCuts, first: str, second: str, warnings: dict[int, bool]
    ) -> TermHit | None:
        """The first occurrence of first…second (same sentence, close, not negated, whole words)."""
        text = cuts.text
        start, tries = text.find(first), 0
        while start >= 0 and tries < _MAX_TRIES:
            tries += 1
            end_first = start + len(first)
            sentence_end = text.find(BOUNDARY, end_first)
            limit = min(end_first + PAIR_SPAN, sentence_end if sentence_end >= 0 else len(text))
            found = text.find(second, end_first, limit + len(second))
            owners: tuple[Owner, ...] = ()
            if (
                found >= 0
                and found + len(second) <= (sentence_end if sentence_end >= 0 else len(text))
                and not _in_warning(text, start, warnings)
                and not _negated(text, start)
            ):
                spans = ((start, end_first), (found, found + len(second)))
                owners = _counting_owners(cuts, spans, self.pair_owners[(first, second)], self.owners)
            if owners:
                if (first, second) in self.askable_pairs and (
                    _asked(text, start, found + len(second)) or _ASK_PAIR.fullmatch(first)
                ):
                    owners += tuple(("ask", o[1]) for o in owners if o[0] == "sig" and o[1] in ASKABLE)
                return TermHit(text[start : found + len(second)], owners)
            start = text.find(first, start + 1)
        return None

    def _owners_at_any(
        self, cuts: MessageCuts, term: str, start: int, warnings: dict[int, bool]
    ) -> tuple[Owner, ...]:
        """Owners for which some occurrence of term counts (whole word, not negated); start:
        its first occurrence."""
        text = cuts.text
        owners = self.owners[term]
        found: list[Owner] = []
        tries = 0
        # A word repeated through a long chat: once every owner and ask is found, later
        # occurrences can add nothing.
        while start >= 0 and tries < _MAX_TRIES and len(found) < self.reportable[term]:
            tries += 1
            counting = () if _in_warning(text, start, warnings) else _counting_owners(
                cuts, ((start, start + len(term)),), owners, self.owners
            )
            if counting:
                negated = _negated(text, start)
                for owner in counting:
                    if owner not in found and (not negated or owner in NEGATION_EXEMPT):
                        found.append(owner)
                if not negated and term in self.askable and _asked(text, start, start + len(term)):
                    for _kind, name in counting:
                        if name in ASKABLE and ("ask", name) not in found:
                            found.append(("ask", name))
            start = text.find(term, start + 1)
        return tuple(found)


def _counting_owners(
    cuts: MessageCuts, spans: tuple[tuple[int, int], ...], owners: tuple[Owner, ...], terms: dict
) -> tuple[Owner, ...]:
    """The owners for which this occurrence counts. Every owner when each part is a whole word.
    Cue owners (ingredients that count only in combos) need one token boundary per part: the
    title in "我是王经理" is inside jieba's word "王经理", yet the writer is claiming to be one.
    A term (not a pair part) that opens a longer library term (of terms) standing whole
    counts for its signals and types too: the library's own words join jieba's dictionary, so
    the cue "转给我" would otherwise hide the transfer word "转给" in "你先转给我"."""
    if _all_whole(cuts, spans, False):
        return owners
    cues = tuple(o for o in owners if o[0] == "cue")
    if cues and _all_whole(cuts, spans, True):
        return cues
    if len(spans) == 1 and _part_of_whole_term(cuts, *spans[0], terms):
        return tuple(o for o in owners if o[0] != "cue")
    return ()


def _part_of_whole_term(cuts: MessageCuts, start: int, end: int, terms) -> bool:
    """Does text[start:end] open a library term (up to 3 characters longer) that is a whole word
    here? Only opening: a word that closes one is usually changed by what comes before it (the
    "先付款" of a shop's "先付款的优先发货" is not a demand to pay)."""
    text = cuts.text
    for longer in range(end + 1, min(len(text), end + _LONGER_TERM) + 1):
        if text[start:longer] in terms and cuts.is_whole(start, longer, 4, False):
            return True
    return False


def _all_whole(cuts: MessageCuts, spans: tuple[tuple[int, int], ...], loose: bool) -> bool:
    # A loop, not all(<generator>), with the test of one span written in: this runs for every hit.
    for start, end in spans:
        # A single character must stand alone on both sides: "借" of "借我点钱", not of "借口".
        if end - start <= _CHECK_BOUNDARY_MAX_LEN and not cuts.is_whole(start, end, 4, loose and end - start > 1):
            return False
    return True


def _asked(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - _ASK_LOOKBACK) : start].rsplit(BOUNDARY, 1)[-1]
    return bool(_ASK.search(window) or _HANDED_OVER.match(text, end))


# Every branch of _NEGATION and _REFUSED_LIST opens with one of these: a window with none of
# them is not negated, and one search over the wider window says so (most words are not negated).
_NEGATION_OPENERS = re.compile("[勿不千别谨警严防提绝从切拒以小无交付缴垫]")


def _negated(text: str, start: int) -> bool:
    if not _NEGATION_OPENERS.search(text, max(0, start - _LIST_LOOKBACK), start):
        return False
    window = text[max(0, start - _LOOKBACK) : start]
    window = window.rsplit(BOUNDARY, 1)[-1]
    if _NEGATION.search(_CLAUSE_JOIN.split(window)[-1]):
        return True
    # "不需要提供银行卡密码和验证码": a refusal to ask reaches every item of the list it opens.
    wide = text[max(0, start - _LIST_LOOKBACK) : start].rsplit(BOUNDARY, 1)[-1]
    return bool(_REFUSED_LIST.search(_CLAUSE_JOIN.split(wide)[-1]))


def _in_warning(text: str, pos: int, cache: dict[int, bool]) -> bool:
    """Is pos inside a sentence that warns about scams? (cached per sentence start) A sentence
    that also tells the reader to move money, open a link or hand something over is not a
    warning, whatever words it borrows: "为了防骗，请把钱转到安全账户", "请立即点击下载反诈APP"."""
    start = text.rfind(BOUNDARY, 0, pos) + 1
    if start not in cache:
        end = text.find(BOUNDARY, pos)
        end = end if end >= 0 else len(text)
        cache[start] = bool(_WARNING.search(text, start, end)) and not PLEASE_DO.search(text, start, end)
    return cache[start]


def has_warning(text: str) -> bool:
    return bool(_WARNING.search(text))
