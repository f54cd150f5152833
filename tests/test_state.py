"""The state layer behaves the same on the embedded store and on a real Redis server."""

from __future__ import annotations

import pytest

from bot import state as state_module
from bot.messages import CheckTally
from bot.state import ReadyReply, State


@pytest.fixture(params=["embedded", "redis"])
def state(request, community_id):
    if request.param == "embedded":
        conn = state_module.connect_embedded()
    else:
        conn = state_module.connect(request.getfixturevalue("redis_url"))
    return State(conn, community_id)


def test_keys_carry_the_community_hash_tag(state, community_id):
    # Only the keys this test writes: a shared Redis (CI's, a developer's) may hold others.
    before = set(state.conn.scan_iter(match="fz:*"))
    state.take_message("mp:1", 10)
    state.admit_message("mp:2", 10, "mp", "o1", 1_790_000_000.0, 30, follower=True)
    state.save_reply("mp:2", '{"text": "好"}', 60, CheckTally("2026-11-29", "safe", None))
    written = set(state.conn.scan_iter(match="fz:*")) - before
    assert len(written) >= 5  # message ids, rate bucket, push window, day's figures
    assert all(key.startswith(f"fz:{{{community_id}}}:") for key in written)


def test_first_take_wins_and_retry_sees_pending_then_reply(state):
    assert state.take_message("mp:1", 10).is_first
    retry = state.take_message("mp:1", 10)
    assert not retry.is_first and retry.reply is None
    state.save_reply("mp:1", '{"text": "好"}', 60)
    assert state.take_message("mp:1", 10).reply == '{"text": "好"}'


def test_wait_for_reply_times_out_when_nothing_comes(state):
    state.take_message("mp:2", 10)
    slot = state.wait_for_reply("mp:2", 10, timeout=0.1)
    assert not slot.is_first and slot.reply is None


def test_expired_slot_is_taken_over(state):
    state.take_message("mp:4", 1)
    state.conn.pexpire(f"fz:{{{state.community}}}:msg:mp:4", 1)
    import time

    time.sleep(0.01)
    assert state.take_message("mp:4", 10).is_first


def test_subscribers(state):
    state.add_subscriber("o1")
    assert state.is_subscriber("o1")
    state.remove_subscriber("o1")
    assert not state.is_subscriber("o1")


def test_check_figures(state):
    state.save_reply("mp:a", '{"text": "小心"}', 60, CheckTally("2026-11-29", "scam", "fake_police"))
    state.save_reply("mp:b", '{"text": "没事"}', 60, CheckTally("2026-11-29", "safe", None))
    state.save_reply("mp:c", '{"text": "你好"}', 60)  # not a check: not counted
    assert state.checks_on("2026-11-29") == {"verdict:scam": 1, "type:fake_police": 1, "verdict:safe": 1}


def test_ping(state):
    assert state.ping()


def test_admit_message_in_one_round_trip(state):
    first = state.admit_message("mp:9", 10, "mp", "o1", 1_790_000_000.0, 2, follower=True)
    assert first.slot.is_first and first.within_rate and first.conversation is None
    assert state.take_push_slot("o1", 1_790_000_100.0, 48 * 3600, 5)  # the follower's window opened
    retry = state.admit_message("mp:9", 10, "mp", "o1", 1_790_000_001.0, 2, follower=True)
    assert not retry.slot.is_first and retry.slot.reply is None and retry.within_rate
    third = state.admit_message("mp:10", 10, "mp", "o1", 1_790_000_002.0, 2, follower=True)
    assert not third.within_rate  # the third message this minute, over a limit of 2


def test_admission_reads_the_open_conversation(state):
    state.set_conversation("mp", "o2", {"state": "ask_building"}, 60)
    admission = state.admit_message("mp:11", 10, "mp", "o2", 1_790_000_000.0, 30, follower=False)
    assert admission.conversation == {"state": "ask_building"}
    other = state.admit_message("mp:12", 10, "wecom", "o2", 1_790_000_000.0, 30, follower=False)
    assert other.conversation is None  # conversations are per channel


def test_save_reply_counts_the_check_in_the_same_round_trip(state):
    state.admit_message("mp:13", 10, "mp", "o3", 1_790_000_000.0, 30, follower=False)
    state.save_reply("mp:13", '{"text": "小心"}', 60, CheckTally("2026-11-30", "scam", "fake_police"))
    assert state.take_message("mp:13", 10).reply == '{"text": "小心"}'
    assert state.checks_on("2026-11-30") == {"verdict:scam": 1, "type:fake_police": 1}


READY = ReadyReply('{"text": "小心"}', 60, CheckTally("2026-12-01", "scam", "fake_police"))


def test_admission_keeps_a_ready_reply_and_counts_it_in_the_same_round_trip(state):
    first = state.admit_message("mp:20", 10, "mp", "o4", 1_790_000_000.0, 30, follower=False, ready=READY)
    assert first.answered and first.slot.is_first
    assert state.take_message("mp:20", 10).reply == READY.reply_json
    retry = state.admit_message("mp:20", 10, "mp", "o4", 1_790_000_001.0, 30, follower=False, ready=READY)
    assert not retry.answered and retry.slot.reply == READY.reply_json
    assert state.checks_on("2026-12-01") == {"verdict:scam": 1, "type:fake_police": 1}


def test_a_ready_reply_waits_for_the_handler_in_a_conversation_or_over_the_rate(state):
    state.set_conversation("mp", "o5", {"state": "ask_location"}, 60)
    in_flow = state.admit_message("mp:21", 10, "mp", "o5", 1_790_000_000.0, 30, follower=False, ready=READY)
    assert not in_flow.answered and in_flow.slot.is_first and in_flow.conversation
    over = state.admit_message("mp:22", 10, "mp", "o6", 1_790_000_000.0, 0, follower=False, ready=READY)
    assert not over.answered and over.slot.is_first and not over.within_rate
    for msg_key in ("mp:21", "mp:22"):  # the slots hold "pending": the handler runs and saves
        retry = state.take_message(msg_key, 10)
        assert not retry.is_first and retry.reply is None
    assert state.checks_on("2026-12-01") == {}


def test_many_threads_of_one_process_share_the_pool_without_failing(redis_url, community_id):
    # Each thread pins a connection for its scripts and checks out another for plain commands: a
    # burst of threads past redis-py's default pool of 100 failed with "Too many connections".
    import threading

    state = State(state_module.connect(redis_url), community_id)
    threads_count = 120
    barrier, failures = threading.Barrier(threads_count), []

    def work(i: int) -> None:
        barrier.wait()
        try:
            state.admit_message(f"mp:pool{i}", 10, "mp", f"o{i}", 1_790_000_000.0, 30, follower=False)
            state.is_subscriber(f"o{i}")
        except Exception as error:  # noqa: BLE001 - the test counts every failure
            failures.append(repr(error))
        barrier.wait()  # every thread holds its pinned connection until all are done

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
