"""Operations: the community's reports.

python -m bot.scripts.reports list [--json] [--status open]
python -m bot.scripts.reports show R7 [--json]
"""

from __future__ import annotations

import argparse
import sys

from bot import texts
from bot.reports.query import list_reports, report_with_history
from bot.scripts.common import open_state, print_json

STATUSES = ("open", "claimed", "contacted", "closed")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="List and show reports.")
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="all reports, oldest first")
    listing.add_argument("--json", action="store_true", help="a JSON array")
    listing.add_argument("--status", choices=STATUSES)
    show = sub.add_parser("show", help="one report with its event history")
    show.add_argument("id", help="report id, e.g. R7")
    show.add_argument("--json", action="store_true")
    return parser


def print_table(reports: list[dict]) -> None:
    for r in reports:
        place = "".join(p for p in (r["building"], r["unit"], r["room"]) if p) or "-"
        risk = texts.RISK_NAMES.get(r["risk"], r["risk"])
        print(
            f"{r['id']:>5}  {risk}  {r['status']:<9}  {place:<14}  grid={r['grid'] or '-'}  "
            f"due={r['deadline_at']}  claimed_by={r['claimed_by'] or '-'}"
        )
    print(f"{len(reports)} report(s)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    state = open_state()
    if args.command == "list":
        reports = list_reports(state, args.status)
        print_json(reports) if args.json else print_table(reports)
        return 0
    report = report_with_history(state, args.id)
    if report is None:
        print(f"no report {args.id}", file=sys.stderr)
        return 1
    if args.json:
        print_json(report)
    else:
        for key, value in report.items():
            if key != "events":
                print(f"{key}: {value}")
        for event in report["events"]:
            print(f"  {event['at']}  {event.get('by')}  {event.get('what')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
