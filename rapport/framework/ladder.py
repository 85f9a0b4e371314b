"""The career ladder: what each level expects in a few named areas, and what the next one needs.

Rapport's default ladder starts from the guide's focus and approach per level ("Different
1:1 Styles by Level"). An organisation may replace it with its own, written as a YAML file
whose schema `docs/ladder.md` documents; `ladder_from_yaml` refuses a bad file whole, naming
the line and the reason of each problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import yaml

from rapport.framework.levels import LEVEL_LABELS, LEVELS, next_level

SCHEMA_VERSION = 1
MAX_AREAS = 8
MAX_NAME = 60
MAX_TEXT = 2000
MAX_FILE_BYTES = 200_000
AREA_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}\Z")

# Where the manager sees the IC relative to a level's expectations in one area.
POSITIONS: tuple[tuple[str, str], ...] = (
    ("below", "Below"),
    ("meets", "Meets"),
    ("above", "Above"),
)
POSITION_LABELS: Mapping[str, str] = MappingProxyType(dict(POSITIONS))


@dataclass(frozen=True, slots=True)
class LadderArea:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Expectation:
    """One level in one area: what is expected there, and what the next level needs."""

    expected: str
    next_level: str


@dataclass(frozen=True, slots=True)
class Ladder:
    areas: tuple[LadderArea, ...]
    # (level, area key) -> what that level expects in that area.
    expectations: Mapping[tuple[str, str], Expectation]

    def area_name(self, key: str) -> str:
        """The area's name, or its key when the ladder no longer has it."""
        return next((area.name for area in self.areas if area.key == key), key)

    def expectation(self, level: str, area_key: str) -> Expectation | None:
        return self.expectations.get((level, area_key))

    def to_document(self) -> dict[str, Any]:
        """The ladder as plain data: what is stored, and what the YAML file holds."""
        return {
            "version": SCHEMA_VERSION,
            "areas": [{"key": area.key, "name": area.name} for area in self.areas],
            "levels": {
                level: {
                    area.key: _expectation_document(level, self.expectations[(level, area.key)])
                    for area in self.areas
                }
                for level in LEVELS
            },
        }


def _expectation_document(level: str, expectation: Expectation) -> dict[str, str]:
    document = {"expected": expectation.expected}
    if next_level(level) is not None or expectation.next_level:
        document["next_level"] = expectation.next_level
    return document


