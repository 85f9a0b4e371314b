"""Every write to series, meetings, agendas, notes and action items.

One module per thing; the names are gathered here so callers import one place.
"""

from __future__ import annotations

from rapport.meetings.services.action_items import (
    action_item_add,
    action_item_set_status,
    action_item_update,
)
from rapport.meetings.services.backfill import (
    PastItem,
    PastMeeting,
    PastPrivateNote,
    PastTopic,
    series_backfill,
    series_past_slots,
)
from rapport.meetings.services.common import NeedsConfirmation
from rapport.meetings.services.meetings import (
    SUMMARY_LIMIT,
    manager_clash,
    meeting_cancel,
    meeting_complete,
    meeting_set_mood,
    meeting_set_section,
    meeting_set_summary,
    meeting_set_video_link,
    meeting_start,
    topics_carry_over,
)
from rapport.meetings.services.notes import NOTE_LIMIT, private_note_save, shared_notes_save
from rapport.meetings.services.reporting import (
    report_deactivate,
    report_invite,
    report_reactivate,
    report_update,
    roster_apply,
    series_follow_manager,
)
from rapport.meetings.services.series import (
    DEFAULT_START_TIME,
    DEFAULT_WEEKDAY,
    PlannedMeeting,
    next_meeting,
    series_cadence_preview,
    series_end,
    series_follow_level,
    series_schedule,
    series_start,
    series_update_cadence,
)
from rapport.meetings.services.topics import (
    topic_add,
    topic_counts_refresh,
    topic_delete,
    topic_move,
    topic_set_discussed,
    topic_set_kind,
    topic_update,
    topics_reorder,
)

__all__ = [
    "DEFAULT_START_TIME",
    "DEFAULT_WEEKDAY",
    "NOTE_LIMIT",
    "SUMMARY_LIMIT",
    "NeedsConfirmation",
    "PastItem",
    "PastMeeting",
    "PastPrivateNote",
    "PastTopic",
    "PlannedMeeting",
    "action_item_add",
    "action_item_set_status",
    "action_item_update",
    "manager_clash",
    "meeting_cancel",
    "meeting_complete",
    "meeting_set_mood",
    "meeting_set_section",
    "meeting_set_summary",
    "meeting_set_video_link",
    "meeting_start",
    "next_meeting",
    "private_note_save",
    "report_deactivate",
    "report_invite",
    "report_reactivate",
    "report_update",
    "roster_apply",
    "series_backfill",
    "series_cadence_preview",
    "series_end",
    "series_follow_level",
    "series_follow_manager",
    "series_past_slots",
    "series_schedule",
    "series_start",
    "series_update_cadence",
    "shared_notes_save",
    "topic_add",
    "topic_counts_refresh",
    "topic_delete",
    "topic_move",
    "topic_set_discussed",
    "topic_set_kind",
    "topic_update",
    "topics_carry_over",
    "topics_reorder",
]
