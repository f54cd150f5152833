"""The journal of reports held while Redis is down: a torn line or a record that cannot be filed
is set aside (kept, never dropped) and does not stop the records after it from being filed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import redis

from bot.journal import DAY, Journal

RETRY_LATER = (redis.RedisError, OSError)


def record(n: int) -> dict:
    return {"kind": "report", "user": f"inf{n}", "text": f"{n}栋 王阿姨 要去银行转账", "at": n}


def refuse(held: dict) -> None:
    raise ValueError("a record this code cannot file")


def texts_of(records: list[dict]) -> list[str]:
    return [r["text"] for r in records]


NOW = 1_796_000_000.0  # 2026-11-30, 00:53 UTC


@pytest.fixture
def journal(tmp_path) -> Journal:
    return Journal(tmp_path / "held-c1.jsonl", clock=lambda: NOW)


def aside(journal: Journal) -> Path:
    """Today's set-aside file."""
    return journal.set_aside_file(NOW)


def test_replay_applies_every_record_in_order_and_empties_the_journal(journal):
    for n in (1, 2, 3):
        journal.append(record(n))
    applied: list[dict] = []
    result = journal.replay(applied.append, RETRY_LATER)
    assert (result.applied, result.set_aside) == (3, 0)
    assert texts_of(applied) == [record(n)["text"] for n in (1, 2, 3)]
    assert not journal.pending() and journal.set_aside_files() == []


def test_a_torn_last_line_does_not_swallow_the_next_record(journal):
    """A crash (or a full disk) in the middle of a write leaves a line without its end."""
    journal.append(record(1))
    with journal.path.open("a", encoding="utf-8") as handle:
        handle.write('{"journal_id": "torn", "kind": "report", "user": "inf2", "te')
    journal.append(record(3))
    applied: list[dict] = []
    result = journal.replay(applied.append, RETRY_LATER)
    assert texts_of(applied) == [record(1)["text"], record(3)["text"]]
    assert (result.applied, result.set_aside) == (2, 1)
    assert aside(journal).read_text(encoding="utf-8").startswith('{"journal_id": "torn"')
    assert not journal.pending()


def test_a_record_that_cannot_be_filed_is_set_aside_and_the_rest_are_filed(journal):
    for n in (1, 2, 3):
        journal.append(record(n))
    applied: list[dict] = []

    def apply(held: dict) -> None:
        if held["user"] == "inf2":
            raise TypeError("a record this code cannot file")
        applied.append(held)

    result = journal.replay(apply, RETRY_LATER)
    assert texts_of(applied) == [record(1)["text"], record(3)["text"]]
    assert (result.applied, result.set_aside) == (2, 1)
    kept = [json.loads(line) for line in aside(journal).read_text(encoding="utf-8").splitlines()]
    assert [r["user"] for r in kept] == ["inf2"]
    assert not journal.pending()


def test_set_aside_records_accumulate_across_replays(journal):
    for n in (1, 2):
        journal.append(record(n))
        journal.replay(refuse, RETRY_LATER)
    kept = aside(journal).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["user"] for line in kept] == ["inf1", "inf2"]


def test_redis_failing_again_keeps_the_whole_journal_for_later(journal):
    for n in (1, 2, 3):
        journal.append(record(n))
    before = journal.path.read_text(encoding="utf-8")
    applied: list[dict] = []

    def apply(held: dict) -> None:
        if held["user"] == "inf2":
            raise redis.ConnectionError("Redis went away again")
        applied.append(held)

    with pytest.raises(redis.ConnectionError):
        journal.replay(apply, RETRY_LATER)
    assert journal.path.read_text(encoding="utf-8") == before  # inf1 is skipped next time (journal_id)
    assert journal.set_aside_files() == []


def test_a_line_that_is_json_but_not_a_record_is_set_aside(journal):
    journal.path.parent.mkdir(parents=True, exist_ok=True)
    journal.path.write_text('["not", "a", "record"]\n', encoding="utf-8")
    journal.append(record(1))
    applied: list[dict] = []
    result = journal.replay(applied.append, RETRY_LATER)
    assert (result.applied, result.set_aside) == (1, 1)


def test_replay_if_due_waits_between_looks(journal):
    journal.append(record(1))
    applied: list[dict] = []
    assert journal.replay_if_due(applied.append, RETRY_LATER).applied == 1
    journal.append(record(2))  # a new held report makes the next message look again
    assert journal.replay_if_due(applied.append, RETRY_LATER).applied == 1
    journal.path.write_text(json.dumps(record(3)) + "\n", encoding="utf-8")  # written by another process
    assert journal.replay_if_due(applied.append, RETRY_LATER).applied == 0  # not due yet


