"""The journal of reports held while Redis is down: a torn line or a record that cannot be filed
is set aside (kept, never dropped) and does not stop the records after it from being filed."""

from __future__ import annotations

import json

import pytest
import redis

from bot.journal import Journal

RETRY_LATER = (redis.RedisError, OSError)


def record(n: int) -> dict:
    return {"kind": "report", "user": f"inf{n}", "text": f"{n}栋 王阿姨 要去银行转账", "at": n}


def refuse(held: dict) -> None:
    raise ValueError("a record this code cannot file")


def texts_of(records: list[dict]) -> list[str]:
    return [r["text"] for r in records]


@pytest.fixture
def journal(tmp_path) -> Journal:
    return Journal(tmp_path / "held-c1.jsonl")


def test_replay_applies_every_record_in_order_and_empties_the_journal(journal):
    for n in (1, 2, 3):
        journal.append(record(n))
    applied: list[dict] = []
    result = journal.replay(applied.append, RETRY_LATER)
    assert (result.applied, result.set_aside) == (3, 0)
    assert texts_of(applied) == [record(n)["text"] for n in (1, 2, 3)]
    assert not journal.pending() and not journal.set_aside_path.exists()


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
    assert journal.set_aside_path.read_text(encoding="utf-8").startswith('{"journal_id": "torn"')
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
    kept = [json.loads(line) for line in journal.set_aside_path.read_text(encoding="utf-8").splitlines()]
    assert [r["user"] for r in kept] == ["inf2"]
    assert not journal.pending()


def test_set_aside_records_accumulate_across_replays(journal):
    for n in (1, 2):
        journal.append(record(n))
        journal.replay(refuse, RETRY_LATER)
    kept = journal.set_aside_path.read_text(encoding="utf-8").splitlines()
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
    assert not journal.set_aside_path.exists()


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
    assert journal.set_aside_path.read_bytes() == torn + b"\n"


def test_only_the_bots_user_can_read_what_is_held(journal):
    journal.append(record(1))
    journal.replay(refuse, RETRY_LATER)
    journal.append(record(2))
    for path in (journal.path, journal.set_aside_path):
        assert path.stat().st_mode & 0o077 == 0, oct(path.stat().st_mode)


def test_a_journal_left_readable_by_an_older_release_is_made_private(journal):
    journal.path.parent.mkdir(parents=True, exist_ok=True)
    journal.path.write_text("", encoding="utf-8")
    journal.path.chmod(0o644)
    journal.append(record(1))
    assert journal.path.stat().st_mode & 0o077 == 0
