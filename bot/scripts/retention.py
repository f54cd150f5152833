"""Remove personal details from reports older than the retention period (figures are kept).

    python -m bot.scripts.retention [--days 180]

The worker also does this once a day. The files of held reports that could not be filed (set
aside in JOURNAL_DIR, see bot/journal.py) are deleted once older than the period too: the web
processes do it on their own machine, and this script does it for JOURNAL_DIR here.
"""

from __future__ import annotations

import argparse
import sys
import time

from bot.config import load_config
from bot.journal import DAY, Journal
from bot.scripts.common import open_state


class _Ctx:
    """Just what the retention code needs: the state."""

    def __init__(self, state):
        self.state = state


def main(argv: list[str] | None = None) -> int:
    from bot.reports.retention import purge_old_reports

    config = load_config()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=config.retention_days,
                        help="keep personal details this many days (default: RETENTION_DAYS or 180)")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    now = time.time()
    purged = purge_old_reports(_Ctx(open_state()), now, args.days)
    print(f"removed personal details from {purged} report(s) older than {args.days} days")
    removed = Journal(config.journal_file).forget_set_aside(now - args.days * DAY)
    print(f"deleted {len(removed)} file(s) of set-aside held reports older than {args.days} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
