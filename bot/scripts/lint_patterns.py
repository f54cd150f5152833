"""Check scam_patterns.yaml before it goes live; every problem names the file and line.

    python -m bot.scripts.lint_patterns [--file scam_patterns.yaml]

Errors (exit 1): YAML syntax, missing fields, duplicate ids, unknown signals, knowledge files that
do not exist, an `example` the detector does not flag as its own type, a `lookalike` or `benign`
example it does flag. Warnings (exit 0): phrasings outside 6-40 characters, one-character words,
a phrasing listed under two types.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.detection import Detector, PatternFileError, load_library
from bot.detection.library import SIGNAL_IDS, Library
from bot.detection.normalize import normalize_phrase

ROOT = Path(__file__).resolve().parent.parent.parent
PHRASE_MIN, PHRASE_MAX = 6, 40


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Validate the scam pattern library.")
    parser.add_argument("--file", default=str(ROOT / "scam_patterns.yaml"), help="pattern file to check")
    parser.add_argument("--quiet", action="store_true", help="print errors only, no warnings")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    errors, warnings = lint(args.file)
    for line in [] if args.quiet else warnings:
        print(f"warning: {line}")
    for line in errors:
        print(line)
    summary = f"{args.file}: {len(errors)} error(s), {len(warnings)} warning(s)"
    print(summary, file=sys.stderr)
    return 1 if errors else 0


def lint(path: str) -> tuple[list[str], list[str]]:
    """(errors, warnings), each line starting with 'file:line:'."""
    try:
        library = load_library(path)
    except PatternFileError as exc:
        return [str(exc)], []
    errors = _structure(library) + _knowledge_links(library)
    detector = Detector(library)
    errors += _examples(library, detector) + _safe_texts(library, detector)
    return errors, _style(library)


def _structure(library: Library) -> list[str]:
    errors = []
    if not library.types:
        errors.append(f"{library.path}: no scam types under 'types'")
    for signal_id in SIGNAL_IDS:
        if signal_id not in library.signals:
            errors.append(f"{library.path}: signal '{signal_id}' is missing under 'signals'")
    for scam_type in library.types:
        if not scam_type.examples:
            errors.append(f"{library.path}:{scam_type.line}: type '{scam_type.id}' has no examples")
    return errors


def _knowledge_links(library: Library) -> list[str]:
    base = Path(library.path).resolve().parent
    return [
        f"{library.path}:{t.line}: knowledge file of '{t.id}' not found: {t.knowledge}"
        for t in library.types
        if not (base / t.knowledge).is_file()
    ]


def _examples(library: Library, detector: Detector) -> list[str]:
    errors = []
    for scam_type in library.types:
        for text, line in zip(scam_type.examples, scam_type.example_lines, strict=True):
            verdict = detector.check(text)
            if not verdict.flagged or verdict.type != scam_type.id:
                errors.append(
                    f"{library.path}:{line}: example of '{scam_type.id}' came out {verdict.verdict}"
                    f" as {verdict.type} (score {verdict.score:.2f}): {_short(text)}"
                )
    return errors


def _safe_texts(library: Library, detector: Detector) -> list[str]:
    texts = [
        (t.id, "lookalike", s, n)
        for t in library.types
        for s, n in zip(t.lookalikes, t.lookalike_lines, strict=True)
    ]
    texts += [
        (b.id, "benign example", s, n)
        for b in library.benign
        for s, n in zip(b.examples, b.example_lines, strict=True)
    ]
    errors = []
    for owner, kind, text, line in texts:
        verdict = detector.check(text)
        if verdict.flagged:
            why = ", ".join([m.phrase for m in verdict.matches[:2]] + list(verdict.evidence[:3]))
            errors.append(
                f"{library.path}:{line}: {kind} of '{owner}' is flagged {verdict.verdict} as {verdict.type}"
                f" (score {verdict.score:.2f}; because of: {why}): {_short(text)}"
            )
    return errors


def _style(library: Library) -> list[str]:
    warnings, owner_of = [], {}
    for t in library.types:
        where = f"{library.path}:{t.line}"
        for phrase in t.phrasings:
            norm = normalize_phrase(phrase)
            if not PHRASE_MIN <= len(norm) <= PHRASE_MAX:
                warnings.append(
                    f"{where}: phrasing of '{t.id}' has {len(norm)} characters (aim for 6-40): {phrase}"
                )
            if owner_of.get(norm, t.id) != t.id:
                warnings.append(f"{where}: phrasing also listed under '{owner_of[norm]}': {phrase}")
            owner_of.setdefault(norm, t.id)
        warnings += [
            f"{where}: keyword of one character is ignored: {w}"
            for w in t.keywords
            if len(normalize_phrase(w)) < 2
        ]
    for signal in library.signals.values():
        warnings += [
            f"{library.path}:{signal.line}: signal word of one character is ignored: {w}"
            for w in signal.words
            if len(normalize_phrase(w)) < 2
        ]
    return warnings


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


if __name__ == "__main__":
    sys.exit(main())
