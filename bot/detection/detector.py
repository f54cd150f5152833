"""The detector: one library, its precomputed indexes, and check(text) -> Verdict."""

from __future__ import annotations

import logging
import re
from collections import defaultdict

from bot.detection import scoring
from bot.detection.library import Library
from bot.detection.normalize import BOUNDARY, normalize_message, normalize_phrase, quote
from bot.detection.phrases import PhraseIndex, pairs_of
from bot.detection.regexparts import branches, not_after
from bot.detection.terms import HANDOVER, PLEASE_DO, Owner, TermHit, TermIndex
from bot.detection.tokenizer import base_tokenizer, tokenizer_with
from bot.detection.verdict import SAFE, SCAM, SUSPICIOUS, Match, Verdict

log = logging.getLogger(__name__)

_SYMBOLS = re.compile(r"[\W_]+")
_SENSITIVE_ASKS = frozenset({"transfer", "verification_code", "personal_info", "safe_account"})
_UNSUBSCRIBE = re.compile(r"退订|回td|拒收请回")
# A label in front of the message ("【短信】", "（微信）") that residents or forwarding apps add.
_SENDER_TAG = re.compile(r"^\s*(?:【[^】]{1,10}】|\[[^\]]{1,10}\]|[（(](?:短信|彩信|微信|QQ|qq|电话|语音|私信)[）)])")
# Genuine notices protect the reader in words a scammer does not use about his own request:
# a one-time code sent with "请勿泄露", "如非本人操作请忽略", "工作人员不会向您索取", "请勿点击
# 陌生链接". Such a message is judged more leniently (see scoring.PROTECTIVE_KEEP).
# The code after the word ("验证码为123456") or just before it ("【美团】892406（登录验证码）");
# digits are "#" in the compact text.
_CODE_WORDS = "验证码|动态码|校验码|动态密码"
_CODE = f"(?:{_CODE_WORDS})"
_OTP = re.compile(branches(_CODE_WORDS, "[为是]?#") + f"|#[^#]{{0,4}}{_CODE}")
# A short SMS that only delivers a code ("您的登录验证码是330192，10分钟内有效") asks for nothing.
_OTP_DELIVERED = re.compile(rf"{_CODE}[为是:]?#|#[为是](?:你|您)的?(?:登录)?{_CODE}")
_SHORT_CODE_SMS = 80
# ...unless it also asks to pass the code on ("把验证码告诉客服", "验证码发给我"): the hand-over
# verbs of terms.HANDOVER, before or after the word.
_CODE_HANDOVER = re.compile(
    rf"(?:{HANDOVER}|提供|转发|截图)[^。]{{0,8}}{_CODE}|{_CODE}[^。]{{0,8}}(?:{HANDOVER}|转发|截图)"
)
_OTP_WARNING = re.compile(r"(?:请勿|切勿|不要|千万别|别)[^。]{0,10}(?:泄露|告诉|告知|转发|透露|提供)")
_PROTECTIVE = re.compile(
    r"如非本人操作|非本人操作请忽略|不会[^。]{0,8}(?:索取|索要)|不会以任何(?:名义|理由)|不收取任何费用"
    r"|请勿点击[^。]{0,4}链接|陌生账户转账|"
    + branches("不会|从不|绝不", r"[^。]{0,16}(?:索取|索要|让你|要你|要求你|让您|要您|要求您)[^。]{0,8}(?:转账|汇款|付款|验证码|密码)")
)
# Advice that would end the scam, which no scammer gives about his own call or request: ignore
# whoever asks, call me back to check, ask at the police office, 96110, "we are coming to your
# door now" (a genuine officer stopping a transfer; a scammer never comes, except to collect the
# cash: "我同学马上去您家拿钱" is the scam itself). Not among them: "hang up"
# and "call your family" (in phone calls the victim says "我先挂了", "我先给家里打个电话问问")
# and "call us to verify" (the scammer's own number).
# A caution to a whole group ("请大家注意") is a notice's voice too: a scammer works on one
# reader at a time. Warnings from family, teachers and community police say it; a protective
# notice is judged more leniently even when it retells a whole scam story (which matches combos).
_HOTLINE = re.compile(r"96110(?<!\d96110)(?!\d)")  # the look-behind after: see regexparts
_HOTLINE_FORBIDDEN = re.compile(r"不要|不用|不必|别|勿|不能|不许|拒接|挂掉")
_COUNTER_ADVICE = re.compile(
    r"一律别理|一律不要理|一律不理|别理他|不用理他"
    rf"|{not_after('打我', ('拨',))}(?!们)[^。]{{0,6}}(?:确认|核实)"
    rf"|{not_after('给', ('我', '我先'))}(?:孩子|子女|家人|家里人)?本人[^。]{{0,10}}核实"
    r"|一概挂|一律挂|然后给我打|不用加任何人|不要加任何人"
    r"|请大家注意"
    r"|警务室|"
    + branches(
        "马上|这就|现在|立刻",
        r"(?:到|去|上|过去)(?:您|你)家(?![^。]{0,6}(?:抓|逮捕|拘留|带走|拿钱|取钱|收钱|拿现金|取现金))",
    )
)
# A genuine courier or shop notice sends you to its own app ("请在顺丰官方APP中修改地址"); a scam
# sends a link or its own "customer service". Only counted when the message carries no link.
_OWN_APP = re.compile(r"(?:在|到|通过|打开|登录)[^。]{0,6}官方(?:app|客户端|小程序)", re.IGNORECASE)
# Anti-fraud publicity opens by saying so ("警方提示：…", "反诈提醒：…"); scams do not.
_PUBLICITY_LEAD = re.compile(
    r"(?:警方|派出所|公安|民警|反诈|防骗|社区)(?:提示|提醒|温馨提示)|反诈宣传|反诈(?:小)?(?:课堂|讲堂)|防骗课堂"
    r"|(?:防骗|反诈|防诈)(?:口诀|顺口溜|小贴士)"
)
_PUBLICITY_SPAN = 40
# A link the message tells the reader to open ("请点击 xx.cn 领取") counts as the link signal
# word it replaced: links are cut out of the compact text, so "点击…链接" cannot see them.
_OPEN_LINK = re.compile(r"点击|点开|点此|登录|登陆|访问|打开|进入|戳")
# ...or a bare "点" right before the link ("点 dx5g.cc 填写…"): the folded text keeps a space
# where the link was.
_TAP_LINK = re.compile(r"点\s|戳\s")
# A request to pay a sum, however it is worded: "先转五千给我", "打28万过去", "交三万才放人",
# "你先充一千". A pay verb right before an amount (digits are "#" in the compact text); "转了
# 两千" (done, not asked) does not match. It fires the transfer signal like its word list.
_MONEY_DEMAND = re.compile(r"(?:转|打|汇|交|付|充|存|垫|借)(?:给我|我|给他|给她|他|她|过来)?(?:#|[一二两三四五六七八九十百千]{1,3})(?:万|千|百|元|块)")
# Facts a combo may name (library.FACTS: link, phone, apk). A phishing SMS sends the reader to a
# look-alike site or to a "客服" number; a genuine notice names the institution's own domain or its
# 95xxx line; an installer (.apk) is an app to install, whatever the message calls it.
# Only whole official domains count: "10086-jf.cn" is not 10086.cn.
OFFICIAL_DOMAINS = (
    "gov.cn", "10086.cn", "10010.com", "10010.cn", "189.cn", "icbc.com.cn", "ccb.com", "abchina.com", "boc.cn",
    "bankcomm.com", "cmbchina.com", "psbc.com", "12306.cn", "ceair.com", "csair.com",
    "airchina.com.cn", "alipay.com", "taobao.com", "jd.com", "qq.com", "sf-express.com", "cainiao.com",
)  # fmt: skip
_HOST = re.compile(r"^(?:https?://)?([^/?#:]+)", re.IGNORECASE)
_SERVICE_LINE = re.compile(r"9[56]\d{3,4}")
_APK = re.compile(r"\.apk(?:$|[?#])", re.IGNORECASE)
# A cue word that starts with this mark counts only at the very start of the message.
OPENER = "^"
MAX_MATCHES = 5
MAX_EVIDENCE = 8