class LadderError(Exception):
    """A ladder file that cannot be used: every problem, each with its line."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in problems))


# --- The default ladder, written for Rapport -------------------------------------------

_DEFAULT_AREAS = (
    ("delivery", "Delivery"),
    ("craft", "Craft"),
    ("collaboration", "Collaboration"),
    ("leadership", "Leadership"),
)

# Per level and area: (expected, what the next level needs). The wording follows the
# guide's focus per level: fundamentals and confidence for juniors, autonomy and voice
# for confirmed, cross-team impact and mentoring for seniors, the organisation for staff+.
_DEFAULT_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    "junior": {
        "delivery": (
            "Finishes well-scoped tasks with frequent guidance; says early when stuck; "
            "works towards short-term goals agreed in 1:1s.",
            "Takes a feature from a clear brief to production with little help, and "
            "keeps their own estimates honest.",
        ),
        "craft": (
            "Learning the fundamentals: readable code, tests for what they change, "
            "reviews taken as teaching.",
            "Writes changes that pass review with minor comments and chooses the right "
            "test for the risk.",
        ),
        "collaboration": (
            "Asks lots of questions and answers them in turn; builds confidence to speak "
            "up in their team.",
            "Explains their work clearly in reviews and stand-ups and gives useful "
            "review comments to peers.",
        ),
        "leadership": (
            "Owns their own learning: brings topics and wins to 1:1s, celebrates small "
            "wins, follows through on action items.",
            "Volunteers for a piece of team work beyond their tasks and sees it through.",
        ),
    },
    "confirmed": {
        "delivery": (
            "Delivers features from a brief with increasing autonomy, expanding scope to "
            "whole parts of the product.",
            "Shapes and delivers multi-person projects, cutting scope to land value early.",
        ),
        "craft": (
            "Solves problems together with others and on their own; code that others "
            "extend easily; sound judgement on trade-offs.",
            "Is a go-to person for a part of the system and raises its quality for everyone.",
        ),
        "collaboration": (
            "Developing their voice: shares opinions in design discussions and recognises "
            "others' contributions.",
            "Influences decisions beyond their team and resolves disagreements constructively.",
        ),
        "leadership": (
            "Helps newer colleagues get unstuck; works towards mid-term growth goals.",
            "Mentors others deliberately and leads a team initiative from idea to outcome.",
        ),
    },
    "senior": {
        "delivery": (
            "Leads projects with cross-team impact; anticipates risks and keeps "
            "stakeholders informed.",
            "Drives strategic initiatives across several teams and aligns them on outcomes.",
        ),
        "craft": (
            "Sets technical direction for their area; strategic thinking about "
            "architecture and long-term cost.",
            "Shapes technical strategy at the organisation's level and is sought out for it.",
        ),
        "collaboration": (
            "Works as a partner: peer-to-peer dialogue with their manager, product and "
            "other teams; focuses on influence and impact.",
            "Builds consensus across the organisation on contentious decisions.",
        ),
        "leadership": (
            "Mentors others and grows leaders in their team; leadership development is "
            "their own focus.",
            "Develops others at scale: programmes, practices and people beyond their team.",
        ),
    },
    "staff": {
        "delivery": (
            "Owns strategic initiatives with organisational impact from vision to result.",
            "",
        ),
        "craft": (
            "Holds the long-term technical vision and lends their expertise where it matters most.",
            "",
        ),
        "collaboration": (
            "A collaborative partner to leadership; strategic discussions shape where "
            "the organisation goes.",
            "",
        ),
        "leadership": (
            "Develops others across the organisation and multiplies their impact through them.",
            "",
        ),
    },
}


def default_ladder() -> Ladder:
    """Rapport's own ladder, for an organisation that has not written its own."""
    return Ladder(
        areas=tuple(LadderArea(key, name) for key, name in _DEFAULT_AREAS),
        expectations=MappingProxyType(
            {
                (level, area): Expectation(expected, needs)
                for level, areas in _DEFAULT_TEXT.items()
                for area, (expected, needs) in areas.items()
            }
        ),
    )


# --- Reading and writing the YAML file -------------------------------------------------

_HEADER = (
    "# The career ladder of Rapport (schema: docs/ladder.md).\n"
    "# Levels: junior, confirmed, senior, staff. Each level lists every area with\n"
    "# `expected` (what the level expects) and `next_level` (what the next one needs;\n"
    "# optional for staff, the top of the ladder).\n"
)


def ladder_to_yaml(ladder: Ladder) -> str:
    """The ladder as a YAML file that `ladder_from_yaml` reads back unchanged."""
    body = yaml.safe_dump(
        ladder.to_document(), sort_keys=False, allow_unicode=True, width=88, indent=2
    )
    return _HEADER + body


