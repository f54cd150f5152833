"""Remove personal details from reports older than the retention period (figures are kept).

    python -m bot.scripts.retention [--days 180]

The worker also runs this once a day.
"""

from __future__ import annotations

import argparse
import sys
import time

from bot.config import load_config
from bot.scripts.common import open_state


class _Ctx:
    """Just what the retention code needs: the state."""

    def __init__(self, state):
        self.state = state


def main(argv: list[str] | None = None) -> int:
    from bot.reports.retention import purge_old_reports

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=load_config().retention_days,
                        help="keep personal details this many days (default: RETENTION_DAYS or 180)")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    purged = purge_old_reports(_Ctx(open_state()), time.time(), args.days)
    print(f"removed personal details from {purged} report(s) older than {args.days} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