class Detector:
    """Build once per library (the indexes are the slow part); check() is cheap and thread-safe."""

    def __init__(self, library: Library):
        self.library = library
        self.types = {t.id: t for t in library.types}
        self.weights = {
            sid: sig.weight if sig.weight is not None else scoring.DEFAULT_SIGNAL_WEIGHTS[sid]
            for sid, sig in library.signals.items()
        }
        self.thresholds = {**scoring.DEFAULT_THRESHOLDS, **library.thresholds}
        # combo positions by the ids of their first group: a combo can only match a message
        # where one of those is present, and most messages have few ingredients.
        self.combos_by_first: dict[str, list[int]] = defaultdict(list)
        for position, combo in enumerate(library.combos):
            for ingredient in set(combo.when[0]):  # the loader requires a group
                self.combos_by_first[ingredient].append(position)
        terms = self._collect_terms()
        self.openers = self._collect_openers()
        # by first character: a message can only open with the few that share its first one
        self.openers_by_first: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for opening, cue in self.openers:
            self.openers_by_first[opening[0]].append((opening, cue))
        # Phrasings are cut with keywords and signal words only: cue words ("我是", "还你") are
        # everyday words, and letting them regroup jieba's cuts would shift every similarity.
        # They join the same tokenizer afterwards, for the whole-word checks of TermIndex.
        cue_only = {t for t, owners in terms.items() if all(kind == "cue" for kind, _ in owners)}
        tokenizer = tokenizer_with(w for t in terms if t not in cue_only for w in t.split(BOUNDARY))
        library_terms = {t for t in terms if t not in cue_only and len(t) >= 2 and BOUNDARY not in t}
        self._build_phrases(tokenizer, library_terms)
        for word in sorted({w for t in cue_only for w in t.split(BOUNDARY) if len(w) >= 2}):
            tokenizer.add_word(word)
        self.terms = TermIndex(terms, tokenizer)

    def _build_phrases(self, tokenizer, library_terms: set[str]) -> None:
        seen: set[tuple[str, str]] = set()
        self.phrase_type: list[str] = []
        self.phrase_text: list[str] = []
        normalized: list[str] = []
        for scam_type in self.library.types:
            for phrase in scam_type.phrasings:
                norm = normalize_phrase(phrase)
                if len(norm) < 2 or (scam_type.id, norm) in seen:
                    continue
                seen.add((scam_type.id, norm))
                self.phrase_type.append(scam_type.id)
                self.phrase_text.append(phrase)
                normalized.append(norm)
        self.phrases = PhraseIndex(
            normalized, tokenizer, base_tokenizer().total, self._everyday_words(tokenizer, library_terms)
        )

    def _everyday_words(self, tokenizer, library_terms: set[str]) -> set[str]:
        """Words of the benign examples that are not library terms (see PhraseIndex)."""
        words: set[str] = set()
        for group in self.library.benign:
            for text in group.examples:
                words.update(w for w in tokenizer.cut(normalize_phrase(text), HMM=False) if len(w) >= 2)
        return words - library_terms

    def _collect_terms(self) -> dict[str, list[Owner]]:
        terms: dict[str, list[Owner]] = defaultdict(list)
        for scam_type in self.library.types:
            for word in scam_type.keywords:
                terms[_term(word)].append(("kw", scam_type.id))
        for signal in self.library.signals.values():
            for word in signal.words:
                terms[_term(word)].append(("sig", signal.id))
        for cue in self.library.cues.values():
            for word in cue.words:
                if not word.startswith(OPENER):
                    terms[_term(word)].append(("cue", cue.id))
        return dict(terms)

    def _collect_openers(self) -> list[tuple[str, str]]:
        """(opening words, cue id) for cue words written "^妈": they count only where the message
        starts, as a greeting ("妈，我手机丢了…"); the same word inside a sentence is just a word."""
        return [
            (normalize_phrase(word[len(OPENER) :]), cue.id)
            for cue in self.library.cues.values()
            for word in cue.words
            if word.startswith(OPENER) and normalize_phrase(word[len(OPENER) :])
        ]

    def check(self, text: str) -> Verdict:
        """Judge one message. Never raises: a bug here must not cost the resident an answer."""
        try:
            return self._check(text if isinstance(text, str) else str(text))
        except Exception:  # noqa: BLE001 — logged with the trace; the resident still gets a reply
            log.exception("detector failed on a message of %d characters", len(str(text)))
            return Verdict(SUSPICIOUS, None, None, None, 0.0, breakdown={"error": True})

    def _check(self, text: str) -> Verdict:
        norm = normalize_message(text)
        compact = norm.compact
        if not compact and not norm.extracted["links"]:
            return Verdict(SAFE, None, None, None, 0.0, extracted=norm.extracted)
        pairs = pairs_of(compact)
        hits = self.terms.find(compact, pairs)
        found = self.phrases.search(compact, pairs)
        evidence, fired, asked, cued = self._gather(found, hits)
        opening_text = _after_sender_tag(text, compact)
        openers = self.openers_by_first.get(opening_text[:1], ())
        cued.update(cue for opening, cue in openers if _opens_with(opening_text, opening))
        strange = any(not _official_link(link) for link in norm.extracted["links"])  # see OFFICIAL_DOMAINS
        if strange and "app_download" not in fired and _invites_opening(norm):
            fired.append("app_download")
        if "transfer" not in fired and _MONEY_DEMAND.search(compact):
            fired.append("transfer")
        present = _present(fired, cued, norm.extracted, strange)
        combos = self._combos(evidence, present)
        return self._decide(norm, found, hits, evidence, (fired, asked), combos, strange, present)

    def _combos(self, evidence, present: set[str]) -> list:
        """The library's combos whose every group is present; each adds to its type's evidence."""
        if not self.library.combos:
            return []
        candidates = sorted({p for ingredient in present for p in self.combos_by_first.get(ingredient, ())})
        matched = []
        for position in candidates:
            combo = self.library.combos[position]
            if _every_group_present(combo.when, present):
                evidence[combo.type].combos.append(combo.weight)
                matched.append(combo)
        return matched

    def _gather(self, found: dict, hits: list[TermHit]):
        """(evidence per type, fired signals, signals asked for, cues present)."""
        evidence: dict[str, scoring.TypeEvidence] = defaultdict(scoring.TypeEvidence)
        for index, (score, _start) in found.items():
            evidence[self.phrase_type[index]].similarities.append(score / 100.0)
        fired: list[str] = []
        asked: set[str] = set()
        cued: set[str] = set()
        for hit in hits:
            for kind, owner in hit.owners:
                if kind == "kw":
                    evidence[owner].keywords.append(hit.term)
                elif kind == "ask":
                    asked.add(owner)
                elif kind == "cue":
                    cued.add(owner)
                elif owner not in fired:
                    fired.append(owner)
        return evidence, fired, asked, cued

    def _decide(
        self, norm, found, hits, evidence, fired_asked, combos=(), strange_link=False, present=frozenset()
    ) -> Verdict:
        extracted = norm.extracted
        fired, asked = fired_asked
        type_scores: dict[str, float] = {}
        ranks: dict[str, float] = {}
        for tid, ev in evidence.items():
            type_scores[tid], ranks[tid] = ev.weigh()
        best_type = _pick_type(ranks, type_scores)
        type_score = max(type_scores.values(), default=0.0)
        signals = scoring.signal_score(fired, self.weights, asked)
        # Lawful marketing says how to unsubscribe; phishing copies the line ("回T退订", "拒收请回复R").
        # It earns no discount for a message that asks for a code, ID or money, or tells a whole
        # story (a combo) around a look-alike link.
        marketing = bool(_UNSUBSCRIBE.search(norm.compact)) and asked.isdisjoint(_SENSITIVE_ASKS)
        marketing = marketing and not (combos and strange_link)
        score = scoring.combine(type_score, signals, strange_link, marketing)
        # A whole scam story (a combo) outweighs a protective phrase: scammers borrow "如非本人
        # 操作" and "请勿泄露" to look genuine.
        pleads = bool(PLEASE_DO.search(norm.compact))  # "请把钱转到…", "请点击…": told, not retold
        if (_gives_counter_advice(norm) and not pleads) or (
            not combos and _reassuring(norm.compact, bool(extracted["links"]), pleads)
        ):
            score *= scoring.PROTECTIVE_KEEP
        verdict = scoring.verdict_for(score, self.thresholds)
        scam_type = self.types.get(best_type) if best_type and verdict != SAFE else None
        if verdict == SCAM and scam_type and scam_type.scam_needs and present.isdisjoint(scam_type.scam_needs):
            verdict = SUSPICIOUS  # e.g. a plain loan request from "family": check first, don't condemn
        matches = self._matches(found, best_type)
        fired_sorted = tuple(sorted(fired, key=lambda s: -self.weights.get(s, 0.0)))
        return Verdict(
            verdict=verdict,
            type=scam_type.id if scam_type else None,
            type_name=scam_type.name if scam_type else None,
            risk=scam_type.risk if scam_type else None,
            score=round(score, 4),
            matches=matches,
            signals=fired_sorted,
            evidence=self._evidence(norm, found, matches, hits, best_type, combos) if verdict != SAFE else (),
            extracted=extracted,
            breakdown={
                "type_score": round(type_score, 3),
                "signal_score": round(signals, 3),
                "types": {k: round(v, 3) for k, v in sorted(type_scores.items(), key=lambda kv: -kv[1])[:5]},
                "combos": [c.name for c in combos],
            },
        )

    def _matches(self, found: dict, best_type: str | None) -> tuple[Match, ...]:
        floor = scoring.PHRASE_FLOOR * 100
        strong = [(i, s) for i, (s, _start) in found.items() if s > floor]
        # The chosen type's phrasings first: they are the explanation of the verdict.
        strong.sort(key=lambda item: (self.phrase_type[item[0]] == best_type, item[1]), reverse=True)
        return tuple(
            Match(self.phrase_type[i], self.phrase_text[i], round(s / 100.0, 3))
            for i, s in strong[:MAX_MATCHES]
        )

    def _evidence(self, norm, found, matches, hits, best_type, combos=()) -> tuple[str, ...]:
        words: list[str] = []
        by_text = {self.phrase_text[i]: i for i in found}
        for match in matches[:3]:
            index = by_text.get(match.phrase)
            if index is not None:
                part = self.phrases.aligned_text(index, norm.compact, found[index][1])
                words.append(quote(part, norm.folded) if part else "")
        # The ingredients of a combo of the chosen type are what made the message a scam.
        used = {cue for c in combos if c.type == best_type for group in c.when for cue in group}
        for hit in hits:
            if _explains(hit.owners, best_type, used):
                words.append(hit.term)
        return _distinct(words)[:MAX_EVIDENCE]


