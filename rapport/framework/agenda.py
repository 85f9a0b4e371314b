"""The shape of a 1:1: regular and career agendas, the 70/30 rule, level splits and styles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rapport.framework.levels import check_level


@dataclass(frozen=True, slots=True)
class MeetingPart:
    """One numbered part of the seed's "Basic Meeting Structure"."""

    key: str
    number: int
    title: str
    # The seed sizes parts either in minutes ("2-3 min") or as a share ("50-60%").
    size_label: str
    prompts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CareerPart:
    """One part of the seed's career-focused 1:1, with its nominal minutes."""

    key: str
    number: int
    title: str
    minutes: int
    prompts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SplitPart:
    """One slice of a level's time split: tactical, skills or career."""

    key: str
    label: str
    percent: int


@dataclass(frozen=True, slots=True)
class LevelStyle:
    """How the seed says to run 1:1s for one level: focus, approach and time split."""

    level: str
    title: str
    focus: tuple[str, ...]
    approach: tuple[str, ...]
    time_split: tuple[SplitPart, ...]


@dataclass(frozen=True, slots=True)
class Timebox:
    """A contiguous slot of a planned meeting, in minutes from its start."""

    key: str
    title: str
    start_minute: int
    minutes: int
    prompts: tuple[str, ...]

    @property
    def end_minute(self) -> int:
        """Return the minute this slot ends at (exclusive)."""
        return self.start_minute + self.minutes


# --- The 70/30 rule -------------------------------------------------------------

TALK_RULE = "They talk 70% of the time, you talk 30%."
THEIR_MEETING = "This is their meeting, not yours."
IC_TALK_SHARE = 70
MANAGER_TALK_SHARE = 30

MANAGER_JOBS: tuple[str, ...] = (
    "Listen actively",
    "Ask clarifying questions",
    "Provide guidance when asked",
    "Give feedback when appropriate",
    "Remove blockers",
)


def breaks_talk_rule(manager_share_percent: float) -> bool:
    """Say whether a manager's share of talking time breaks the 70/30 rule."""
    if not 0 <= manager_share_percent <= 100:
        raise ValueError(f"A talk share is a percentage, not {manager_share_percent}.")
    return manager_share_percent > MANAGER_TALK_SHARE


# --- Basic meeting structure ----------------------------------------------------

# The opening's "Check-in on mood/energy", recorded from 1 (drained) to 5 (energised).
MOOD_MIN, MOOD_MAX = 1, 5
MOOD_LABELS: Mapping[int, str] = MappingProxyType(
    {1: "Drained", 2: "Low", 3: "Okay", 4: "Good", 5: "Energised"}
)
# How long a held 1:1 may be recorded as lasting: a minute to a working day.
HELD_MINUTES_MIN, HELD_MINUTES_MAX = 1, 480


def is_mood(value: int) -> bool:
    """Say whether a check-in value is on the mood scale."""
    return MOOD_MIN <= value <= MOOD_MAX


def held_minutes_from(seconds: float) -> int:
    """Round an elapsed time to the minutes a held 1:1 is recorded with, within the bounds."""
    return max(HELD_MINUTES_MIN, min(HELD_MINUTES_MAX, round(seconds / 60)))


def is_held_minutes(minutes: int) -> bool:
    """Say whether a recorded length of a held 1:1 is plausible."""
    return HELD_MINUTES_MIN <= minutes <= HELD_MINUTES_MAX


OPENING_MINUTES: tuple[int, int] = (2, 3)
CLOSING_MINUTES: tuple[int, int] = (2, 3)
THEIR_TOPICS_SHARE: tuple[int, int] = (50, 60)
MY_TOPICS_SHARE: tuple[int, int] = (30, 40)

