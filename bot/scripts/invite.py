"""Make a one-time invite code for a building informant (楼栋反诈信息员).

    python -m bot.scripts.invite --building 3栋

The informant sends `绑定 <code>` to the Official Account. The code is printed on the last line.
"""

from __future__ import annotations

import argparse
import secrets
import sys

from bot.community.registry import load_registry
from bot.config import load_config
from bot.reports.address import canonical_building
from bot.scripts.common import open_state

# No 0/O, 1/I/L: codes are read aloud and typed by elderly people.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create a one-time informant invite code.")
    parser.add_argument("--building", required=True, help="the building, e.g. 3栋 (3号楼, 三栋 also work)")
    parser.add_argument("--days", type=int, default=7, help="days the code stays valid (default 7)")
    args = parser.parse_args(argv)
    building = canonical_building(args.building)
    registry = load_registry(load_config().community_file)
    if not building or building not in registry.buildings:
        known = "、".join(registry.buildings)
        print(f"unknown building {args.building!r}; the registry has: {known}", file=sys.stderr)
        return 2
    state = open_state()
    code = new_code()
    while not state.create_invite(code, building, args.days * 86400):
        code = new_code()
    print(f"invite for {building}, valid {args.days} days; the informant sends: 绑定 {code}")
    print(code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
