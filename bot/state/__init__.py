"""Every Redis read and write of the bot lives in this package.

`State` is one community's view of Redis, composed of focused parts (messages, people, reports,
outbox, tokens); the key scheme is in `keys.py`. The connection is passed in; nothing here reads
configuration or the environment.
"""

from __future__ import annotations

import os
import threading

import redis
from hiredis import pack_command  # redis-py packs with it too (hiredis is in requirements.txt)

from bot.state.accounts import AccountsMixin
from bot.state.messages import MessageSlot, MessagesMixin, ReadyReply, reply_from_json, reply_to_json
from bot.state.outbox import OutboxMixin
from bot.state.people import PeopleMixin
from bot.state.reports import ReportsMixin
from bot.state.tokens import TokensMixin
from bot.state.window import PushWindowMixin

__all__ = [
    "MessageSlot",
    "ReadyReply",
    "State",
    "connect",
    "connect_embedded",
    "reply_from_json",
    "reply_to_json",
]


MAX_CONNECTIONS = 256  # per process; a thread holds at most two (its pinned one and one checked out)
TIMEOUT = 2.0  # seconds: a socket read, a connect, and a wait for a free connection


def connect(url: str) -> redis.Redis:
    """A real Redis client for `url`, answering str (not bytes). The pool makes a thread wait for
    a free connection instead of failing (redis-py's default pool raises "Too many connections"
    at 100: fifty threads of one process claiming the same report at once got there)."""
    pool = redis.BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=TIMEOUT, decode_responses=True,
        socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT, health_check_interval=30,
    )  # fmt: skip
    return redis.Redis(connection_pool=pool)


def connect_embedded() -> redis.Redis:
    """An in-process store for `make run`'s zero-setup default (never for tests or production)."""
    import fakeredis

    return fakeredis.FakeRedis(decode_responses=True)


class State(
    MessagesMixin, PeopleMixin, ReportsMixin, OutboxMixin, PushWindowMixin, TokensMixin, AccountsMixin
):
    """Redis state of one community."""

    def __init__(self, conn: redis.Redis, community_id: str):
        self.conn = conn
        self.community = community_id
        self._scripts: dict[str, object] = {}
        self._local = threading.local()

    def _script(self, source: str):
        """A Lua script, sent once and run by its SHA afterwards (redis-py reloads it if needed)."""
        if source not in self._scripts:
            self._scripts[source] = self.conn.register_script(source)
        return self._scripts[source]

    def _run_script(self, source: str, keys: list[str], args: list):
        """One EVALSHA on this thread's pinned connection, sent and read directly: the two round
        trips of every message skip redis-py's pool checkout and per-command machinery, which
        cost as much CPU as the round trip itself (measured: 0.07 ms a message). A Redis that
        lost the script (a restart) answers NOSCRIPT without running anything: it is loaded and
        run again, as redis-py's Script does. The command is packed by hiredis directly: redis-py's
        packer does the same, behind a Python pass over the arguments."""
        script = self._script(source)
        connection = self._pinned_connection()

        def run():
            connection.send_packed_command([pack_command(("EVALSHA", script.sha, len(keys), *keys, *args))])
            return connection.read_response()

        try:
            return run()
        except redis.exceptions.NoScriptError:
            script.sha = self.conn.script_load(source)
            return run()

    def _pinned_connection(self):
        """This thread's own connection from the shared pool, held by a single-connection client
        (which hands it back when the thread ends). Taken lazily, so after any fork."""
        pid, client = getattr(self._local, "pinned", (None, None))
        if pid != os.getpid():
            client = redis.Redis(connection_pool=self.conn.connection_pool, single_connection_client=True)
            self._local.pinned = (os.getpid(), client)
        # What the pool does at each checkout: connect if need be (an unreachable Redis fails here,
        # once), and make anew a connection with something to read (closed by a Redis that
        # restarted) BEFORE a command is sent; a command is never resent.
        connection = client.connection
        connection.connect()
        try:
            stale = connection.can_read()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            stale = True
        if stale:
            connection.disconnect()
        return connection

    def _check_and_write(self, keys: list[str], check, write):
        """Optimistic transaction: WATCH keys, check(pipe) -> (go, result) reads them; when go,
        write(pipe, result) queues the writes and they run in one MULTI/EXEC, only if no key changed since
        the check (else check again). Returns result; nothing is written when go is false."""
        with self.conn.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(*keys)
                    go, result = check(pipe)
                    if not go:
                        return result
                    pipe.multi()
                    write(pipe, result)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # a watched key changed between the check and the write: check again

    def _key(self, template: str, **parts: str) -> str:
        return template.format(c=self.community, **parts)

    def ping(self) -> bool:
        try:
            return bool(self.conn.ping())
        except redis.RedisError:
            return False