def _pick_type(ranks: dict[str, float], scores: dict[str, float]) -> str | None:
    """The type that explains the message best: the highest rank, then score (TypeEvidence.weigh)."""
    if not ranks:
        return None
    return max(ranks, key=lambda t: (ranks[t], scores[t]))


def _explains(owners, best_type: str | None, used: set[str]) -> bool:
    """A hit is evidence when it is a warning sign, a word of the chosen type or of its combo."""
    for kind, owner in owners:  # noqa: SIM110 — a loop, not any(<generator>): it runs for every hit
        if kind == "sig" or owner == best_type or owner in used:
            return True
    return False


def _gives_counter_advice(norm) -> bool:
    # 96110 (the anti-fraud hotline) is looked for with its digits: the compact text has "#". A
    # scammer names it only to forbid it ("不要接听96110的电话").
    if _COUNTER_ADVICE.search(norm.compact):
        return True
    return any(not _HOTLINE_FORBIDDEN.search(norm.folded, max(0, m.start() - 8), m.start())
               for m in _HOTLINE.finditer(norm.folded))


def _reassuring(compact: str, has_link: bool, pleads: bool = False) -> bool:
    """A one-time code delivered (warning not to share it, or simply not asked for back), a notice
    that opens as publicity and asks nothing of the reader ("警方提示：…请立即转入安全账户" is a scam
    wearing the label), or a short notice that sends the reader to the company's own app (and
    carries no link of its own)."""
    if _PUBLICITY_LEAD.search(compact[:_PUBLICITY_SPAN]) and not pleads:
        return True
    if _OTP.search(compact) and (_OTP_WARNING.search(compact) or _PROTECTIVE.search(compact)):
        return True
    if len(compact) < _SHORT_CODE_SMS and _OTP_DELIVERED.search(compact) and not _CODE_HANDOVER.search(compact):
        return True
    if not has_link and _OWN_APP.search(compact) and len(compact) < 120:
        return True
    return bool(_PROTECTIVE.search(compact)) and len(compact) < 120


