"""What a handler may use: everything it needs, nothing of Flask or Redis."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.config import Config
from bot.state import State


@dataclass
class Context:
    config: Config
    state: State
    detector: Any  # bot.detection.LiveDetector: .check(text) -> Verdict, .info() -> dict
    knowledge: Any  # bot.detection.knowledge.KnowledgeBase
    community: Any = None  # LiveFile[Registry]: grids, buildings, staff, deadlines
    rules: Any = None  # LiveFile[ReportRules]: risk levels and danger-now phrases
    journal: Any = None  # bot.journal.Journal: reports held while Redis is down
    clock: Callable[[], float] = field(default=time.time)

    def registry(self):
        return self.community.get()

    def report_rules(self):
        return self.rules.get()

    def today(self) -> str:
        """The community's calendar day (China Standard Time, UTC+8, no daylight saving)."""
        return time.strftime("%Y-%m-%d", time.gmtime(self.clock() + 8 * 3600))
