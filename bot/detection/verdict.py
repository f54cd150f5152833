"""What a check returns: the verdict, why, and what was found in the message."""

from __future__ import annotations

from dataclasses import dataclass, field

SCAM = "scam"
SUSPICIOUS = "suspicious"
SAFE = "safe"


@dataclass(frozen=True)
class Match:
    """One library phrasing the message resembles."""

    type: str
    phrase: str
    similarity: float  # 0..1


@dataclass(frozen=True)
class Verdict:
    verdict: str  # scam | suspicious | safe
    type: str | None
    type_name: str | None
    risk: str | None
    score: float  # 0..1
    matches: tuple[Match, ...] = ()
    signals: tuple[str, ...] = ()  # signal ids that fired
    evidence: tuple[str, ...] = ()  # words of the message that made it suspicious
    extracted: dict = field(default_factory=dict)  # links, phones, amounts, apps
    # How the score was made (for the check CLI and logs); not part of the stable JSON.
    breakdown: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def flagged(self) -> bool:
        return self.verdict != SAFE

    def to_json(self) -> dict:
        """The stable machine-readable form; other tools script against exactly these keys."""
        return {
            "verdict": self.verdict,
            "type": self.type,
            "score": round(self.score, 3),
            "matches": [
                {"type": m.type, "phrase": m.phrase, "similarity": round(m.similarity, 3)}
                for m in self.matches
            ],
        }
