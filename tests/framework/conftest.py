"""A small reader for the seed markdown, so tests compare the data with the seed itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

SEED_PATH = Path(__file__).with_name("seed.md")


def _heading(line: str) -> tuple[int, str] | None:
    match = re.match(r"^(#{1,6}) (.*)$", line)
    if match is None:
        return None
    # Headings open with an emoji ("## 📅 Frequency & Duration"); compare without it.
    title = re.sub(r"^[^\w\"(]+", "", match.group(2)).strip()
    return len(match.group(1)), title


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


@dataclass(frozen=True)
class Block:
    """A run of seed lines, with fenced code blocks flagged so their '#' lines are not headings."""

    lines: tuple[str, ...]
    fenced: tuple[bool, ...]

    def section(self, title: str) -> Block:
        """Return the lines under the first heading with this title, up to the next peer heading."""
        for index, line in enumerate(self.lines):
            heading = None if self.fenced[index] else _heading(line)
            if heading is None or heading[1] != title:
                continue
            level = heading[0]
            end = len(self.lines)
            for later in range(index + 1, len(self.lines)):
                other = None if self.fenced[later] else _heading(self.lines[later])
                if other is not None and other[0] <= level:
                    end = later
                    break
            return Block(self.lines[index + 1 : end], self.fenced[index + 1 : end])
        raise LookupError(f"No heading {title!r} in the seed block")

    def headings(self, level: int) -> list[str]:
        """Return the titles of headings of this level, in order."""
        found = []
        for line, fenced in zip(self.lines, self.fenced, strict=True):
            heading = None if fenced else _heading(line)
            if heading is not None and heading[0] == level:
                found.append(heading[1])
        return found

    def bold(self, label: str) -> Block:
        """Return the lines after a '**label**' line, up to the next blank line."""
        return self.after(f"**{label}**")

    def after(self, text: str) -> Block:
        """Return the lines after the line reading exactly `text`, up to the next blank line."""
        for index, line in enumerate(self.lines):
            if line.strip() == text:
                end = index + 1
                while end < len(self.lines) and self.lines[end].strip():
                    end += 1
                return Block(self.lines[index + 1 : end], self.fenced[index + 1 : end])
        raise LookupError(f"No line {text!r} in the seed block")

    def bold_inline(self, label: str) -> str:
        """Return the text that follows '**label**' on its own line."""
        for line in self.lines:
            if line.startswith(f"**{label}**"):
                return line[len(label) + 4 :].strip()
        raise LookupError(f"No inline bold label {label!r} in the seed block")

    def bullets(self) -> list[str]:
        """Return '- ' items without their checkbox, tick, bold marks or surrounding quotes."""
        items = []
        for line, fenced in zip(self.lines, self.fenced, strict=True):
            if fenced or not line.startswith("- "):
                continue
            text = line[2:].strip()
            text = re.sub(r"^\[[ x]\] ", "", text)
            text = re.sub(r"^✅ ", "", text)
            items.append(_unquote(text))
        return items

    def numbered(self) -> list[tuple[str, str]]:
        """Return '1. **Title:** text' steps as (title, text) pairs."""
        steps = []
        for line in self.lines:
            match = re.match(r"^\d+\. \*\*(.+?):\*\* (.+)$", line)
            if match:
                steps.append((match.group(1), match.group(2).strip()))
        return steps

    def marked(self, mark: str) -> list[str]:
        """Return the bold text of lines such as '✅ **ICs drive the agenda**'."""
        items = []
        for line in self.lines:
            match = re.match(rf"^{re.escape(mark)} \*\*(.+)\*\*\s*$", line)
            if match:
                items.append(match.group(1))
        return items

    def quote(self) -> str:
        """Return the text of the first '> ' blockquote, without its quotation marks."""
        for line in self.lines:
            if line.startswith("> "):
                return _unquote(line[2:].strip())
        raise LookupError("No blockquote in the seed block")

    def fence(self) -> str:
        """Return the contents of the first fenced code block."""
        inside = [
            line
            for line, fenced in zip(self.lines, self.fenced, strict=True)
            if fenced and not line.startswith("```")
        ]
        return "\n".join(inside) + "\n"

    def table(self) -> list[list[str]]:
        """Return the body rows of the first markdown table, cells stripped of bold marks."""
        rows = [line for line in self.lines if line.startswith("|")]
        return [[cell.strip().strip("*") for cell in row.strip("|").split("|")] for row in rows[2:]]


def read_seed(text: str) -> Block:
    """Split the seed into lines, flagging those inside fenced code (fence lines included)."""
    lines = tuple(text.splitlines())
    fenced = []
    inside = False
    for line in lines:
        if line.startswith("```"):
            fenced.append(True)
            inside = not inside
        else:
            fenced.append(inside)
    return Block(lines, tuple(fenced))


@pytest.fixture(scope="session")
def seed() -> Block:
    """The whole seed, as shipped beside these tests."""
    return read_seed(SEED_PATH.read_text(encoding="utf-8"))
