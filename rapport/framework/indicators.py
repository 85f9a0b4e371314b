"""Why 1:1s matter, how to tell they work, and the figure Rapport computes for each sign."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from rapport.framework.cadence import cadence_for_level, is_career_overdue, too_many_cancellations
from rapport.framework.items import Item
from rapport.framework.retrospectives import RETROSPECTIVE_RATING_MIN

WHY_ONE_ON_ONES: tuple[str, ...] = (
    "Building trust and psychological safety",
    "Understanding your IC's aspirations and concerns",
    "Providing regular feedback and coaching",
    "Identifying and removing blockers",
    "Tracking career progress",
    "Catching issues early",
)
WHEN_DONE_WELL = "ICs feel supported, grow faster, and stay longer."
WHEN_DONE_POORLY = "ICs feel neglected, plateau, and leave."

# The two lists run in parallel in the seed: each warning sign is the failure
# of the positive indicator at the same position.
POSITIVE_INDICATORS: tuple[Item, ...] = (
    Item("ics_drive_agenda", "ICs drive the agenda"),
    Item("open_conversations", "Open, honest conversations"),
    Item("career_progress_visible", "Career progress is visible"),
    Item("issues_surface_early", "Issues surface early"),
    Item("strong_trust", "Strong relationship and trust"),
    Item("ics_prepare", "ICs prepare in advance"),
    Item("action_items_completed", "Action items get completed"),
    Item("feedback_valued", "Feedback is valued and acted upon"),
)

WARNING_SIGNS: tuple[Item, ...] = (
    Item("manager_talks_most", "You do most of the talking"),
    Item("transactional", "Conversations feel transactional"),
    Item("career_rarely_discussed", "Career rarely discussed"),
    Item("review_surprises", "Surprises at review time"),
    Item("distant_relationship", "Relationship feels distant"),
    Item("ics_unprepared", "ICs show up unprepared"),
    Item("action_items_forgotten", "Action items forgotten"),
    Item("feedback_ignored", "Feedback is ignored or defensive"),
)

# What each sign is measured by, so a figure on screen can say what it means.
SIGN_MEASURES: Mapping[str, str] = MappingProxyType(
    {
        "ics_drive_agenda": "share of topics the IC added",
        "open_conversations": "share of topics that were more than status updates",
        "career_progress_visible": "goals with recent progress updates",
        "issues_surface_early": "constructive feedback and blockers raised in 1:1s",
        "strong_trust": "mood check-ins and retrospective answers over time",
        "ics_prepare": "share of meetings the IC added topics to before the start",
        "action_items_completed": "share of action items completed by their due date",
        "feedback_valued": "share of feedback acknowledged and acted on",
        "manager_talks_most": "manager talk share above 30% (transcript or own estimate)",
        "transactional": "share of topics that were only status updates",
        "career_rarely_discussed": "days since career was discussed, against the level's interval",
        "review_surprises": "no constructive feedback recorded in 1:1s before a review",
        "distant_relationship": "manager cancellations (3+ in 2 months) and falling mood",
        "ics_unprepared": "share of meetings with no IC topic added before the start",
        "action_items_forgotten": "action items still open past their due date",
        "feedback_ignored": "feedback not acknowledged or not acted on",
    }
)

RETROSPECTIVE_QUESTIONS: tuple[Item, ...] = (
    Item("working_for_you", "How are our 1:1s working for you?"),
    Item("more_valuable", "What would make them more valuable?"),
    Item("right_things", "Are we spending time on the right things?"),
    Item("more_or_less", "What should we do more/less of?"),
)


# How each sign is judged -------------------------------------------------------
#
# A relationship's figures (computed by rapport.insights.selectors) are plain
# numbers in a mapping; each of the 16 signs reads one or two of them against a
# threshold of rapport.framework.thresholds. A sign without enough data behind it
# says so instead of firing or staying silent.

GOOD, ATTENTION, NO_DATA = "good", "attention", "no_data"


@dataclass(frozen=True, slots=True)
class NextStep:
    """One suggested next step: a bank question category, a playbook or a scheduling action."""

    kind: str  # "question" | "playbook" | "schedule"
    target: str  # a question category key, a playbook key, or a scheduling action key
    label: str


class Reading(NamedTuple):
    """One sign judged for one relationship (a tuple: a page judges 16 per report, and a
    frozen dataclass takes twice as long to make)."""

    key: str
    text: str
    is_warning: bool
    state: str
    sentence: str
    figures: tuple[str, ...]
    next_step: NextStep | None

    @property
    def fires(self) -> bool:
        """A warning sign that shows (an indicator that fails is not counted as a sign)."""
        return self.is_warning and self.state == ATTENTION

    @property
    def no_data(self) -> bool:
        return self.state == NO_DATA


# The figure each sign is measured by, as the figure keys of the relationship page.
SIGN_FIGURES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "ics_drive_agenda": ("ic_agenda_share",),
        "open_conversations": ("status_share",),
        "career_progress_visible": ("goal_progress",),
        "issues_surface_early": ("feedback",),
        "strong_trust": ("mood", "retrospectives"),
        "ics_prepare": ("ic_preparation",),
        "action_items_completed": ("items_on_time",),
        "feedback_valued": ("feedback",),
        "manager_talks_most": ("talk_share",),
        "transactional": ("status_share",),
        "career_rarely_discussed": ("career",),
        "review_surprises": ("review_feedback",),
        "distant_relationship": ("cancellations", "mood"),
        "ics_unprepared": ("ic_preparation",),
        "action_items_forgotten": ("items_on_time",),
        "feedback_ignored": ("feedback",),
    }
)

NEXT_STEPS: Mapping[str, NextStep] = MappingProxyType(
    {
        "ics_drive_agenda": NextStep(
            "schedule", "add_topics", "Invite them to add their topics first"
        ),
        "open_conversations": NextStep("question", "motivation", "Ask a motivation question"),
        "career_progress_visible": NextStep(
            "question", "short_term", "Ask about this quarter’s goals"
        ),
        "issues_surface_early": NextStep("question", "blockers", "Ask what gets in the way"),
        "strong_trust": NextStep("question", "reflection", "Ask a reflection question"),
        "ics_prepare": NextStep("schedule", "add_topics", "Invite them to add their topics first"),
        "action_items_completed": NextStep("schedule", "review_items", "Review open action items"),
        "feedback_valued": NextStep("question", "reflection", "Ask how the feedback landed"),
        "manager_talks_most": NextStep(
            "question", "problem_solving", "Ask an open question and listen"
        ),
        "transactional": NextStep("question", "motivation", "Ask a motivation question"),
        "career_rarely_discussed": NextStep("schedule", "career", "Plan a career 1:1"),
        "review_surprises": NextStep(
            "question", "framework", "Share how you see their performance"
        ),
        "distant_relationship": NextStep("schedule", "cadence", "Keep the next 1:1 where it is"),
        "ics_unprepared": NextStep(
            "schedule", "add_topics", "Invite them to add their topics first"
        ),
        "action_items_forgotten": NextStep("schedule", "review_items", "Review open action items"),
        "feedback_ignored": NextStep("playbook", "disengaged", "Open the disengagement playbook"),
    }
)


def _count(number: int, noun: str) -> str:
    """ "1 feedback record", "0 feedback records": the figure, then the noun in agreement."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _no_data(meetings: int) -> str:
    return f"Not enough data yet ({meetings} meeting{'s' if meetings != 1 else ''})."