OPENING = MeetingPart(
    key="opening",
    number=1,
    title="Opening",
    size_label="2-3 min",
    prompts=(
        "Check-in on mood/energy",
        "Review action items from last time",
        "Set agenda for today",
    ),
)
THEIR_TOPICS = MeetingPart(
    key="their_topics",
    number=2,
    title="Their Topics",
    size_label="50-60%",
    prompts=(
        "What's on their mind",
        "Challenges they're facing",
        "Questions they have",
        "Ideas they want to discuss",
    ),
)
# Keyed my_topics, as in the documentation template; the seed titles it from the
# manager's side ("Your Topics").
MY_TOPICS = MeetingPart(
    key="my_topics",
    number=3,
    title="Your Topics",
    size_label="30-40%",
    prompts=(
        "Feedback you have",
        "Context to share",
        "Career development",
        "Team/org updates",
    ),
)
CLOSING = MeetingPart(
    key="closing",
    number=4,
    title="Closing",
    size_label="2-3 min",
    prompts=(
        "Summarize key points",
        "Confirm action items",
        "Schedule next discussion if needed",
    ),
)
MEETING_STRUCTURE: tuple[MeetingPart, ...] = (OPENING, THEIR_TOPICS, MY_TOPICS, CLOSING)


# --- Career development ---------------------------------------------------------

CAREER_FOCUS_RULE = "Dedicate one 1:1 per month primarily to career development."

CAREER_PARTS: tuple[CareerPart, ...] = (
    CareerPart(
        key="progress_review",
        number=1,
        title="Progress Review",
        minutes=15,
        prompts=(
            "Review development goals",
            "Discuss recent wins and challenges",
            "Assess growth trajectory",
        ),
    ),
    CareerPart(
        key="feedback_exchange",
        number=2,
        title="Feedback Exchange",
        minutes=15,
        prompts=(
            "Your feedback on recent work",
            "Their self-assessment",
            "Peer feedback summary if collected",
        ),
    ),
    CareerPart(
        key="forward_planning",
        number=3,
        title="Forward Planning",
        minutes=15,
        prompts=(
            "Upcoming opportunities",
            "Skill development focus",
            "Goal refinement",
        ),
    ),
    CareerPart(
        key="action_items",
        number=4,
        title="Action Items",
        minutes=5,
        prompts=(
            "Clear next steps",
            "Timeline commitments",
        ),
    ),
)

CAREER_TOUCHPOINT_RULE = "Even in weekly 1:1s, include brief career elements."
CAREER_CHECK_MINUTES = 5
CAREER_CHECK_QUESTIONS: tuple[str, ...] = (
    "How are you feeling about your current work?",
    "Any development goals we should talk about?",
    "Anything you want to learn or try?",
)


# --- Time split and style per level ---------------------------------------------

TIME_SPLIT_KEYS: tuple[str, ...] = ("tactical", "skills", "career")

TIME_SPLITS: Mapping[str, tuple[SplitPart, ...]] = MappingProxyType(
    {
        "junior": (
            SplitPart("tactical", "tactical/immediate work", 50),
            SplitPart("skills", "skill development", 30),
            SplitPart("career", "career/long-term", 20),
        ),
        "confirmed": (
            SplitPart("tactical", "tactical/immediate work", 40),
            SplitPart("skills", "skill development", 30),
            SplitPart("career", "career/long-term", 30),
        ),
        "senior": (
            SplitPart("tactical", "tactical/immediate work", 20),
            SplitPart("skills", "skill/leadership development", 30),
            SplitPart("career", "career/strategic", 50),
        ),
        "staff": (
            SplitPart("tactical", "tactical/immediate work", 10),
            SplitPart("skills", "skill development", 20),
            SplitPart("career", "career/strategic/organizational", 70),
        ),
    }
)

