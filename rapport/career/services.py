"""Career writes: every one `<thing>_<action>(*, actor, ...)` in one transaction.

Nothing here overwrites a record: an aspiration, a ladder view or a self-assessment that
changes gets a new dated version, so that the career page can show how it changed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from rapport import access
from rapport.career.models import AspirationVersion, LadderDocument, LadderView, SelfAssessment
from rapport.career.selectors import current_aspirations, current_self_assessments, ladder_for
from rapport.errors import Refused, clean_text
from rapport.framework.aspirations import ANSWER_LIMIT, ASPIRATION_KEYS, note_section_for
from rapport.framework.ladder import (
    MAX_TEXT,
    POSITION_LABELS,
    Ladder,
    LadderError,
    ladder_from_document,
    ladder_from_yaml,
    ladder_to_yaml,
)
from rapport.framework.levels import LEVELS
from rapport.framework.repeats import is_repeat
from rapport.meetings.models import Meeting, Series, SharedNotes
from rapport.meetings.services import notes as note_services
from rapport.people.models import Person

SENTENCE_LIMIT = 500


# Aspirations ------------------------------------------------------------------------


@transaction.atomic
def aspirations_save(
    *,
    actor: Person,
    series: Series,
    answers: dict[str, str],
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> list[AspirationVersion]:
    """Save the IC's aspiration answers: a new dated version for each answer that changed."""
    access.career_check_change(actor, series)
    unknown = set(answers) - ASPIRATION_KEYS
    if unknown:
        raise Refused(f"Unknown aspiration question: {', '.join(sorted(unknown))}.")
    cleaned = {
        key: clean_text(text, limit=ANSWER_LIMIT, what="An answer") for key, text in answers.items()
    }
    current = current_aspirations(series.report)
    now = now or timezone.now()
    versions = [
        AspirationVersion(
            person=series.report,
            series=series,
            question_key=key,
            answer=text,
            recorded_by=actor,
            recorded_at=now,
            meeting=meeting,
        )
        for key, text in cleaned.items()
        if text != current.get(key, "")
    ]
    return AspirationVersion.objects.bulk_create(versions)


@transaction.atomic
def meeting_answer_record(
    *,
    actor: Person,
    meeting: Meeting,
    question_key: str,
    question_text: str,
    group_key: str,
    answer: str,
    now: dt.datetime | None = None,
) -> None:
    """The IC's answer to a question the manager asked: an aspiration, or a line of notes."""
    access.coaching_check_manager(actor, meeting)
    answer = " ".join((answer or "").split())
    if not answer:
        return
    if question_key in ASPIRATION_KEYS:
        aspirations_save(
            actor=actor,
            series=meeting.series,
            answers={question_key: answer},
            meeting=meeting,
            now=now,
        )
        return
    clean_text(answer, limit=ANSWER_LIMIT, what="An answer")
    section = note_section_for(group_key)
    notes, _ = SharedNotes.objects.get_or_create(meeting=meeting)
    stored = getattr(notes, section)
    line = f"- {question_text} {answer}"
    text = f"{stored.rstrip()}\n{line}" if stored.strip() else line
    note_services.shared_notes_save(
        actor=actor, notes=notes, sections={section: text}, bases={section: stored}, now=now
    )


# The ladder -------------------------------------------------------------------------


@transaction.atomic
def ladder_save(*, actor: Person, ladder: Ladder, now: dt.datetime | None = None) -> Ladder:
    """Make this the organisation's ladder (it replaces the previous one whole)."""
    access.ladder_check_admin(actor)
    LadderDocument.objects.update_or_create(
        organisation_id=actor.organisation_id,
        defaults={
            "document": ladder_to_yaml(ladder),
            "updated_by": actor,
            "updated_at": now or timezone.now(),
        },
    )
    return ladder


