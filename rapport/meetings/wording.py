"""What each person reads on a 1:1's pages: the guide speaks to the manager, Rapport to the viewer.

The framework's words ("Their Topics", "This is their meeting, not yours", the
70/30 rule) are the manager's coaching. A report reading the same page reads
about their own meeting, in their own voice, and none of that coaching. Every
viewer-dependent label of the meeting room, the home and the report page comes
from a Voice, so the wording lives here and nowhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from rapport import access
from rapport.framework import agenda as agenda_rules
from rapport.framework.agenda import Timebox
from rapport.framework.documentation import NoteSection
from rapport.meetings.models import Series
from rapport.people.models import Person

OWN_MEETING = "This is your meeting: bring what matters to you."
_OFF_RECORD_KEPT = "typed text stays in this tab and is thrown away."

# The guide's prompts that speak of the report in the third person or address
# the manager, as the report reads them. The manager reads the guide's own.
_REPORT_PROMPTS: dict[str, str] = {
    "What's on their mind": "What's on your mind",
    "Challenges they're facing": "Challenges you're facing",
    "Questions they have": "Questions you have",
    "Ideas they want to discuss": "Ideas you want to discuss",
    "Feedback you have": "Feedback {manager} has for you",
    "Context to share": "Context {manager} shares",
    "Your feedback on recent work": "{manager}’s feedback on your recent work",
    "Their self-assessment": "Your self-assessment",
}


@dataclass(frozen=True, slots=True)
class Voice:
    """The viewer-dependent words of one 1:1's pages, for one viewer."""

    is_manager: bool
    report_name: str
    manager_name: str

    # Whose topics ------------------------------------------------------------------

    @property
    def report_topics(self) -> str:
        """The report's side of the agenda: "Your topics" for them, "Ray's topics" otherwise."""
        return f"{self.report_name}’s topics" if self.is_manager else "Your topics"

    @property
    def manager_topics(self) -> str:
        """The manager's side of the agenda, named for the viewer."""
        return "Your topics" if self.is_manager else f"{self.manager_name}’s topics"

    @property
    def report_mind(self) -> str:
        """Whose mind the report's topics share: the agenda's hint."""
        return "their mind" if self.is_manager else "your mind"

    @property
    def report_subject(self) -> str:
        """The report as the subject of a sentence: "Ray" for the manager, "You" for them."""
        return self.report_name if self.is_manager else "You"

    # The guide's coaching, for the manager only ------------------------------------

    @property
    def ownership(self) -> str:
        """Whose meeting this is, said to the viewer."""
        return agenda_rules.THEIR_MEETING if self.is_manager else OWN_MEETING

    @property
    def talk_rule(self) -> str | None:
        """The 70/30 rule is a reminder to the manager; the report is not told how long to talk."""
        return agenda_rules.TALK_RULE if self.is_manager else None

    @property
    def coaching(self) -> bool:
        """Whether the manager's coaching (checklists, playbooks, documenting) is shown."""
        return self.is_manager

    def time_split_title(self, level_label: str) -> str:
        """The heading of the level's tactical / skills / career split."""
        if self.is_manager:
            return f"Time split for a {level_label} developer"
        return f"Time split at your level ({level_label})"

    @property
    def career_check_title(self) -> str:
        """The 5-minute career check of a regular 1:1, as the viewer takes part in it."""
        if self.is_manager:
            return "The 5-minute career check"
        return f"The 5-minute career check: what {self.manager_name} will ask you"

    # Plan and timer ----------------------------------------------------------------

    def part_title(self, key: str, title: str) -> str:
        """A plan part's title, with the two topic parts named for the viewer."""
        return {"their_topics": self.report_topics, "my_topics": self.manager_topics}.get(
            key, title
        )

    def prompts(self, prompts: Iterable[str]) -> tuple[str, ...]:
        """The guide's prompts of a plan part, as the viewer reads them."""
        if self.is_manager:
            return tuple(prompts)
        return tuple(
            _REPORT_PROMPTS.get(prompt, prompt).format(manager=self.manager_name)
            for prompt in prompts
        )

    def plan(self, boxes: Iterable[Timebox]) -> tuple[Timebox, ...]:
        """The meeting's timeboxes with titles and prompts in the viewer's voice."""
        return tuple(self.timebox(box) for box in boxes)

    def timebox(self, box: Timebox) -> Timebox:
        """One timebox in the viewer's voice."""
        return dataclasses.replace(
            box, title=self.part_title(box.key, box.title), prompts=self.prompts(box.prompts)
        )

    # Shared notes, private note and recap ------------------------------------------

    def note_title(self, section: NoteSection) -> str:
        """A shared-notes field's label (the manager's topics sit under their name's heading)."""
        if section.key == "my_topics":
            return "Other topics"
        return self.part_title(section.key, section.title)

    def flat_note_title(self, section: NoteSection) -> str:
        """A shared-notes field's title where no group heading names whose topics they are."""
        if section.key == "my_topics":
            return self.manager_topics
        return self.note_title(section)

    def note_hint(self, section: NoteSection) -> str:
        """A shared-notes field's hint, naming who brought what."""
        if section.key == "their_topics":
            if self.is_manager:
                return f"One line per topic {self.report_name} brought: the topic, then your notes."
            return "One line per topic you brought: the topic, then what was said."
        if section.key == "my_topics" and not self.is_manager:
            return f"Team/org updates and anything else {self.manager_name} raised."
        return section.hint

    def note_heading(self, heading: str) -> str:
        """A group heading of the notes ("Their Topics", "My Topics"), named for the viewer."""
        return {"Their Topics": self.report_topics, "My Topics": self.manager_topics}.get(
            heading, heading
        )

    def recap_headings(self) -> dict[str, str]:
        """The recap's headings: the guide's template for the manager, the report's own else."""
        if self.is_manager:
            return {}
        return {"Their Topics": "My Topics", "My Topics": f"{self.manager_name}’s Topics"}

    @property
    def off_record_hint(self) -> str:
        """What the off-the-record pad is for."""
        if self.is_manager:
            return f"For what they ask not to write down: {_OFF_RECORD_KEPT}"
        return f"For what you would rather not write down: {_OFF_RECORD_KEPT}"

    @property
    def private_hint(self) -> str:
        """What goes in the viewer's private note."""
        if self.is_manager:
            return "Observations, patterns, concerns. Markdown works."
        return "What you want to raise, what you noticed, how it went. Markdown works."

    @property
    def sensitive_notice(self) -> str:
        """The nudge when shared notes mention health, family and the like."""
        if self.is_manager:
            return "Document carefully: only if relevant to work."
        return f"{self.manager_name} reads these notes too."

    @property
    def sensitive_advice(self) -> str:
        """What the nudge advises, after naming the matters the notes mention."""
        if self.is_manager:
            return "keep only what matters for work, and nothing they asked to keep off the record."
        return "keep only what you want on record."

    # Report page -----------------------------------------------------------------------

    @property
    def no_level(self) -> str:
        """The cadence card's note when the report has no level yet."""
        who = f"for {self.report_name}" if self.is_manager else "for you"
        return f"No level set {who}: compared with the Confirmed row."