LEVEL_STYLES: Mapping[str, LevelStyle] = MappingProxyType(
    {
        "junior": LevelStyle(
            level="junior",
            title="Junior Developers",
            focus=(
                "Frequent guidance and teaching",
                "Building confidence",
                "Learning fundamentals",
                "Short-term goals",
            ),
            approach=(
                "More directive coaching",
                "Regular check-ins (weekly)",
                "Lots of questions and answers",
                "Celebrating small wins",
            ),
            time_split=TIME_SPLITS["junior"],
        ),
        "confirmed": LevelStyle(
            level="confirmed",
            title="Confirmed Developers",
            focus=(
                "Increasing autonomy",
                "Expanding scope",
                "Developing voice",
                "Mid-term growth",
            ),
            approach=(
                "Balanced coaching",
                "Less frequent (weekly or bi-weekly)",
                "More problem-solving together",
                "Recognizing contributions",
            ),
            time_split=TIME_SPLITS["confirmed"],
        ),
        "senior": LevelStyle(
            level="senior",
            title="Senior Developers",
            focus=(
                "Leadership development",
                "Cross-team impact",
                "Mentoring others",
                "Strategic thinking",
            ),
            approach=(
                "Partnership model",
                "Bi-weekly cadence",
                "More peer-to-peer dialogue",
                "Focus on influence and impact",
            ),
            time_split=TIME_SPLITS["senior"],
        ),
        "staff": LevelStyle(
            level="staff",
            title="Staff and Beyond",
            focus=(
                "Organizational impact",
                "Strategic initiatives",
                "Developing others",
                "Long-term vision",
            ),
            approach=(
                "Collaborative partnership",
                "Flexible cadence",
                "Strategic discussions",
                "Leveraging their expertise",
            ),
            time_split=TIME_SPLITS["staff"],
        ),
    }
)


# --- Planning -------------------------------------------------------------------

MEETING_KINDS: tuple[str, ...] = ("regular", "career")
MIN_PLAN_MINUTES = 15
MAX_PLAN_MINUTES = 120


def agenda_plan(*, duration_minutes: int, kind: str, level: str) -> tuple[Timebox, ...]:
    """Return contiguous timeboxes that fill a meeting of this length exactly."""
    check_level(level)
    if kind not in MEETING_KINDS:
        raise ValueError(f"Unknown meeting kind {kind!r}; expected one of: regular, career.")
    if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int):
        raise ValueError(f"A duration is a whole number of minutes, not {duration_minutes!r}.")
    if not MIN_PLAN_MINUTES <= duration_minutes <= MAX_PLAN_MINUTES:
        raise ValueError(
            f"A 1:1 must last between {MIN_PLAN_MINUTES} and {MAX_PLAN_MINUTES} minutes "
            f"to plan it (got {duration_minutes})."
        )
    # The shape is the same for every level; what differs per level is how the
    # conversation inside the boxes splits, which time_split_minutes() gives.
    if kind == "career":
        return _career_plan(duration_minutes)
    return _regular_plan(duration_minutes)


def time_split_minutes(level: str, minutes: int) -> dict[str, int]:
    """Split minutes into the level's tactical / skills / career shares, summing exactly."""
    if minutes < 0:
        raise ValueError(f"Minutes cannot be negative (got {minutes}).")
    split = TIME_SPLITS[check_level(level)]
    shares = _apportion(minutes, tuple(part.percent for part in split))
    return {part.key: share for part, share in zip(split, shares, strict=True)}


def _regular_plan(duration: int) -> tuple[Timebox, ...]:
    opening, closing, their, mine = _regular_sizes(duration)
    # The career check is the seed's "Career development" item of your topics,
    # given its own box so it cannot be skipped; it never squeezes your other
    # topics below a minute in very short meetings.
    check = min(CAREER_CHECK_MINUTES, mine - 1)
    slots = (
        (OPENING.key, OPENING.title, opening, OPENING.prompts),
        (THEIR_TOPICS.key, THEIR_TOPICS.title, their, THEIR_TOPICS.prompts),
        (MY_TOPICS.key, MY_TOPICS.title, mine - check, MY_TOPICS.prompts),
        ("career_check", "Career Check", check, CAREER_CHECK_QUESTIONS),
        (CLOSING.key, CLOSING.title, closing, CLOSING.prompts),
    )
    return _timeboxes(slots)


def _regular_sizes(duration: int) -> tuple[int, int, int, int]:
    short, full = OPENING_MINUTES
    edge = short if duration < 30 else full
    # Prefer equal 3-minute ends; give up a closing minute only when the seed's
    # percentages cannot otherwise both hold (31 minutes is the one such length).
    for opening, closing in ((edge, edge), (edge, short), (short, short)):
        middle = duration - opening - closing
        window = _their_minutes_window(duration, middle)
        if window is not None:
            break
    else:
        opening = closing = edge
        middle = duration - opening - closing
        window = None
    # 60% of the middle, rounded half up, then pulled into the seed's ranges.
    their = (6 * middle + 5) // 10
    if window is not None:
        their = min(max(their, window[0]), window[1])
    return opening, closing, their, middle - their


