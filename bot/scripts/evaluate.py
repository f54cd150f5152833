"""Measure the detector on labelled messages (JSON lines with "text" and "label").

    python -m bot.scripts.evaluate ../shared/datasets/telecom_fraud_texts_5.jsonl

`label` is "benign" or a scam-type name of the data set; eval/label_map.yaml says which of our
type ids count as agreeing with each name. "Flagged" means verdict scam or suspicious. The last
line is always `recall=<r> fpr=<f>` so scripts can read it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.detection import Detector
from bot.scripts.check import open_detector

ROOT = Path(__file__).resolve().parent.parent.parent
BENIGN = "benign"


@dataclass
class Tally:
    rows: Counter = field(default_factory=Counter)  # label -> rows
    flagged: Counter = field(default_factory=Counter)  # label -> flagged rows
    scam: Counter = field(default_factory=Counter)  # label -> verdict scam
    types: dict = field(default_factory=lambda: defaultdict(Counter))  # label -> type -> flagged rows
    agree: int = 0
    judged: int = 0  # flagged scam rows whose label is in the map
    misses: list = field(default_factory=list)

    def add(self, label: str, verdict, accepted: list[str] | None) -> None:
        self.rows[label] += 1
        if not verdict.flagged:
            return
        self.flagged[label] += 1
        self.scam[label] += verdict.verdict == "scam"
        self.types[label][verdict.type or "-"] += 1
        if label != BENIGN and accepted:
            self.judged += 1
            self.agree += verdict.type in accepted


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Score the detector on labelled JSON lines.")
    parser.add_argument("files", nargs="+", help="JSONL files with 'text' and 'label'")
    parser.add_argument(
        "--label-map", default=str(ROOT / "eval" / "label_map.yaml"), help="label -> type ids"
    )
    parser.add_argument("--file", default=str(ROOT / "scam_patterns.yaml"), help="pattern file")
    parser.add_argument("--limit", type=int, default=0, help="use at most this many rows per file")
    parser.add_argument(
        "--show", type=int, default=0, help="print N missed scams and N false alarms to stderr"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    detector = open_detector(args.file)
    if detector is None:
        return 2
    # Our own sets (eval/*.jsonl) are labelled with our type ids, which agree with themselves.
    label_map = {**{type_id: [type_id] for type_id in detector.types}, **load_label_map(args.label_map)}
    rows = [row for path in args.files for row in read_rows(Path(path), args.limit)]
    tally = score_rows(detector, rows, label_map, args.show)
    print(report(tally, label_map))
    return 0


def load_label_map(path: str) -> dict[str, list[str]]:
    """label -> accepted type ids (first is the main one); an absent file means no type check."""
    if not Path(path).exists():
        print(f"(no label map at {path}: type agreement not measured)", file=sys.stderr)
        return {}
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {str(k): list(v) if isinstance(v, list) else [v] for k, v in (data.get("labels") or {}).items()}


def read_rows(path: Path, limit: int = 0) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                record = json.loads(line)
                rows.append((str(record["text"]), str(record["label"])))
            except (json.JSONDecodeError, KeyError, TypeError):
                print(f"{path}:{number}: skipped (not a JSON object with text and label)", file=sys.stderr)
            if limit and len(rows) >= limit:
                break
    return rows


def score_rows(detector: Detector, rows: list[tuple[str, str]], label_map: dict, show: int = 0) -> Tally:
    tally = Tally()
    progress = Progress(len(rows))
    for n, (text, label) in enumerate(rows, 1):
        verdict = detector.check(text)
        tally.add(label, verdict, label_map.get(label))
        if show and (verdict.flagged != (label != BENIGN)):
            _show(text, label, verdict, tally, show)
        progress.update(n)
    progress.done()
    return tally


def _show(text: str, label: str, verdict, tally: Tally, limit: int) -> None:
    kind = "FALSE ALARM" if label == BENIGN else "MISSED"
    if sum(1 for k in tally.misses if k == kind) >= limit:
        return
    tally.misses.append(kind)
    print(
        f"--- {kind} [{label}] score={verdict.score:.2f} type={verdict.type} "
        f"signals={','.join(verdict.signals)}\n{text[:300]}",
        file=sys.stderr,
    )


class Progress:
    """A one-line bar on stderr, for runs long enough to wonder whether anything happens."""

    def __init__(self, total: int, min_total: int = 500):
        self.total, self.enabled = total, total >= min_total
        self.started = self.last = time.monotonic()

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done != self.total):
            return
        self.last = now
        filled = int(30 * done / self.total)
        rate = done / max(now - self.started, 1e-9)
        print(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total} {rate:.0f} msg/s",
            end="",
            file=sys.stderr,
        )

    def done(self) -> None:
        if self.enabled:
            print(file=sys.stderr)


def report(tally: Tally, label_map: dict) -> str:
    lines = [f"{'label':<24} {'rows':>6} {'flagged':>8} {'share':>7} {'scam':>6}"]
    for label in sorted(tally.rows, key=lambda lab: (lab != BENIGN, lab)):
        rows, flagged = tally.rows[label], tally.flagged[label]
        lines.append(f"{label:<24} {rows:>6} {flagged:>8} {flagged / rows:>7.1%} {tally.scam[label]:>6}")
    lines += ["", "type confusion (flagged rows: label -> our type, count):"]
    for label in sorted(tally.types):
        accepted = label_map.get(label, [])
        cells = ", ".join(
            f"{t}{'*' if t in accepted else ''}={n}" for t, n in tally.types[label].most_common(6)
        )
        lines.append(f"  {label}: {cells}")
    agreement = tally.agree / tally.judged if tally.judged else 0.0
    lines.append(
        f"(* = agrees with eval/label_map.yaml)  type agreement={agreement:.3f} "
        f"({tally.agree}/{tally.judged} flagged scam rows)"
    )
    scam_rows = sum(n for lab, n in tally.rows.items() if lab != BENIGN)
    scam_flagged = sum(n for lab, n in tally.flagged.items() if lab != BENIGN)
    recall = scam_flagged / scam_rows if scam_rows else 0.0
    fpr = tally.flagged[BENIGN] / tally.rows[BENIGN] if tally.rows[BENIGN] else 0.0
    lines.append(f"recall={recall:.4f} fpr={fpr:.4f}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
