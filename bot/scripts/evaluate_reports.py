"""Measure how well informant reports are read: location, risk level, and report / not a report.

    python -m bot.scripts.evaluate_reports [FILE] [--rules report_rules.yaml]

FILE is JSON lines: {"text", "building", "unit", "room", "risk", "is_report"} (default: the
labelled set in tests/fixtures/). The last line is machine-readable: `location=<x> risk=<y>`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.reports.parse import ParsedReport, RulesFileError, load_report_rules, parse_report

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FILE = ROOT / "tests" / "fixtures" / "informant_messages.jsonl"
DEFAULT_RULES = ROOT / "report_rules.yaml"


@dataclass
class Score:
    rows: int = 0
    location: int = 0
    risk: int = 0
    is_report: int = 0
    misses: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def ratio(self, name: str) -> float:
        return getattr(self, name) / self.rows if self.rows else 0.0


def load_rows(path: str | Path) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not JSON ({exc.msg})") from None
    return rows


def _compare(row: dict, got: ParsedReport) -> dict[str, tuple]:
    """For each measured field: (expected, got)."""
    where = got.address
    return {
        "location": (
            (row.get("building"), row.get("unit"), row.get("room")),
            (where.building, where.unit, where.room),
        ),
        "risk": (row.get("risk"), got.risk),
        "is_report": (bool(row.get("is_report")), got.is_report),
    }


def evaluate(rows: list[dict], rules) -> Score:
    score = Score(rows=len(rows))
    for row in rows:
        started = time.perf_counter()
        got = parse_report(row["text"], rules)
        score.seconds += time.perf_counter() - started
        wrong = []
        for name, (want, have) in _compare(row, got).items():
            if want == have:
                setattr(score, name, getattr(score, name) + 1)
            else:
                wrong.append(f"{name}: want {want} got {have}")
        if wrong:
            reasons = ",".join(got.risk_reasons)
            score.misses.append(
                f"  {row['text']}\n      " + "; ".join(wrong) + (f"  [{reasons}]" if reasons else "")
            )
    return score


def report(score: Score, out=None) -> None:
    out = out or sys.stdout  # looked up now, so a captured stdout is honoured
    print(f"messages: {score.rows}", file=out)
    print(
        f"location (building+unit+room): {score.location}/{score.rows} = {score.ratio('location'):.3f}",
        file=out,
    )
    print(f"risk level: {score.risk}/{score.rows} = {score.ratio('risk'):.3f}", file=out)
    print(f"is_report: {score.is_report}/{score.rows} = {score.ratio('is_report'):.3f}", file=out)
    if score.rows:
        print(f"time per message: {score.seconds / score.rows * 1e6:.0f} µs", file=out)
    print(f"misses: {len(score.misses)}", file=out)
    for miss in score.misses:
        print(miss, file=out)
    print(f"location={score.ratio('location'):.3f} risk={score.ratio('risk'):.3f}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.scripts.evaluate_reports",
        description="Measure location, risk and is_report accuracy of the informant-report reader.",
    )
    parser.add_argument(
        "file", nargs="?", default=str(DEFAULT_FILE), help="labelled JSON lines (default: %(default)s)"
    )
    parser.add_argument(
        "--rules", default=str(DEFAULT_RULES), help="report rules YAML (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    try:
        rules = load_report_rules(args.rules)
    except RulesFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    report(evaluate(load_rows(args.file), rules))
    return 0


if __name__ == "__main__":
    sys.exit(main())
