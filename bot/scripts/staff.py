"""Dashboard accounts for duty officers and grid leaders.

    python -m bot.scripts.staff set-password <wecom-userid>     # reads the password from stdin
    python -m bot.scripts.staff remove <wecom-userid>
    python -m bot.scripts.staff list

The password is read with getpass at a terminal (asked twice), else as the first line of stdin,
and stored only as a salted scrypt hash. Setting a new password signs out that person's sessions.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time

from bot.community.registry import load_registry
from bot.config import load_config
from bot.dashboard.accounts import account_for
from bot.dashboard.passwords import hash_password, weakness
from bot.scripts.common import open_state


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != first:
            raise SystemExit("the two passwords differ; nothing changed")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def set_password(user: str) -> int:
    registry = load_registry(load_config().community_file)
    account = account_for(user, registry)
    if account is None:
        print(f"{user!r} is not a duty officer or grid leader in the registry; only they have "
              "dashboard accounts", file=sys.stderr)
        return 2
    password = read_password()
    problem = weakness(password)
    if problem:
        print(problem + "; nothing changed", file=sys.stderr)
        return 2
    open_state().set_password_record(user, hash_password(password), time.time())
    print(f"password set for {account.name} ({user}, {account.role}); sign in at /dashboard")
    return 0


def list_accounts() -> int:
    registry = load_registry(load_config().community_file)
    state = open_state()
    people = [*registry.duty, *(g.leader for g in registry.grids)]
    for person in people:
        account = account_for(person.wecom, registry)
        has = "password set" if state.password_record(person.wecom) else "no password"
        print(f"{person.wecom}\t{person.name}\t{account.role if account else ''}\t{has}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Manage dashboard accounts (duty officers, grid leaders).")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("set-password", help="set a password (read from stdin)").add_argument("user")
    commands.add_parser("remove", help="remove an account's password").add_argument("user")
    commands.add_parser("list", help="who may sign in, and who has a password")
    args = parser.parse_args(argv)
    if args.command == "set-password":
        return set_password(args.user)
    if args.command == "remove":
        removed = open_state().remove_account(args.user)
        print("removed" if removed else "no such account")
        return 0
    return list_accounts()


if __name__ == "__main__":
    sys.exit(main())