def ladder_import(*, actor: Person, text: str | bytes, now: dt.datetime | None = None) -> Ladder:
    """Replace the organisation's ladder with a YAML file's, or refuse the file whole."""
    access.ladder_check_admin(actor)
    try:
        ladder = ladder_from_yaml(text)
    except LadderError as error:
        raise Refused(f"The ladder file was not used: {error}.") from None
    return ladder_save(actor=actor, ladder=ladder, now=now)


def ladder_edit(
    *,
    actor: Person,
    area_names: dict[str, str],
    texts: dict[tuple[str, str], tuple[str | None, str | None]],
    now: dt.datetime | None = None,
) -> Ladder:
    """Change the names of the ladder's areas and the texts of its levels, as in the web form.

    `texts` maps (level, area key) to (expected, what the next level needs); None, or
    anything not given, keeps its text. The result is checked like an imported file.
    """
    access.ladder_check_admin(actor)
    document = ladder_for(actor.organisation).to_document()
    for area in document["areas"]:
        if area["key"] in area_names:
            area["name"] = area_names[area["key"]]
    for (level, key), (expected, needs) in texts.items():
        if level not in document["levels"] or key not in document["levels"][level]:
            raise Refused(f"The ladder has no area “{key}” at level {level}.")
        entry = document["levels"][level][key]
        if expected is not None:
            entry["expected"] = expected
        if needs is not None:
            entry["next_level"] = needs
    try:
        ladder = ladder_from_document(document)
    except LadderError as error:
        raise Refused(f"The ladder was not saved: {error}.") from None
    return ladder_save(actor=actor, ladder=ladder, now=now)


# Ladder views and self-assessments --------------------------------------------------


@transaction.atomic
def ladder_view_record(
    *,
    actor: Person,
    series: Series,
    area_key: str,
    level: str,
    position: str,
    sentence: str,
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> LadderView:
    """The manager records where they see the IC relative to a level in one area."""
    access.career_check_manager(actor, series)
    ladder = ladder_for(series.organisation)
    area = next((area for area in ladder.areas if area.key == area_key), None)
    if area is None:
        raise Refused("Choose an area of the ladder.")
    if level not in LEVELS:
        raise Refused("Choose a level of the ladder.")
    if position not in POSITION_LABELS:
        raise Refused("Choose below, meets or above.")
    sentence = clean_text(
        sentence,
        limit=SENTENCE_LIMIT,
        what="The sentence",
        one_line=True,
        empty="Say in a sentence what you see.",
    )
    now = now or timezone.now()
    latest = (
        LadderView.objects.filter(series=series, area_key=area.key)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if (
        latest is not None
        and (latest.recorded_by_id, latest.level, latest.position, latest.sentence)
        == (actor.pk, level, position, sentence)
        and is_repeat(latest.recorded_at, now)
    ):
        return latest
    return LadderView.objects.create(
        person=series.report,
        series=series,
        area_key=area.key,
        area_name=area.name,
        level=level,
        position=position,
        sentence=sentence,
        recorded_by=actor,
        recorded_at=now,
        meeting=meeting,
    )


@transaction.atomic
def self_assessment_save(
    *,
    actor: Person,
    series: Series,
    texts: dict[str, str],
    now: dt.datetime | None = None,
) -> list[SelfAssessment]:
    """The IC writes their self-assessment per ladder area: a new version where it changed."""
    access.career_check_report(actor, series)
    ladder = ladder_for(series.organisation)
    names = {area.key: area.name for area in ladder.areas}
    unknown = set(texts) - set(names)
    if unknown:
        raise Refused(f"The ladder has no area {', '.join(sorted(unknown))}.")
    current = current_self_assessments(series.report)
    now = now or timezone.now()
    written = []
    for key, text in texts.items():
        text = clean_text(text, limit=MAX_TEXT, what="A self-assessment")
        if text != current.get(key, ""):
            written.append(
                SelfAssessment(
                    person=series.report,
                    series=series,
                    area_key=key,
                    area_name=names[key],
                    text=text,
                    written_at=now,
                )
            )
    return SelfAssessment.objects.bulk_create(written)
