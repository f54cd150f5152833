"""Hot reload: a saved change takes effect; a broken file keeps the last good library."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.detection import LiveDetector, PatternFileError, load_library

FIXTURE = (Path(__file__).parent / "fixtures" / "patterns_small.yaml").read_text(encoding="utf-8")
NEW_TYPE = """  - id: fake_charity
    name: 虚假慈善
    risk: medium
    knowledge: knowledge/fake_charity.md
    phrasings:
      - 小狗救助站急需善款请扫码捐赠
    keywords: [爱心捐款]
benign:
"""
MESSAGE = "小狗救助站急需善款请扫码捐赠"


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def setup(tmp_path):
    path = tmp_path / "patterns.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    clock = Clock()
    return path, clock, LiveDetector(path, interval=2.0, clock=clock)


def look(live: LiveDetector) -> None:
    """What the next message does after the interval, then wait for the background reload."""
    live.refresh()
    live.wait_for_reload()


def test_a_saved_change_is_used_after_the_interval(setup):
    path, clock, live = setup
    assert live.check(MESSAGE).verdict == "safe"
    path.write_text(FIXTURE.replace("benign:\n", NEW_TYPE, 1), encoding="utf-8")
    assert live.check(MESSAGE).verdict == "safe"  # not looked at again yet
    clock.now += 2.5
    look(live)
    verdict = live.check(MESSAGE)
    assert verdict.type == "fake_charity" and verdict.flagged
    info = live.info()
    assert info["valid"] and info["error"] is None and info["types"] == 4


def test_a_broken_file_keeps_the_last_good_library(setup, caplog):
    path, clock, live = setup
    before = live.info()
    lines = FIXTURE.splitlines()
    bad_line = next(n for n, line in enumerate(lines, 1) if "risk: medium" in line)
    lines[bad_line - 1] = lines[bad_line - 1].replace("medium", "very high")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    clock.now += 2.5
    with caplog.at_level(logging.ERROR):
        look(live)
        verdict = live.check("恭喜您被抽中为幸运用户，领奖前需先缴纳个人所得税")
    assert verdict.type == "fake_prize"  # the old library still answers
    info = live.info()
    assert not info["valid"] and f"patterns.yaml:{bad_line}:" in info["error"]
    assert info["sha256"] == before["sha256"]
    assert f"patterns.yaml:{bad_line}: risk must be one of" in caplog.text


def test_a_fixed_file_is_taken_again(setup):
    path, clock, live = setup
    path.write_text("version: 1\ntypes: [\n", encoding="utf-8")
    clock.now += 2.5
    look(live)
    assert not live.info()["valid"]
    path.write_text(FIXTURE.replace("benign:\n", NEW_TYPE, 1), encoding="utf-8")
    clock.now += 2.5
    look(live)
    assert live.info()["valid"] and live.check(MESSAGE).type == "fake_charity"


def test_messages_are_answered_by_the_old_library_while_the_new_one_builds(setup, monkeypatch):
    """The rebuild runs on its own thread: the message that notices the change does not wait."""
    import threading

    from bot.detection import live as live_module

    path, clock, live = setup
    building, release = threading.Event(), threading.Event()
    real_detector = live_module.Detector

    def slow_detector(library):
        building.set()
        release.wait(10)
        return real_detector(library)

    monkeypatch.setattr(live_module, "Detector", slow_detector)
    path.write_text(FIXTURE.replace("benign:\n", NEW_TYPE, 1), encoding="utf-8")
    clock.now += 2.5
    assert live.check(MESSAGE).verdict == "safe"  # answered at once, by the old library
    assert building.wait(10)
    assert live.check(MESSAGE).verdict == "safe"  # still building
    release.set()
    live.wait_for_reload()
    assert live.check(MESSAGE).type == "fake_charity"


def test_info_fields(setup):
    _path, _clock, live = setup
    info = live.info()
    assert set(info) == {"file", "sha256", "loaded_at", "types", "phrasings", "valid", "error"}
    assert info["types"] == 3 and info["phrasings"] == 11 and len(info["sha256"]) == 12


def test_a_broken_file_at_start_is_an_error(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\ntypes:\n  - id: x\n    name: y\n", encoding="utf-8")
    with pytest.raises(PatternFileError) as caught:
        LiveDetector(path)
    assert caught.value.line == 3 and "risk" in str(caught.value)


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("version: 1\ntypes: [\n", 3, "YAML syntax"),
        ("types: []\n", 1, "missing 'version'"),
        ("version: 1\nsignals:\n  greed: {name: x, words: [a]}\n", 3, "unknown signal"),
        ("version: 1\nsignals:\n  urgency: {name: x, words: [马上], weight: 3}\n", 3, "weight"),
        ("version: 1\nthresholds: {scam: 0.3, suspicious: 0.5}\n", 2, "suspicious"),
        ("version: 1\nversion: 2\n", 2, "appears twice"),
    ],
)
def test_errors_name_the_line(tmp_path, text, line, words):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PatternFileError) as caught:
        load_library(path)
    assert caught.value.line == line and words in caught.value.message
    assert str(caught.value).startswith(f"{path}:{line}: ")
