"""The shared timer records the time spent in each part: "How the time went" adds it up."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.growth import selectors as growth_selectors
from rapport.growth import services as growth
from rapport.meetings import selectors, services
from rapport.meetings.models import Meeting, PartTime


def minutes(start: dt.datetime, n: float) -> dt.datetime:
    return start + dt.timedelta(minutes=n)


def run_through(mia, ray, meeting, steps: list[tuple[str, float]]) -> dt.datetime:
    """Start the meeting and move the timer through the parts, `steps` minutes each."""
    start = meeting.scheduled_at
    services.meeting_start(actor=mia, meeting=meeting, now=start)
    at = start
    for i, (part, length) in enumerate(steps):
        # Either person moves the timer.
        services.meeting_set_section(
            actor=mia if i % 2 else ray, meeting=meeting, section=part, now=at
        )
        at = minutes(at, length)
    return at


def career(meeting: Meeting) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(kind="career", duration_minutes=50)
    meeting.refresh_from_db()
    return meeting


def test_moving_the_timer_closes_one_stretch_and_opens_the_next(mia, ray, meeting) -> None:
    end = run_through(mia, ray, meeting, [("opening", 3), ("their_topics", 15)])
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=18, now=end)
    stretches = list(PartTime.objects.filter(meeting=meeting))
    assert [(s.part, s.ended_at - s.started_at) for s in stretches] == [
        ("opening", dt.timedelta(minutes=3)),
        ("their_topics", dt.timedelta(minutes=15)),
    ]
    assert selectors.part_seconds(meeting) == {"opening": 180.0, "their_topics": 900.0}


def test_the_current_part_counts_up_to_now_while_the_meeting_runs(mia, ray, meeting) -> None:
    end = run_through(mia, ray, meeting, [("opening", 2)])
    assert selectors.part_seconds(meeting, now=minutes(end, 3)) == {"opening": 300.0}


def test_a_held_career_1_1_reads_as_career_time_not_tactical(client_for, mia, ray, meeting):
    career(meeting)
    # One topic tagged tactical was discussed: counting tags would read 100 % tactical.
    topic = services.topic_add(actor=ray, meeting=meeting, text="On-call", kind="tactical")
    services.topic_set_discussed(actor=mia, topic=topic, discussed=True)
    steps = [
        ("progress_review", 15),
        ("feedback_exchange", 15),
        ("forward_planning", 15),
        ("action_items", 5),
    ]
    end = run_through(mia, ray, meeting, steps)
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=50, now=end)
    page = growth_selectors.meeting_page(mia, meeting, mode="wrap")
    assert page.wrap_up.split_by == "timer"
    actual = {row.key: row.actual for row in page.wrap_up.split_rows}
    assert actual == {"tactical": 10, "skills": 30, "career": 60}  # 5, 15 and 30 of 50 min
    assert [(r.title, r.planned, r.actual) for r in page.wrap_up.part_rows] == [
        ("Progress Review", 15, 15),
        ("Feedback Exchange", 15, 15),
        ("Forward Planning", 15, 15),
        ("Action Items", 5, 5),
    ]
    html = client_for(ray).get(reverse("meeting", args=[meeting.pk]), {"mode": "wrap"})
    text = html.content.decode()
    assert "Time (timer)" in text and "Career 1:1 part" in text
    assert "<td>20%</td><td>60%</td>" in text  # junior: 20 % career planned, 60 % spent


def test_without_the_timer_the_split_still_comes_from_the_tags(mia, ray, meeting) -> None:
    topic = services.topic_add(actor=ray, meeting=meeting, text="Growth", kind="career")
    services.topic_set_discussed(actor=mia, topic=topic, discussed=True)
    services.meeting_complete(actor=mia, meeting=meeting, held_minutes=30)
    wrap = growth_selectors.meeting_page(mia, meeting, mode="wrap").wrap_up
    assert wrap.split_by == "topics" and wrap.part_rows == []
    assert {row.key: row.actual for row in wrap.split_rows}["career"] == 100


def test_a_career_1_1_runs_as_its_four_parts_with_what_each_needs(client_for, mia, ray, meeting):
    career(meeting)
    growth.goal_set(actor=mia, meeting=meeting, skill="Code review", criterion="Reviews in a day")
    growth.feedback_give(
        actor=mia,
        meeting=meeting,
        kind="positive",
        situation="Tuesday's incident",
        behaviour="You wrote the timeline while we fixed it",
        impact="The review took ten minutes",
    )
    for person in (mia, ray):
        html = client_for(person).get(reverse("meeting", args=[meeting.pk]), {"mode": "run"})
        text = html.content.decode()
        for part in ("progress_review", "feedback_exchange", "forward_planning", "action_items"):
            assert f'id="part-{part}"' in text
        assert "Opening</h2>" not in text
        assert "Code review" in text and "Reviews in a day" in text
        assert "You wrote the timeline while we fixed it" in text
        # Its own note sections, titled by the guide's career parts.
        for legend in (
            "Progress Review",
            "Feedback Exchange",
            "Forward Planning",
            "Also discussed",
        ):
            assert f"<legend>{legend}</legend>" in text


def test_the_career_parts_side_panels_cost_a_fixed_number_of_queries(
    client_for, mia, ray, meeting
) -> None:
    career(meeting)
    client = client_for(ray)
    run_page = reverse("meeting", args=[meeting.pk])

    def give(n: int) -> None:
        for i in range(n):
            growth.feedback_give(
                actor=mia, meeting=meeting, kind="positive", situation=f"S{i}", behaviour="B",
                impact="I",
            )  # fmt: skip

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(run_page, {"mode": "run"}).status_code == 200
        return len(queries)

    give(1)
    count()  # the first visit records it
    few = count()
    give(6)
    assert count() == few <= 40