def _after_sender_tag(text: str, compact: str) -> str:
    """The compact text after a leading label, so that "【短信】爷爷，我…" still opens with "爷爷"."""
    tag = _SENDER_TAG.match(text)
    if not tag:
        return compact
    prefix = normalize_message(tag.group(0)).compact
    return compact[len(prefix) :] if prefix and compact.startswith(prefix) else compact


def _opens_with(compact: str, opening: str) -> bool:
    """The message opens by calling the reader "哥", "姐"…; "哥们" or "姐妹们" is a friend's banter."""
    return compact.startswith(opening) and not compact.startswith("们", len(opening))


def _every_group_present(groups, present: set[str]) -> bool:
    for group in groups:  # noqa: SIM110 — a loop, not all(<generator>): it runs for every candidate combo
        if present.isdisjoint(group):
            return False
    return True


def _present(fired: list[str], cued: set[str], extracted: dict, strange_link: bool) -> set[str]:
    """Every ingredient a combo or a type's scam_needs may name: cues, signals and the facts."""
    present = cued.union(fired)
    if strange_link:
        present.add("link")
    if _has_apk(extracted["links"]):
        present.add("apk")
    if any(not _SERVICE_LINE.fullmatch(phone) for phone in extracted["phones"]):
        present.add("phone")
    return present


