"""The explanations in knowledge/*.md: why a type is a scam, and the two cards for residents.

Files are read once when the bot starts, so a missing card is an error at start-up, in the log
of whoever deployed it, and never a broken reply to a resident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

CARDS = ("memory_card", "dissuasion_card")
WHY_HEADING = "为什么是骗局"
WHY_LINES = 3
WHY_LINE_CHARS = 60

_HEADING = re.compile(r"^(#{1,6})\s*(.+?)\s*#*\s*$")
_MARKUP = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s+|\*\*|__|`")


class KnowledgeError(Exception):
    """The knowledge folder is missing or incomplete."""


class KnowledgeBase:
    """All *.md of a folder, split into sections by '## heading'."""

    def __init__(self, directory: str | Path, type_ids: Iterable[str] = (), cards: Iterable[str] = CARDS):
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise KnowledgeError(f"knowledge folder not found: {self.directory}")
        self.docs: dict[str, dict[str, str]] = {}
        for path in sorted(self.directory.glob("*.md")):
            self.docs[path.stem] = _sections(path.read_text(encoding="utf-8"))
        missing = [name for name in (*cards, *type_ids) if name not in self.docs]
        if missing:
            names = ", ".join(f"{name}.md" for name in missing)
            raise KnowledgeError(f"knowledge files missing in {self.directory}: {names}")

    def has(self, name: str) -> bool:
        return name in self.docs

    def section(self, type_id: str, heading: str) -> str:
        """The text under '## heading' of <type_id>.md ('' when there is none)."""
        return self.docs.get(type_id, {}).get(heading, "")

    def why(self, type_id: str) -> str:
        """Two or three short lines from '## 为什么是骗局', plain text for a chat reply."""
        lines = [_plain(line) for line in self.section(type_id, WHY_HEADING).splitlines()]
        lines = [_shorten(line) for line in lines if line]
        return "\n".join(lines[:WHY_LINES])

    def card(self, name: str) -> str:
        """A whole card (memory_card or dissuasion_card) as plain text."""
        if name not in self.docs:
            raise KeyError(f"no knowledge card '{name}' in {self.directory}")
        doc = self.docs[name]
        parts = [doc.get("", "")] + [f"{heading}\n{body}" for heading, body in doc.items() if heading]
        text = "\n\n".join(part.strip() for part in parts if part.strip())
        return "\n".join(_plain(line) for line in text.splitlines())


def _sections(text: str) -> dict[str, str]:
    """heading -> body; the title line ('# ...') and text before the first '##' go under ''."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) >= 2:
            current = heading.group(2)
            sections.setdefault(current, [])
        elif not heading:
            sections[current].append(line)
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}


def _plain(line: str) -> str:
    return _MARKUP.sub("", line).strip()


def _shorten(line: str) -> str:
    if len(line) <= WHY_LINE_CHARS:
        return line
    cut = max(line.rfind(mark, 0, WHY_LINE_CHARS) for mark in "。；，")
    return line[: cut + 1] if cut > 20 else line[: WHY_LINE_CHARS - 1] + "…"