# Who a sentence names when the page does not name the two people (or the reader is one).
YOU, THE_MANAGER, THE_IC = "You", "The manager", "The IC"


def mid_sentence(subject: str) -> str:
    """ "you", "the manager", "Sam": a subject as it reads inside a sentence."""
    return subject.lower() if subject in (YOU, THE_MANAGER, THE_IC) else subject


def judge(
    figures: Mapping[str, object],
    thresholds: Mapping[str, int],
    *,
    level: str,
    manager: str = THE_MANAGER,
    ic: str = THE_IC,
) -> list[Reading]:
    """The 8 indicators then the 8 warning signs of one relationship, each with its sentence.

    `manager` and `ic` are how the sentences name the two people for the reader: `YOU`,
    a first name, or (the default) their role.

    `figures` holds: held (int), ic_agenda_share, ic_preparation, status_share,
    talk_share (int % or None), talk_measured (int), items_due, items_on_time_share,
    overdue_items, feedback_count, feedback_valued_share, constructive_count,
    review_constructive (None when no review date exists), mood_average (float|None),
    mood_drop (float|None), cancellations (int), days_since_career (int|None),
    goal_progress_share (None until goals exist), retrospective_latest (1-5 or None).
    """
    t = thresholds
    held = int(figures.get("held") or 0)
    enough = held >= t["min_meetings"]
    readings: dict[str, tuple[str, str]] = {}

    def put(key: str, state: str, sentence: str) -> None:
        readings[key] = (state, sentence)

    def put_all(keys: tuple[str, ...], missing: str, holds: bool, good: str, bad: str) -> None:
        """One figure judges these signs alike: no data (`missing`), holds, or not."""
        state, sentence = (
            (NO_DATA, missing) if missing else (GOOD, good) if holds else (ATTENTION, bad)
        )
        for key in keys:
            put(key, state, sentence)

    # Agenda share and preparation: meeting figures.
    share = figures.get("ic_agenda_share")
    put_all(
        ("ics_drive_agenda",),
        _no_data(held) if not enough or share is None else "",
        share is not None and share >= t["ic_agenda_share_min"],
        f"{ic} added {share}% of the topics (at least {t['ic_agenda_share_min']}%).",
        f"{ic} added {share}% of the topics, under {t['ic_agenda_share_min']}%.",
    )
    prep = figures.get("ic_preparation")
    put_all(
        ("ics_prepare", "ics_unprepared"),
        _no_data(held) if not enough or prep is None else "",
        prep is not None and prep >= t["ic_preparation_min"],
        f"{ic} added a topic before the start of {prep}% of "
        f"the 1:1s (at least {t['ic_preparation_min']}%).",
        f"{ic} added a topic before the start of only {prep}% "
        f"of the 1:1s, under {t['ic_preparation_min']}%.",
    )
    status = figures.get("status_share")
    put_all(
        ("open_conversations", "transactional"),
        _no_data(held) if not enough or status is None else "",
        status is not None and status <= t["status_share_max"],
        f"{status}% of the topics were only status updates (at most {t['status_share_max']}%).",
        f"{status}% of the topics were only status updates, over {t['status_share_max']}%.",
    )

    talk = figures.get("talk_share")
    measured = int(figures.get("talk_measured") or 0)
    if talk is None or measured == 0:
        put(
            "manager_talks_most",
            NO_DATA,
            "Not enough data yet (no 1:1 with a talk share recorded).",
        )
    elif talk > t["manager_talk_share_max"]:
        put(
            "manager_talks_most",
            ATTENTION,
            f"{manager} talked {talk}% of the time over {measured} measured "
            f"1:1s; the rule is at most {t['manager_talk_share_max']}%.",
        )
    else:
        put(
            "manager_talks_most",
            GOOD,
            f"{manager} talked {talk}% of the time over {measured} measured "
            f"1:1s (at most {t['manager_talk_share_max']}%).",
        )

    # Action items: dated figures.
    due = int(figures.get("items_due") or 0)
    on_time = figures.get("items_on_time_share")
    if due == 0 or on_time is None:
        put(
            "action_items_completed",
            NO_DATA,
            "Not enough data yet (no action item came due in the window).",
        )
    elif on_time >= t["on_time_share_min"]:
        put(
            "action_items_completed",
            GOOD,
            f"{on_time}% of the {due} items due were done by their "
            f"date (at least {t['on_time_share_min']}%).",
        )
    else:
        put(
            "action_items_completed",
            ATTENTION,
            f"Only {on_time}% of the {due} items due were done "
            f"by their date, under {t['on_time_share_min']}%.",
        )
    overdue = int(figures.get("overdue_items") or 0)
    if overdue > t["overdue_items_max"]:
        put(
            "action_items_forgotten",
            ATTENTION,
            f"{overdue} action item{'s are' if overdue != 1 else ' is'} still open past due.",
        )
    elif due == 0 and overdue == 0:
        put(
            "action_items_forgotten",
            NO_DATA,
            "Not enough data yet (no action item came due in the window).",
        )
    else:
        put(
            "action_items_forgotten",
            GOOD,
            f"{_count(overdue, 'action item')} open past due (at most {t['overdue_items_max']}).",
        )

    # Feedback.
    given = int(figures.get("feedback_count") or 0)
    valued = figures.get("feedback_valued_share")
    put_all(
        ("feedback_valued", "feedback_ignored"),
        "Not enough data yet (no feedback recorded in the window)."
        if given == 0 or valued is None
        else "",
        valued is not None and valued >= t["feedback_valued_min"],
        f"{valued}% of {_count(given, 'feedback record')} were acknowledged "
        f"and acted on (at least {t['feedback_valued_min']}%).",
        f"Only {valued}% of {_count(given, 'feedback record')} were acknowledged "
        f"and acted on, under {t['feedback_valued_min']}%.",
    )
    constructive = int(figures.get("constructive_count") or 0)
    put_all(
        ("issues_surface_early",),
        "" if enough else _no_data(held),
        constructive >= t["constructive_min"],
        f"{_count(constructive, 'constructive feedback record')} in "
        f"the window (at least {t['constructive_min']}).",
        f"{_count(constructive, 'constructive feedback record')} in "
        f"the window, under {t['constructive_min']}.",
    )
    review = figures.get("review_constructive")
    before_review = f"{_count(review or 0, 'constructive feedback record')} in the "
    put_all(
        ("review_surprises",),
        "Not enough data yet: no review date is recorded." if review is None else "",
        review is not None and review >= t["constructive_min"],
        f"{before_review}{t['review_lookback_days']} days before the review.",
        f"{before_review}{t['review_lookback_days']} days before the review, "
        f"under {t['constructive_min']}: the review may hold surprises.",
    )

    # Trust: mood and cancellations.
    mood = figures.get("mood_average")
    drop = figures.get("mood_drop")
    cancelled = int(figures.get("cancellations") or 0)
    falling = drop is not None and drop > t["mood_drop_max"]
    # The series warnings' own rule (one implementation): 3+ in the window by default.
    too_many = too_many_cancellations(cancelled, threshold=t["cancellation_warning_count"])
    retro = figures.get("retrospective_latest")
    retro_min = t.get("retrospective_rating_min", RETROSPECTIVE_RATING_MIN)
    if retro is not None and retro < retro_min:
        put("strong_trust", ATTENTION, f"The last retrospective rated the 1:1s {retro} out of 5.")
    elif mood is None or not enough:
        if retro is None:
            put("strong_trust", NO_DATA, _no_data(held))
        else:
            put("strong_trust", GOOD, f"The last retrospective rated the 1:1s {retro} out of 5.")
    elif mood >= t["mood_min"] and not falling:
        rated = "" if retro is None else f"; the last retrospective rated the 1:1s {retro} out of 5"
        put(
            "strong_trust",
            GOOD,
            f"The mood averages {mood:.1f} out of 5 and is not falling{rated}.",
        )
    else:
        why = (
            f"fell by {drop:.1f} points"
            if falling
            else f"averages {mood:.1f}, under {t['mood_min']}"
        )
        put("strong_trust", ATTENTION, f"The mood {why}.")
    if too_many or falling:
        parts = []
        if too_many:
            parts.append(
                f"{manager} cancelled {cancelled} times in {t['cancellation_warning_days']} "
                f"days (warning at {t['cancellation_warning_count']})"
            )
        if falling:
            parts.append(f"the mood fell by {drop:.1f} points")
        sentence = " and ".join(parts)
        put("distant_relationship", ATTENTION, sentence[0].upper() + sentence[1:] + ".")
    elif not enough:
        put("distant_relationship", NO_DATA, _no_data(held))
    else:
        put(
            "distant_relationship",
            GOOD,
            f"{_count(cancelled, 'cancellation')} by {mid_sentence(manager)} in "
            f"{t['cancellation_warning_days']} days and no falling mood.",
        )

    # Career.
    days = figures.get("days_since_career")
    interval = cadence_for_level(level).career_interval_days
    never = days is None or bool(figures.get("career_never"))
    if is_career_overdue(level, days, grace_days=int(t.get("overdue_grace_days", 0))):
        if days is None:
            what = "never discussed"
        elif never:
            what = f"not discussed in the {days} days since the 1:1s began"
        else:
            what = f"last discussed {days} days ago"
        put(
            "career_rarely_discussed",
            ATTENTION,
            f"Career was {what}; the level asks for every {interval} days.",
        )
    else:
        put(
            "career_rarely_discussed",
            GOOD,
            (
                f"The 1:1s began {days} days ago; career comes every {interval} days for the level."
                if never
                else f"Career was last discussed {days} days ago (every {interval} days)."
            ),
        )
    goals = figures.get("goal_progress_share")
    put_all(
        ("career_progress_visible",),
        "No goals recorded yet." if goals is None else "",
        goals is not None and goals >= t["goal_progress_min"],
        f"{goals}% of goals show progress in the last {t['goal_progress_weeks']} weeks.",
        f"Only {goals}% of goals show progress in the last {t['goal_progress_weeks']} weeks.",
    )

    result = []
    for is_warning, items in ((False, POSITIVE_INDICATORS), (True, WARNING_SIGNS)):
        for item in items:
            state, sentence = readings[item.key]
            result.append(
                Reading(
                    key=item.key,
                    text=item.text,
                    is_warning=is_warning,
                    state=state,
                    sentence=sentence,
                    figures=SIGN_FIGURES[item.key],
                    next_step=NEXT_STEPS[item.key] if state == ATTENTION else None,
                )
            )
    return result