def voice_for(viewer: Person, series: Series) -> Voice:
    """The words of this 1:1's pages for this viewer (its manager or its report)."""
    return Voice(
        is_manager=access.is_manager_in(viewer, series),
        report_name=series.report.first_name,
        manager_name=series.manager.first_name,
    )


def away_that_day(viewer: Person, series: Series, absent: Iterable[int]) -> str:
    """Who is away on a 1:1's day, in the viewer's words ("You are away that day", "Ray is
    away that day"); "" when nobody is."""
    absent = set(absent)
    you = viewer.pk in absent
    others = [
        person.first_name
        for person in (series.manager, series.report)
        if person.pk in absent and person.pk != viewer.pk
    ]
    if not you and not others:
        return ""
    who = " and ".join((["You"] if you else []) + others)
    verb = "is" if len(others) == 1 and not you else "are"
    return f"{who} {verb} away that day"


def the_two(viewer: Person, manager: Person, report: Person, *, within: bool = False) -> str:
    """A 1:1's two people in the viewer's words: "You and Maya Chen" for either of them (
    "you and …" `within` a sentence), both names for anyone else (a director, an admin)."""
    you = "you" if within else "You"
    if viewer.pk == manager.pk:
        return f"{you} and {report.name}"
    if viewer.pk == report.pk:
        return f"{you} and {manager.name}"
    return f"{manager.name} and {report.name}"
