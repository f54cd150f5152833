"""The verdict of a message must not depend on the process that judges it.

Python randomizes set and str-hash order per process (PYTHONHASHSEED). Each gunicorn worker is
its own process, so any iteration over a set that reaches the score would let two workers give
one message two different answers. Two processes with different seeds must agree exactly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.detection import load_library

ROOT = Path(__file__).resolve().parent.parent


def library_messages() -> list[str]:
    library = load_library(ROOT / "scam_patterns.yaml")
    texts = [text for t in library.types for text in (*t.examples, *t.lookalikes)]
    texts += [text for group in library.benign for text in group.examples]
    return texts


def check_with_seed(lines: str, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "bot.scripts.check", "--jsonl"],
        input=lines, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=True,
    )
    return done.stdout


def test_two_hash_seeds_give_identical_verdicts():
    texts = library_messages()
    lines = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    first, second = check_with_seed(lines, "1"), check_with_seed(lines, "2")
    assert len(first.splitlines()) == len(texts) > 200
    assert first == second
