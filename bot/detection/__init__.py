"""Scam detection: the pattern library, the matcher and the verdict (DESIGN.md §3).

lib = load_library("scam_patterns.yaml")   # validated; PatternFileError names the line
det = Detector(lib)                         # builds the indexes once
det.check("消息") -> Verdict                 # never raises
LiveDetector(path)                          # the same, following edits to the file
"""

from bot.detection.detector import Detector
from bot.detection.library import Library, PatternFileError, load_library
from bot.detection.live import LiveDetector
from bot.detection.verdict import Match, Verdict

__all__ = ["Detector", "Library", "LiveDetector", "Match", "PatternFileError", "Verdict", "load_library"]