# An aggregate over fewer reports than this would show one person's figures: it is withheld.
AGGREGATE_MIN_REPORTS = 3


class FigureDefinition(NamedTuple):
    """A figure the signs are measured by: its title and its formula."""

    title: str
    formula: str


# The figures the signs are measured by, one copy for every page that names them.
FIGURES: Mapping[str, FigureDefinition] = MappingProxyType(
    {
        "ic_agenda_share": FigureDefinition("IC agenda share", "topics the IC added ÷ all topics"),
        "ic_preparation": FigureDefinition(
            "IC preparation", "1:1s with an IC topic added before the start ÷ held 1:1s"
        ),
        "items_on_time": FigureDefinition(
            "Action items done by their due date",
            "items done on or before their due date ÷ items that came due, for the IC and the "
            "manager separately; open past due counts every open item whose date has passed",
        ),
        "career": FigureDefinition(
            "Career last discussed",
            "days since a career 1:1 was held or a career topic was discussed, against the "
            "level's career interval",
        ),
        "cancellations": FigureDefinition(
            "Manager cancellations; meetings held vs planned",
            "1:1s the manager called off in the cancellation window; held 1:1s ÷ the cadence's "
            "slots since the window (or the series) began",
        ),
        "feedback": FigureDefinition(
            "Feedback given",
            "feedback records (positive, constructive); shares acknowledged, and acknowledged "
            "and acted on",
        ),
        "review_feedback": FigureDefinition(
            "Constructive feedback before a review",
            "constructive feedback recorded in the days before the review date",
        ),
        "mood": FigureDefinition(
            "Mood check-ins", "average mood (1-5); the later half against the earlier"
        ),
        "retrospectives": FigureDefinition(
            "Retrospective rating trend", "ratings 1-5, oldest first"
        ),
        "status_share": FigureDefinition(
            "Status-update topics", "topics of the kind “status update” ÷ all"
        ),
        "talk_share": FigureDefinition(
            "Manager talk share",
            "average manager share of talk time (a transcript, or the manager's estimate), "
            "against the 70/30 rule",
        ),
        "goal_progress": FigureDefinition(
            "Goals with recent progress", "open goals with a progress update ÷ open goals"
        ),
    }
)
