"""The seed's checklists: preparation on both sides, conduct during, follow-up after."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from rapport.framework.items import Item

# Checklist lines are plain keyed items; the alias keeps the seed's vocabulary.
ChecklistItem = Item

# "1:1 Checklist", ticked off around each meeting.
PRE_MEETING: tuple[ChecklistItem, ...] = (
    ChecklistItem("reviewed_notes", "Reviewed last meeting notes"),
    ChecklistItem("checked_action_items", "Checked on action items"),
    ChecklistItem("reviewed_work", "Reviewed recent work"),
    ChecklistItem("prepared_feedback", "Prepared feedback examples"),
    ChecklistItem("agenda_ready", "Have agenda topics ready"),
    ChecklistItem("set_aside_distractions", "Set aside distractions"),
)

DURING_MEETING: tuple[ChecklistItem, ...] = (
    ChecklistItem("started_on_time", "Started on time"),
    ChecklistItem("they_drove_agenda", "Let them drive agenda"),
    ChecklistItem("listened_actively", "Listened actively (70/30 rule)"),
    ChecklistItem("specific_feedback", "Provided specific feedback"),
    ChecklistItem("discussed_career", "Discussed career development"),
    ChecklistItem("took_notes", "Took clear notes"),
    ChecklistItem("confirmed_action_items", "Confirmed action items"),
)

POST_MEETING: tuple[ChecklistItem, ...] = (
    ChecklistItem("documented_key_points", "Documented key points"),
    ChecklistItem("followed_up", "Followed up on commitments"),
    ChecklistItem("updated_development_plan", "Updated development plan if needed"),
    ChecklistItem("shared_information", "Shared relevant information with others"),
    ChecklistItem("set_reminders", "Set reminders for action items"),
)

CHECKLIST_PHASES: Mapping[str, tuple[ChecklistItem, ...]] = MappingProxyType(
    {"pre": PRE_MEETING, "during": DURING_MEETING, "post": POST_MEETING}
)
CHECKLIST_PHASE_TITLES: Mapping[str, str] = MappingProxyType(
    {"pre": "Pre-Meeting", "during": "During Meeting", "post": "Post-Meeting"}
)

# "Preparation (Manager)": what to look at before each meeting.
MANAGER_PREPARATION: tuple[ChecklistItem, ...] = (
    ChecklistItem("review_last_notes", "Review notes from last 1:1"),
    ChecklistItem("check_action_items", "Check action items completion"),
    ChecklistItem("review_recent_work", "Review recent work (PRs, projects)"),
    ChecklistItem("prepare_feedback_examples", "Prepare specific feedback examples"),
    ChecklistItem("note_org_updates", "Note any team/org updates to share"),
    ChecklistItem("think_career_topics", "Think about career development topics"),
)
MANAGER_PREPARATION_MINUTES: tuple[int, int] = (10, 15)

# "Preparation (IC)": the keys double as prompts on the IC's topic form.
IC_PREPARATION: tuple[ChecklistItem, ...] = (
    ChecklistItem("topics", "Topics they want to discuss"),
    ChecklistItem("questions", "Questions they have"),
    ChecklistItem("goal_updates", "Updates on their goals"),
    ChecklistItem("blockers", "Blockers or challenges"),
    ChecklistItem("wins", "Wins to share"),
)
IC_SHARE_AHEAD = "Use a shared doc or Slack thread"

# "During the Meeting".
DURING_DO: tuple[ChecklistItem, ...] = (
    ChecklistItem("start_on_time", "Start on time"),
    ChecklistItem("be_present", "Be fully present (close laptop if not taking notes)"),
    ChecklistItem("listen_more", "Listen more than talk"),
    ChecklistItem("open_questions", "Ask open-ended questions"),
    ChecklistItem("take_notes", "Take notes"),
    ChecklistItem("honest_direct", "Be honest and direct"),
    ChecklistItem("genuine_interest", "Show genuine interest"),
)

DURING_DONT: tuple[ChecklistItem, ...] = (
    ChecklistItem("check_phone", "Check your phone or email"),
    ChecklistItem("status_updates", "Make it all about status updates"),
    ChecklistItem("do_all_talking", "Do all the talking"),
    ChecklistItem("vague", "Be vague or generic"),
    ChecklistItem("skip_career", "Skip career discussions"),
    ChecklistItem("rush", "Rush through topics"),
    ChecklistItem("promises", "Make promises you can't keep"),
)
