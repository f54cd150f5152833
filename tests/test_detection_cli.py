"""The command-line tools: check, check --jsonl, lint_patterns, evaluate."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from bot.detection import Detector, load_library
from bot.scripts import check, evaluate, lint_patterns

ROOT = Path(__file__).resolve().parent.parent
SMALL = Path(__file__).parent / "fixtures" / "patterns_small.yaml"
REAL = ROOT / "scam_patterns.yaml"


def test_check_prints_reply_and_breakdown(capsys):
    assert check.main(["--file", str(SMALL), "我是民警，你的身份证涉嫌一起洗钱案件"]) == 0
    out = capsys.readouterr().out
    assert "高度疑似诈骗" in out and "verdict=scam type=fake_police" in out and "match 1.00" in out


def test_check_jsonl_one_line_per_input_in_order():
    detector = Detector(load_library(SMALL))
    lines = ['{"text": "你的身份证涉嫌一起洗钱案件"}\n', "not json\n", '{"text": 5}\n', '{"text": "你好"}\n']
    out = io.StringIO()
    check.check_jsonl(detector, lines, out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 4
    assert rows[0]["type"] == "fake_police" and set(rows[0]) == {"verdict", "type", "score", "matches"}
    assert "error" in rows[1] and "error" in rows[2]
    assert rows[3] == {"verdict": "safe", "type": None, "score": 0.0, "matches": []}


def test_lint_passes_the_fixture(capsys):
    assert lint_patterns.main(["--file", str(SMALL)]) == 0


def test_lint_names_the_failing_lines(tmp_path, capsys):
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace(
        "本店招聘店员，月薪四千，包吃住，欢迎来店面试", "足不出户日赚三百元，点赞关注就能领佣金"
    )
    text = text.replace("knowledge/fake_prize.md", "knowledge/nothing_here.md")
    path = tmp_path / "patterns.yaml"
    path.write_text(text, encoding="utf-8")
    assert lint_patterns.main(["--file", str(path)]) == 1
    out = capsys.readouterr().out
    lookalike_line = text.splitlines().index("      - 足不出户日赚三百元，点赞关注就能领佣金") + 1
    assert f"{path}:{lookalike_line}: lookalike of 'task_rebate' is flagged" in out
    assert "knowledge file of 'fake_prize' not found" in out


@pytest.mark.skipif(os.environ.get("FANZHA_DATA_INCOMPLETE") == "1", reason="data still being written")
def test_lint_passes_the_real_library(capsys):
    """The real scam_patterns.yaml lints clean. Fails while the data is incomplete or inconsistent:
    read the printed file:line errors (or run `python -m bot.scripts.lint_patterns`)."""
    code = lint_patterns.main(["--file", str(REAL)])
    assert code == 0, capsys.readouterr().out


def test_evaluate_prints_recall_and_fpr_last(tmp_path, capsys):
    data = tmp_path / "labelled.jsonl"
    rows = [
        {"text": "我是民警，你的身份证涉嫌一起洗钱案件，把钱转到安全账户接受资金清查", "label": "公检法"},
        {"text": "恭喜您被抽中为幸运用户", "label": "公检法"},
        {"text": "今晚回家吃饭", "label": "benign"},
        {"text": "明天下雨记得带伞", "label": "benign"},
    ]
    data.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\nbroken\n", encoding="utf-8"
    )
    label_map = tmp_path / "map.yaml"
    label_map.write_text("labels:\n  公检法: [fake_police]\n", encoding="utf-8")
    assert evaluate.main([str(data), "--file", str(SMALL), "--label-map", str(label_map)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "recall=1.0000 fpr=0.0000"
    assert any("type agreement=0.500" in line for line in out)


DATASETS = ROOT.parent / "shared" / "datasets"


@pytest.mark.parametrize("name", ["telecom_fraud_texts_5.jsonl", "teleantifraud_dialogues.jsonl"])
def test_evaluate_runs_on_the_research_sets(name, capsys):
    """Smoke test on the first rows only; the full figures come from running evaluate by hand."""
    path = DATASETS / name
    if not path.exists():
        pytest.skip(f"research data set not found at {path} (it lives in ../shared/datasets)")
    assert evaluate.main([str(path), "--limit", "300"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("recall=") and " fpr=" in last


def test_our_own_messages_stay_covered(capsys):
    """eval/own_messages.jsonl: the families residents receive, in the team's own words. A change
    to the library that loses them, or frightens people with an everyday message, fails here."""
    assert evaluate.main([str(ROOT / "eval" / "own_messages.jsonl")]) == 0
    out = capsys.readouterr().out.splitlines()
    recall, fpr = (float(part.split("=")[1]) for part in out[-1].split())
    # Everyday messages: none judged a scam; at most one in two hundred "check first" (the blind
    # batches hold family members asking to borrow money, which scam_needs deliberately keeps at
    # "suspicious": the resident is asked to phone them back, not told it is a scam).
    benign = next(line.split() for line in out if line.startswith("benign "))
    assert recall >= 0.95 and fpr <= 0.005 and benign[-1] == "0", (out[-1], benign)
    # Issue 3's bar. Since the blind batch joined (its writer's labels, e.g. a fake official
    # asking for an ID card, can fairly be read as identity theft too) the file is at about 0.84.
    agreement = next(line for line in out if "type agreement=" in line)
    assert float(agreement.split("type agreement=")[1].split()[0]) >= 0.80, agreement
