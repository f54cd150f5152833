"""Time the detector: per-message latency, a 20,000-phrasing library, and cold start.

    python -m bot.scripts.bench_match [--messages 2000] [--grow 20000]

Targets: median < 1 ms and p99 < 5 ms per message; p99 < 15 ms with 20,000 phrasings;
cold start (import + library + jieba ready, fresh process) < 2 s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from bot.detection import Detector, load_library
from bot.detection.library import Library

ROOT = Path(__file__).resolve().parent.parent.parent
DATASETS = ROOT.parent / "shared" / "datasets"
FILES = ("telecom_fraud_texts_5.jsonl", "teleantifraud_dialogues.jsonl")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Benchmark Detector.check.")
    parser.add_argument("--file", default=str(ROOT / "scam_patterns.yaml"), help="pattern file")
    parser.add_argument("--messages", type=int, default=2000, help="messages to time")
    parser.add_argument("--grow", type=int, default=20000, help="phrasings in the synthetic large library")
    parser.add_argument("--seed", type=int, default=7)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    messages = sample_messages(args.messages, args.seed)
    if not messages:
        print(f"no data sets in {DATASETS}: skipping the latency runs (cold start only)")
    library = load_library(args.file)
    if messages:
        detector = Detector(library)
        report(f"library as is ({library.phrasing_count} phrasings)", time_checks(detector, messages))
        big, built = timed(lambda: Detector(grow(library, args.grow, args.seed)))
        print(f"built a {args.grow}-phrasing index in {built:.2f} s")
        report(f"grown library ({args.grow} phrasings)", time_checks(big, messages))
    print(f"cold start (fresh python: import + library + jieba + first check): {cold_start(args.file):.2f} s")
    return 0


def sample_messages(count: int, seed: int) -> list[str]:
    """An even mix of the two data sets (short SMS and long call transcripts)."""
    pools = []
    for name in FILES:
        path = DATASETS / name
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                pools.append([json.loads(line)["text"] for line in handle])
    if not pools:
        return []
    rng = random.Random(seed)
    per_pool = count // len(pools)
    return [text for pool in pools for text in rng.sample(pool, min(per_pool, len(pool)))]


def time_checks(detector: Detector, messages: list[str]) -> list[float]:
    for text in messages[:50]:  # warm caches (jieba's lazy parts, rapidfuzz)
        detector.check(text)
    times = []
    for text in messages:
        start = time.perf_counter()
        detector.check(text)
        times.append(time.perf_counter() - start)
    return times


def report(title: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    rate = len(ms) / (sum(ms) / 1000)
    print(
        f"{title}: median {statistics.median(ms):.2f} ms, p99 {p99:.2f} ms, max {ms[-1]:.2f} ms, "
        f"{rate:.0f} msg/s on one core"
    )


def grow(library: Library, target: int, seed: int) -> Library:
    """A library of `target` phrasings made by splicing halves of the real ones (same vocabulary)."""
    rng = random.Random(seed)
    pool = [p for t in library.types for p in t.phrasings]
    types = list(library.types)
    per_type = max(1, (target - len(pool)) // max(1, len(types)))
    grown = []
    for scam_type in types:
        extra = []
        for _ in range(per_type):
            a, b = rng.choice(pool), rng.choice(pool)
            extra.append(a[: len(a) // 2] + b[len(b) // 2 :])
        grown.append(replace(scam_type, phrasings=scam_type.phrasings + tuple(extra)))
    return replace(library, types=tuple(grown))


def timed(build):
    start = time.perf_counter()
    value = build()
    return value, time.perf_counter() - start


def cold_start(pattern_file: str) -> float:
    code = (
        "from bot.detection import Detector, load_library\n"
        f"Detector(load_library({pattern_file!r})).check('您好')\n"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
