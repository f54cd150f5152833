"""Turn what was found (phrasings, keywords, warning signs) into a score and a verdict.

Every piece of evidence is a probability-like weight and they combine as a "noisy OR":
score = 1 - prod(1 - w). One strong piece is enough to worry; several weak ones add up, but
never past 1; and a message with nothing in it scores 0. The weights below are the defaults;
the YAML may override a signal's weight and the two thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

DEFAULT_SIGNAL_WEIGHTS = {
    "transfer": 0.30,
    "verification_code": 0.35,
    "urgency": 0.15,
    "secrecy": 0.35,
    "authority": 0.20,
    "safe_account": 0.55,
    "app_download": 0.25,
    "too_good": 0.20,
    "personal_info": 0.20,
    "off_platform": 0.15,
}
DEFAULT_THRESHOLDS = {"scam": 0.70, "suspicious": 0.50}

# A phrasing counts from this similarity (0..1) on; a perfect match alone is worth PHRASE_MAX.
# Similarity is mostly the weighted share of a phrasing's words found close together (see
# phrases.py): under half is what unrelated text reaches; a full match is strong, not proof.
PHRASE_FLOOR = 0.45
PHRASE_MAX = 0.60
# Further phrasings of the same type corroborate, at this share of their own weight.
EXTRA_PHRASE_SHARE = 0.5
EXTRA_PHRASES = 3
KEYWORD_WEIGHT = 0.30
RANK_PHRASES = 3
RANK_KEYWORD = 0.3
MAX_KEYWORDS = 3
# A combo (several ingredients of one scam together, see the YAML's `combos`) is the type's
# story told whole: it weighs this much per unit of weight when choosing the type.
RANK_COMBO = 1.0
# A link adds a little, and only to a message that already shows some other sign: most shop
# and carrier SMS carry a link too.
LINK_WEIGHT = 0.10
# "请提供身份证号" is worth more than a bare "身份证号" (see terms._ASK).
ASK_BOOST = 1.6
ASK_MAX = 0.6


def noisy_or(weights: Iterable[float]) -> float:
    miss = 1.0
    for weight in weights:
        miss *= 1.0 - min(max(weight, 0.0), 1.0)
    return 1.0 - miss


def phrase_weight(similarity: float) -> float:
    """0 at PHRASE_FLOOR, PHRASE_MAX at a perfect match, linear between."""
    if similarity <= PHRASE_FLOOR:
        return 0.0
    return PHRASE_MAX * (similarity - PHRASE_FLOOR) / (1.0 - PHRASE_FLOOR)


@dataclass
class TypeEvidence:
    """What speaks for one scam type."""

    similarities: list[float] = field(default_factory=list)  # distinct phrasings, any order
    keywords: list[str] = field(default_factory=list)
    combos: list[float] = field(default_factory=list)  # weights of the combos that matched

    def weigh(self) -> tuple[float, float]:
        """(score, rank), from one sort of the similarities (this runs for every type found).

        score: the noisy OR of the best phrasing, the next EXTRA_PHRASES at a share of their
        weight, the keywords and the strongest combo (combos of one type are nested: "A+B",
        "A+B+C"). Similarities at or below PHRASE_FLOOR weigh 0 and are left out; most types a
        message touches have nothing else, and score 0.

        rank: how well the type explains the message, for choosing the type: the sum of its three
        best similarities plus its keywords and its combo. Summing rewards a type whose several
        phrasings all fit (measured: better type agreement than the single best phrasing)."""
        sims = sorted(self.similarities, reverse=True)
        rank = sum(sims[:RANK_PHRASES]) + RANK_KEYWORD * min(len(self.keywords), MAX_KEYWORDS)
        rank += RANK_COMBO * max(self.combos, default=0.0)
        strong = [s for s in sims[: 1 + EXTRA_PHRASES] if s > PHRASE_FLOOR]  # a prefix: sims descend
        if not (strong or self.keywords or self.combos):
            return 0.0, rank
        weights = [phrase_weight(s) for s in strong[:1]]
        weights += [EXTRA_PHRASE_SHARE * phrase_weight(s) for s in strong[1:]]
        weights += [KEYWORD_WEIGHT] * min(len(self.keywords), MAX_KEYWORDS)
        weights += sorted(self.combos, reverse=True)[:1]
        return noisy_or(weights), rank


def signal_score(fired: Iterable[str], weights: dict[str, float], asked: set[str] = frozenset()) -> float:
    """Noisy OR of the fired signals; a signal that is asked for ("请提供…") weighs more."""
    return noisy_or(
        min(ASK_MAX, weights.get(sid, 0.0) * ASK_BOOST) if sid in asked else weights.get(sid, 0.0)
        for sid in fired
    )


# Lawful marketing SMS in China must say how to unsubscribe ("回复TD退订"); scams rarely do.
MARKETING_KEEP = 0.5
# A short notice that protects the reader ("请勿泄露", "如非本人操作请忽略") or opens as
# anti-fraud publicity keeps this share of its score (see detector._reassuring).
PROTECTIVE_KEEP = 0.5


def combine(type_score: float, signals: float, has_link: bool, marketing: bool = False) -> float:
    score = noisy_or((type_score, signals))
    if has_link and score > 0.0:
        score = noisy_or((score, LINK_WEIGHT))
    return score * MARKETING_KEEP if marketing else score


def verdict_for(score: float, thresholds: dict[str, float]) -> str:
    if score >= thresholds["scam"]:
        return "scam"
    if score >= thresholds["suspicious"]:
        return "suspicious"
    return "safe"
