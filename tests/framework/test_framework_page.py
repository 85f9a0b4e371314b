"""The framework page, rendered with plain Jinja2 over a stand-in base template."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined

from rapport.framework import (
    agenda,
    cadence,
    checklists,
    documentation,
    indicators,
    levels,
    playbooks,
    questions,
    remote,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "rapport" / "web" / "templates"
STAND_IN_BASE = (
    "<!doctype html><html lang='en'><head><title>{% block title %}{% endblock %}</title></head>"
    "<body><main>{% block content %}{% endblock %}</main></body></html>"
)
ALLOWED_CLASSES = {"card", "grid", "muted", "pill", "table", "table-wrap"}


class Page(HTMLParser):
    """Collects what the tests look at: headings, classes, ids, links, tags and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.classes: set[str] = set()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._heading: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        self.classes.update((values.get("class") or "").split())
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag.startswith("h") and tag[1:].isdigit():
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            level, title = self.headings[-1]
            self.headings[-1] = (level, title + data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def render_framework_page() -> str:
    environment = Environment(
        loader=ChoiceLoader(
            [DictLoader({"web/base.html": STAND_IN_BASE}), FileSystemLoader(TEMPLATES)]
        ),
        autoescape=True,
        undefined=StrictUndefined,
    )
    fw = SimpleNamespace(
        levels=levels,
        cadence=cadence,
        agenda=agenda,
        questions=questions,
        checklists=checklists,
        documentation=documentation,
        playbooks=playbooks,
        remote=remote,
        indicators=indicators,
    )
    return environment.get_template("web/framework.html").render(fw=fw)


@pytest.fixture(scope="module")
def page() -> Page:
    parser = Page()
    parser.feed(render_framework_page())
    return parser


def squash(text: str) -> str:
    return " ".join(text.split())


def test_it_has_one_h1_and_headings_that_never_skip_a_level(page: Page) -> None:
    levels_seen = [level for level, _ in page.headings]
    assert levels_seen.count(1) == 1
    assert levels_seen[0] == 1
    for before, after in itertools.pairwise(levels_seen):
        assert after <= before + 1


def test_it_uses_only_the_shared_classes(page: Page) -> None:
    assert page.classes <= ALLOWED_CLASSES


def test_it_links_every_table_of_contents_entry_to_a_section(page: Page) -> None:
    # The table of contents; the signs' links to their figures are checked in tests/insights.
    anchors = [
        link[1:] for link in page.links if link.startswith("#") and not link.startswith("#figure-")
    ]
    assert len(anchors) == 12
    assert set(anchors) <= set(page.ids)
    assert len(page.ids) == len(set(page.ids))


def test_it_shows_the_cadence_table_as_a_table(page: Page) -> None:
    text = page.all_text
    for row in cadence.CADENCE_TABLE.values():
        assert row.frequency_label in text
        assert row.career_label in text
    assert page.tags.count("table") >= 4


def test_it_shows_every_question_of_the_bank(page: Page) -> None:
    text = page.all_text
    for question in questions.QUESTIONS:
        assert question.text in text
    for group in questions.QUESTION_GROUPS:
        assert group.title in [title for _, title in page.headings]


def test_it_shows_every_checklist_and_preparation_item(page: Page) -> None:
    text = page.all_text
    for items in (
        checklists.PRE_MEETING,
        checklists.DURING_MEETING,
        checklists.POST_MEETING,
        checklists.MANAGER_PREPARATION,
        checklists.IC_PREPARATION,
        checklists.DURING_DO,
        checklists.DURING_DONT,
    ):
        for item in items:
            assert item.text in text


def test_it_shows_each_playbook_in_its_own_details(page: Page) -> None:
    text = page.all_text
    assert page.tags.count("details") == len(playbooks.PLAYBOOKS)
    for entry in playbooks.PLAYBOOKS:
        assert entry.title in text
        assert squash(entry.example) in text
        for step in entry.steps:
            assert step.text in text


def test_it_shows_the_rest_of_the_framework(page: Page) -> None:
    text = page.all_text
    lines = (
        *indicators.WHY_ONE_ON_ONES,
        *(item.text for item in indicators.POSITIVE_INDICATORS),
        *(item.text for item in indicators.WARNING_SIGNS),
        *(item.text for item in indicators.RETROSPECTIVE_QUESTIONS),
        *indicators.SIGN_MEASURES.values(),
        *documentation.WHY_DOCUMENT,
        *documentation.ALWAYS_DOCUMENT,
        *documentation.DOCUMENT_CAREFULLY,
        *documentation.DONT_DOCUMENT,
        *remote.SETUP_DO,
        *remote.SETUP_DONT,
        *remote.CONNECTION_STRATEGIES,
        *remote.DOCUMENTATION_IS_CRITICAL,
        *agenda.MANAGER_JOBS,
        *agenda.CAREER_CHECK_QUESTIONS,
        *(prompt for part in agenda.MEETING_STRUCTURE for prompt in part.prompts),
        *(prompt for part in agenda.CAREER_PARTS for prompt in part.prompts),
        *(item for style in agenda.LEVEL_STYLES.values() for item in style.focus),
        *(item for style in agenda.LEVEL_STYLES.values() for item in style.approach),
        *(part.label for split in agenda.TIME_SPLITS.values() for part in split),
        *(reason.text for reason in cadence.RESCHEDULE_RULES),
        *(sign.text for sign in cadence.SACRED_TIME_WARNING_SIGNS),
        *(reason.text for reason in cadence.ADJUSTMENT_REASONS),
    )
    missing = [line for line in lines if squash(line) not in text]
    assert missing == []