def test_a_line_torn_inside_a_character_is_set_aside_byte_for_byte(journal):
    journal.append(record(1))
    torn = json.dumps(record(2), ensure_ascii=False).encode("utf-8")
    torn = torn[: torn.index("栋".encode()) + 1]  # the first byte of a three-byte character
    with journal.path.open("ab") as handle:
        handle.write(torn)
    journal.append(record(3))
    applied: list[dict] = []
    result = journal.replay(applied.append, RETRY_LATER)
    assert (result.applied, result.set_aside) == (2, 1)
    assert aside(journal).read_bytes() == torn + b"\n"


def test_only_the_bots_user_can_read_what_is_held(journal):
    journal.append(record(1))
    journal.replay(refuse, RETRY_LATER)
    journal.append(record(2))
    for path in (journal.path, aside(journal)):
        assert path.stat().st_mode & 0o077 == 0, oct(path.stat().st_mode)


def test_a_journal_left_readable_by_an_older_release_is_made_private(journal):
    journal.path.parent.mkdir(parents=True, exist_ok=True)
    journal.path.write_text("", encoding="utf-8")
    journal.path.chmod(0o644)
    journal.append(record(1))
    assert journal.path.stat().st_mode & 0o077 == 0


# --- retention of the set-aside files: they name people and flats, as the reports in Redis do ---


def set_aside_on(journal: Journal, when: float, n: int) -> Path:
    """Hold record n and have it set aside at time `when`."""
    journal.clock = lambda: when
    journal.append(record(n))
    return journal.replay(refuse, RETRY_LATER).set_aside_file


def test_lines_set_aside_go_to_the_file_of_their_day(journal):
    first = set_aside_on(journal, NOW, 1)
    later_that_day = set_aside_on(journal, NOW + 20 * 3600, 2)
    next_day = set_aside_on(journal, NOW + DAY, 3)
    assert first == later_that_day == journal.set_aside_file(NOW) != next_day
    assert (first.name, next_day.name) == (
        "held-c1.set-aside-20261130.jsonl",
        "held-c1.set-aside-20261201.jsonl",
    )
    lines = first.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["user"] for line in lines] == ["inf1", "inf2"]
    assert journal.set_aside_files() == [first, next_day]


def test_retention_deletes_only_the_files_whose_every_line_is_past_the_period(journal):
    cutoff = NOW - 180 * DAY
    gone = [set_aside_on(journal, NOW - 400 * DAY, 1), set_aside_on(journal, cutoff - DAY, 2)]
    # the day the cutoff falls in: a line set aside later that day is younger than the period
    kept = [set_aside_on(journal, cutoff - 60, 3), set_aside_on(journal, NOW, 4)]
    assert kept[0].name != gone[1].name
    assert journal.forget_set_aside(cutoff) == gone
    assert journal.set_aside_files() == kept


def test_retention_judges_an_older_releases_single_file_by_its_last_write(journal, tmp_path):
    legacy = tmp_path / "held-c1.set-aside.jsonl"
    legacy.write_text(json.dumps(record(1)) + "\n", encoding="utf-8")
    os.utime(legacy, (NOW - 100 * DAY, NOW - 100 * DAY))
    assert journal.forget_set_aside(NOW - 180 * DAY) == []
    os.utime(legacy, (NOW - 200 * DAY, NOW - 200 * DAY))
    assert journal.forget_set_aside(NOW - 180 * DAY) == [legacy]
    assert not legacy.exists()


def test_retention_leaves_other_communities_files_alone(journal, tmp_path):
    other = Journal(tmp_path / "held-c10.jsonl", clock=lambda: NOW - 400 * DAY)
    theirs = set_aside_on(other, NOW - 400 * DAY, 1)
    assert journal.forget_set_aside(NOW) == []
    assert theirs.exists()


def test_tidy_if_due_looks_at_most_once_an_hour(journal):
    old = set_aside_on(journal, NOW - 200 * DAY, 1)
    journal.clock = lambda: NOW
    assert journal.tidy_if_due(180) == [old]
    older = set_aside_on(journal, NOW - 300 * DAY, 2)
    journal.clock = lambda: NOW
    assert journal.tidy_if_due(180) == []  # not due yet
    assert older.exists()


def test_the_retention_script_deletes_old_set_aside_files(tmp_path, redis_url, monkeypatch, capsys):
    from bot.scripts import retention

    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("COMMUNITY_ID", f"ret{os.getpid()}")
    monkeypatch.setenv("JOURNAL_DIR", str(tmp_path))
    journal = Journal(tmp_path / f"held-ret{os.getpid()}.jsonl")
    old = set_aside_on(journal, time.time() - 200 * DAY, 1)
    recent = set_aside_on(journal, time.time() - 2 * DAY, 2)
    assert retention.main(["--days", "180"]) == 0
    assert "deleted 1 file(s) of set-aside held reports" in capsys.readouterr().out
    assert not old.exists() and recent.exists()
