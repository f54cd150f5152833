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
}
DEFAULT_THRESHOLDS = {"scam": 0.65, "suspicious": 0.40}

# A phrasing counts from this similarity (0..1) on; a perfect match alone is worth PHRASE_MAX.
PHRASE_FLOOR = 0.70
PHRASE_MAX = 0.85
# Further phrasings of the same type corroborate, at this share of their own weight.
EXTRA_PHRASE_SHARE = 0.5
EXTRA_PHRASES = 3
KEYWORD_WEIGHT = 0.35
MAX_KEYWORDS = 3
# A link adds a little, and only to a message that already shows some other sign: most shop
# and carrier SMS carry a link too.
LINK_WEIGHT = 0.10


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

    def score(self) -> float:
        sims = sorted(self.similarities, reverse=True)
        weights = [phrase_weight(s) for s in sims[:1]]
        weights += [EXTRA_PHRASE_SHARE * phrase_weight(s) for s in sims[1 : 1 + EXTRA_PHRASES]]
        weights += [KEYWORD_WEIGHT] * min(len(self.keywords), MAX_KEYWORDS)
        return noisy_or(weights)

    def best_similarity(self) -> float:
        return max(self.similarities, default=0.0)


def signal_score(fired: Iterable[str], weights: dict[str, float]) -> float:
    return noisy_or(weights.get(signal_id, 0.0) for signal_id in fired)


def combine(type_score: float, signals: float, has_link: bool) -> float:
    score = noisy_or((type_score, signals))
    if has_link and score > 0.0:
        score = noisy_or((score, LINK_WEIGHT))
    return score


def verdict_for(score: float, thresholds: dict[str, float]) -> str:
    if score >= thresholds["scam"]:
        return "scam"
    if score >= thresholds["suspicious"]:
        return "suspicious"
    return "safe"
