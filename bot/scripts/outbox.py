"""Operations: the outbox, the notifications queued for the worker to deliver.

python -m bot.scripts.outbox list [--json]
"""

from __future__ import annotations

import argparse
import sys

from bot.reports.query import iso
from bot.scripts.common import open_state, print_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List queued and sent notifications.")
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="every notification in the outbox, oldest first")
    listing.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    state = open_state()
    outcomes = {r.get("origin"): r.get("outcome") for r in state.delivery_log()}  # the latest wins
    entries = [
        {**e, "created_at": iso(e.get("created_at")),
         "status": outcomes.get(e.get("origin") or e["entry_id"], "queued")}
        for e in state.outbox()
    ]
    if args.json:
        print_json(entries)
        return 0
    for e in entries:
        print(
            f"{e['entry_id']}  {e['status']:<7} {e['channel']:<11} -> {e['recipient']:<12} "
            f"{e['report_id']}  {e['content'].splitlines()[0]}"
        )
    print(f"{len(entries)} notification(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