def _invites_opening(norm) -> bool:
    """The message tells the reader to open its link, or the link is an app to install."""
    links = norm.extracted["links"]
    return bool(_OPEN_LINK.search(norm.compact) or _TAP_LINK.search(norm.folded) or _has_apk(links))


def _has_apk(links: list[str]) -> bool:
    return any(_APK.search(link) for link in links)


def _official_link(link: str) -> bool:
    found = _HOST.match(link)
    host = found.group(1).lower().removeprefix("www.") if found else ""
    return any(host == domain or host.endswith("." + domain) for domain in OFFICIAL_DOMAINS)


def _term(word: str) -> str:
    """A keyword or signal word, normalized; "A…B" (or "A...B") stays a proximity pair."""
    parts = [normalize_phrase(part) for part in word.replace("...", "…").split("…")]
    return BOUNDARY.join(part for part in parts if part)


def _distinct(words: list[str]) -> tuple[str, ...]:
    """Drop empty words and words already inside an earlier one (symbols ignored)."""
    kept: list[str] = []
    plain: list[str] = []
    for word in words:
        bare = _SYMBOLS.sub("", word)
        if not bare:
            continue
        for other in plain:  # a loop, not any(<generator>): this runs for every flagged message
            if bare in other or other in bare:
                break
        else:
            kept.append(word)
            plain.append(bare)
    return tuple(kept)