def _their_minutes_window(duration: int, middle: int) -> tuple[int, int] | None:
    """Return the minutes for their topics that keep both shares in range, if any."""
    their_low, their_high = THEIR_TOPICS_SHARE
    mine_low, mine_high = MY_TOPICS_SHARE
    low = max(_ceil_percent(duration, their_low), middle - duration * mine_high // 100)
    high = min(duration * their_high // 100, middle - _ceil_percent(duration, mine_low))
    return (low, high) if low <= high else None


def _ceil_percent(total: int, percent: int) -> int:
    return -(-total * percent // 100)


def _career_plan(duration: int) -> tuple[Timebox, ...]:
    minutes = _apportion(duration, tuple(part.minutes for part in CAREER_PARTS))
    slots = tuple(
        (part.key, part.title, share, part.prompts)
        for part, share in zip(CAREER_PARTS, minutes, strict=True)
    )
    return _timeboxes(slots)


def _timeboxes(slots: tuple[tuple[str, str, int, tuple[str, ...]], ...]) -> tuple[Timebox, ...]:
    boxes = []
    start = 0
    for key, title, minutes, prompts in slots:
        boxes.append(Timebox(key, title, start, minutes, prompts))
        start += minutes
    return tuple(boxes)


def _apportion(total: int, weights: tuple[int, ...]) -> tuple[int, ...]:
    """Share total out in proportion to weights, in whole units that sum exactly."""
    whole = sum(weights)
    shares = [total * weight // whole for weight in weights]
    remainders = [total * weight % whole for weight in weights]
    # Largest remainder first; ties go to the earlier part, the seed's order.
    by_remainder = sorted(range(len(weights)), key=lambda index: (-remainders[index], index))
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return tuple(shares)


# --- How the time went ----------------------------------------------------------

# The kind of talk each part of a plan is, for the level's tactical / skills / career
# split measured from the timer. The opening and closing review and confirm action
# items (tactical); the 5-minute career check is career. A career 1:1's progress review
# and forward planning are career, its feedback exchange is skill development and its
# action items tactical. Topic parts ("their" and "your" topics) hold what was on the
# agenda: their time goes to the kinds of the topics discussed in them (None here).
PART_KINDS: Mapping[str, str | None] = MappingProxyType(
    {
        OPENING.key: "tactical",
        THEIR_TOPICS.key: None,
        MY_TOPICS.key: None,
        "career_check": "career",
        CLOSING.key: "tactical",
        "progress_review": "career",
        "feedback_exchange": "skills",
        "forward_planning": "career",
        "action_items": "tactical",
    }
)


def time_by_kind(
    part_seconds: Mapping[str, float], topic_kinds: Mapping[str, Mapping[str, int]]
) -> dict[str, float]:
    """Seconds per kind of talk (tactical, skills, career) from the seconds spent per part.

    `topic_kinds` gives, for a topic part, how many discussed topics of each kind it held;
    its time is shared among them in proportion (untagged or status topics count as
    tactical, and so does a topic part with no topic discussed).
    """
    totals = dict.fromkeys(TIME_SPLIT_KEYS, 0.0)
    for part, seconds in part_seconds.items():
        if seconds < 0:
            raise ValueError(f"A part cannot last {seconds} seconds.")
        kind = PART_KINDS.get(part, "tactical")
        if kind is not None:
            totals[kind] += seconds
            continue
        counts = {k: n for k, n in topic_kinds.get(part, {}).items() if n > 0}
        weights = dict.fromkeys(TIME_SPLIT_KEYS, 0)
        for topic_kind, n in counts.items():
            weights[topic_kind if topic_kind in weights else "tactical"] += n
        total = sum(weights.values())
        if not total:
            totals["tactical"] += seconds
            continue
        for key, weight in weights.items():
            totals[key] += seconds * weight / total
    return totals