def ladder_from_yaml(text: str | bytes) -> Ladder:
    """Read a ladder file; raise LadderError naming the line and reason of every problem."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise LadderError([(1, f"the file is larger than {MAX_FILE_BYTES // 1000} kB")])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            line = text[: error.start].count(b"\n") + 1
            raise LadderError([(line, "the file is not UTF-8 text")]) from None
    if "\x00" in text:
        raise LadderError([(text[: text.index("\x00")].count("\n") + 1, "a NUL character")])
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1
                raise LadderError([(line, "anchors and aliases (*name) are not allowed")])
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(error, "problem", None) or "this is not valid YAML"
        raise LadderError([(line, f"not valid YAML: {reason}")]) from None
    if root is None:
        raise LadderError([(1, "the file is empty")])
    return check_ladder(root)


def check_ladder(root: yaml.Node) -> Ladder:
    """Turn a composed YAML document into a Ladder, or raise LadderError with every problem."""
    reader = _Reader()
    ladder = reader.ladder(root)
    if reader.problems or ladder is None:
        raise LadderError(sorted(reader.problems)[:20])
    return ladder


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _Reader:
    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []

    def fail(self, node: yaml.Node, reason: str) -> None:
        self.problems.append((_line(node), reason))

    def mapping(self, node: yaml.Node, where: str, known: tuple[str, ...]) -> dict | None:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{where} must be a mapping of names to values")
            return None
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.fail(key_node, f"{where}: a name must be plain text")
            elif key in found:
                self.fail(key_node, f"{where}: “{key}” is given twice")
            elif known and key not in known:
                self.fail(key_node, f"{where}: unknown “{key}” (expected {', '.join(known)})")
            else:
                found[key] = (key_node, value_node)
        return found

    def text(self, node: yaml.Node, where: str, *, required: bool, limit: int) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
                value = ""
            else:
                self.fail(node, f"{where} must be text (quote it if it looks like a number)")
                return ""
        else:
            value = " ".join(node.value.split()) if limit <= MAX_NAME else node.value.strip()
        if required and not value:
            self.fail(node, f"{where} is empty")
        if len(value) > limit:
            self.fail(node, f"{where} is longer than {limit} characters")
        return value

    def ladder(self, root: yaml.Node) -> Ladder | None:
        top = self.mapping(root, "the file", ("version", "areas", "levels"))
        if top is None:
            return None
        if "version" in top:
            version_node = top["version"][1]
            if not (isinstance(version_node, yaml.ScalarNode) and version_node.value == "1"):
                self.fail(version_node, f"version must be {SCHEMA_VERSION}")
        for name in ("areas", "levels"):
            if name not in top:
                self.fail(root, f"“{name}” is missing")
        if self.problems:
            return None
        areas = self.areas(top["areas"][1])
        expectations = self.levels(top["levels"][1], areas)
        if self.problems:
            return None
        return Ladder(areas=areas, expectations=MappingProxyType(expectations))

    def areas(self, node: yaml.Node) -> tuple[LadderArea, ...]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.fail(node, "areas must be a list of at least one {key, name}")
            return ()
        if len(node.value) > MAX_AREAS:
            self.fail(node, f"a ladder has at most {MAX_AREAS} areas")
        areas: list[LadderArea] = []
        for item in node.value:
            fields = self.mapping(item, "an area", ("key", "name"))
            if fields is None:
                continue
            if "key" not in fields or "name" not in fields:
                self.fail(item, "an area needs both a key and a name")
                continue
            key_node = fields["key"][1]
            key = self.text(key_node, "an area's key", required=True, limit=32)
            name = self.text(
                fields["name"][1], f"the name of area “{key}”", required=True, limit=MAX_NAME
            )
            if key and not AREA_KEY.match(key):
                self.fail(key_node, f"area key “{key}”: lowercase letters, digits and _ only")
            elif any(area.key == key for area in areas):
                self.fail(key_node, f"area “{key}” is listed twice")
            else:
                areas.append(LadderArea(key, name))
        return tuple(areas)

    def levels(
        self, node: yaml.Node, areas: tuple[LadderArea, ...]
    ) -> dict[tuple[str, str], Expectation]:
        found = self.mapping(node, "levels", LEVELS)
        if found is None:
            return {}
        expectations: dict[tuple[str, str], Expectation] = {}
        for level in LEVELS:
            if level not in found:
                self.fail(node, f"levels: “{level}” ({LEVEL_LABELS[level]}) is missing")
                continue
            level_node = found[level][1]
            by_area = self.mapping(level_node, f"level {level}", tuple(a.key for a in areas))
            if by_area is None:
                continue
            for area in areas:
                if area.key not in by_area:
                    self.fail(level_node, f"level {level}: area “{area.key}” is missing")
                    continue
                expectations[(level, area.key)] = self.expectation(
                    by_area[area.key][1], level, area.key
                )
        return expectations

    def expectation(self, node: yaml.Node, level: str, area: str) -> Expectation:
        where = f"{level}.{area}"
        fields = self.mapping(node, where, ("expected", "next_level"))
        if fields is None:
            return Expectation("", "")
        top = next_level(level) is None
        if "expected" not in fields:
            self.fail(node, f"{where}: “expected” is missing")
        if "next_level" not in fields and not top:
            self.fail(node, f"{where}: “next_level” is missing")
        expected = (
            self.text(fields["expected"][1], f"{where}.expected", required=True, limit=MAX_TEXT)
            if "expected" in fields
            else ""
        )
        needs = (
            self.text(
                fields["next_level"][1], f"{where}.next_level", required=not top, limit=MAX_TEXT
            )
            if "next_level" in fields
            else ""
        )
        return Expectation(expected, needs)


def ladder_from_document(document: Mapping[str, Any]) -> Ladder:
    """A stored ladder (plain data, as `Ladder.to_document` made it) read back."""
    return ladder_from_yaml(yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True))
