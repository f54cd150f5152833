"""Check a message against the pattern library, as the bot would.

python -m bot.scripts.check "您的账户涉嫌洗钱，请转到安全账户"
printf '{"text": "..."}\\n' | python -m bot.scripts.check --jsonl     # one JSON verdict per line
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.detection import Detector, PatternFileError, Verdict, load_library
from bot.detection.advice import render_check_reply

ROOT = Path(__file__).resolve().parent.parent.parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Check messages for scams with scam_patterns.yaml.")
    parser.add_argument("text", nargs="*", help="the message (words are joined with spaces)")
    parser.add_argument("--file", default=str(ROOT / "scam_patterns.yaml"), help="pattern file")
    parser.add_argument("--knowledge", default=str(ROOT / "knowledge"), help="knowledge folder")
    parser.add_argument("--jsonl", action="store_true", help="read JSON lines with a 'text' field from stdin")
    return parser


def open_detector(path: str) -> Detector | None:
    """The detector for a pattern file, or None after printing which line of it is wrong."""
    try:
        return Detector(load_library(path))
    except PatternFileError as exc:
        print(exc, file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    detector = open_detector(args.file)
    if detector is None:
        return 2
    if args.jsonl:
        check_jsonl(detector, sys.stdin, sys.stdout)
        return 0
    text = " ".join(args.text) if args.text else sys.stdin.read()
    verdict = detector.check(text)
    print(render_check_reply(verdict, _knowledge(args.knowledge)))
    print()
    print(breakdown(verdict))
    return 0


def check_jsonl(detector: Detector, lines, out) -> None:
    """One output line per input line, in order; a bad line gets {"error": ...}, not a crash."""
    for line in lines:
        if not line.strip():
            continue
        out.write(json.dumps(_check_line(detector, line), ensure_ascii=False) + "\n")


def _check_line(detector: Detector, line: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"not JSON: {exc.msg} (column {exc.colno})"}
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return {"error": "expected an object with a 'text' string"}
    return detector.check(record["text"]).to_json()


def breakdown(verdict: Verdict) -> str:
    """How the score was made, for people tuning the library."""
    parts = verdict.breakdown
    lines = [
        f"verdict={verdict.verdict} type={verdict.type} score={verdict.score:.3f}",
        f"  type evidence={parts.get('type_score', 0):.3f}  signals={parts.get('signal_score', 0):.3f}"
        f"  fired={','.join(verdict.signals) or '-'}",
        f"  per type: {json.dumps(parts.get('types', {}), ensure_ascii=False)}",
    ]
    lines += [f"  match {m.similarity:.2f} [{m.type}] {m.phrase}" for m in verdict.matches]
    lines.append(f"  evidence: {' | '.join(verdict.evidence) or '-'}")
    extracted = {k: v for k, v in verdict.extracted.items() if v}
    if extracted:
        lines.append(f"  extracted: {json.dumps(extracted, ensure_ascii=False)}")
    return "\n".join(lines)


def _knowledge(directory: str):
    from bot.detection.knowledge import KnowledgeBase, KnowledgeError

    try:
        return KnowledgeBase(directory, cards=())
    except KnowledgeError as exc:
        print(f"(no explanations: {exc})", file=sys.stderr)
        return None


if __name__ == "__main__":
    sys.exit(main())
