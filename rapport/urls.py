"""Every URL of Rapport. The persona test walks this list: a new route is covered by it."""

from __future__ import annotations

from django.urls import path

from rapport.web.views import (
    actions,
    auth,
    away,
    calendar,
    career,
    coaching,
    framework,
    growth,
    home,
    insights,
    meetings,
    people,
    privacy,
    retrospectives,
    series,
    settings,
    talk,
)

urlpatterns = [
    # An open meeting page polls these every few seconds: matched first, they skip testing
    # every other pattern (about 25 µs of a poll's CPU).
    path("meetings/<int:meeting_id>/agenda/", meetings.agenda, name="meeting_agenda"),
    path("meetings/<int:meeting_id>/timer/", meetings.timer, name="meeting_timer"),
    path("meetings/<int:meeting_id>/live/", meetings.live, name="meeting_live"),
    path("", home.home, name="home"),
    path("setup/<str:token>/", auth.setup, name="setup"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.logout, name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("framework/", framework.framework, name="framework"),
    # People
    path("people/", people.people, name="people"),
    path("people/invite/", people.invite, name="person_invite"),
    path("people/import/", people.roster_import, name="roster_import"),
    path("people/managers/", people.manager_suggestions, name="manager_suggestions"),
    path("people/<int:person_id>/", people.person, name="person"),
    path("people/<int:person_id>/deactivate/", people.deactivate, name="person_deactivate"),
    path("people/<int:person_id>/reactivate/", people.reactivate, name="person_reactivate"),
    path("people/<int:person_id>/invite-link/", people.invite_link, name="person_invite_link"),
    path("people/<int:person_id>/send-reset/", people.reset_send, name="person_reset_send"),
    # Series: the report page, a timeline of one 1:1
    path("series/<int:series_id>/", series.series, name="series"),
    path("series/<int:series_id>/cadence/", series.cadence, name="series_cadence"),
    # Career: the page of one 1:1 (aspirations, ladder views, self-assessments) and the ladder
    path("series/<int:series_id>/career/", career.career, name="career"),
    path(
        "series/<int:series_id>/career/aspirations/",
        career.aspirations,
        name="career_aspirations",
    ),
    path("series/<int:series_id>/career/ladder-view/", career.ladder_view, name="ladder_view"),
    path(
        "series/<int:series_id>/career/self-assessment/",
        career.self_assessment,
        name="self_assessment",
    ),
    path("series/<int:series_id>/career/packet/", career.packet, name="career_packet"),
    path(
        "series/<int:series_id>/career/packet.md",
        career.packet,
        {"fmt": "md"},
        name="career_packet_md",
    ),
    path(
        "series/<int:series_id>/career/packet.pdf",
        career.packet,
        {"fmt": "pdf"},
        name="career_packet_pdf",
    ),
    path("meetings/<int:meeting_id>/career/", career.meeting_career, name="meeting_career"),
    path("ladder/", career.ladder, name="ladder"),
    path("ladder/edit/", career.ladder_edit, name="ladder_edit"),
    path("ladder/import/", career.ladder_import, name="ladder_import"),
    path("ladder/export.yaml", career.ladder_export, name="ladder_export"),
    # Meetings
    path("meetings/<int:meeting_id>/", meetings.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/topics/", meetings.topic_add, name="topic_add"),
    path("meetings/<int:meeting_id>/notes/", meetings.shared_notes, name="shared_notes"),
    path("meetings/<int:meeting_id>/private-note/", meetings.private_note, name="private_note"),
    path(
        "meetings/<int:meeting_id>/action-items/", meetings.action_item_add, name="action_item_add"
    ),
    path("meetings/<int:meeting_id>/mood/", meetings.mood, name="meeting_mood"),
    path("meetings/<int:meeting_id>/start/", meetings.start, name="meeting_start"),
    path("meetings/<int:meeting_id>/complete/", meetings.complete, name="meeting_complete"),
    path("meetings/<int:meeting_id>/cancel/", meetings.cancel, name="meeting_cancel"),
    # The meeting room: shared timer, video link, wrap-up summary and recap
    path("meetings/<int:meeting_id>/section/", meetings.section, name="meeting_section"),
    path("meetings/<int:meeting_id>/video/", meetings.video_link, name="meeting_video"),
    path("meetings/<int:meeting_id>/summary/", meetings.summary, name="meeting_summary"),
    path("meetings/<int:meeting_id>/recap.md", meetings.recap, name="meeting_recap"),
    path("topics/<int:topic_id>/", meetings.topic_edit, name="topic_edit"),
    path("topics/<int:topic_id>/discussed/", meetings.topic_discussed, name="topic_discussed"),
    path("topics/<int:topic_id>/move/", meetings.topic_move, name="topic_move"),
    path("topics/<int:topic_id>/delete/", meetings.topic_delete, name="topic_delete"),
    # Coaching panels, loaded into the meeting page: prepare, questions, feedback, playbooks, remote
    path("meetings/<int:meeting_id>/prepare/", coaching.prepare, name="meeting_prepare"),
    path("meetings/<int:meeting_id>/questions/", coaching.questions, name="meeting_questions"),
    path("questions/", coaching.org_questions, name="org_questions"),
    path("meetings/<int:meeting_id>/feedback/", coaching.feedback, name="meeting_feedback"),
    path("meetings/<int:meeting_id>/playbooks/", coaching.playbooks, name="meeting_playbooks"),
    path("meetings/<int:meeting_id>/plan/", coaching.plan, name="meeting_plan"),
    path("meetings/<int:meeting_id>/remote/", coaching.remote, name="meeting_remote"),
    # Who did the talking (wrap-up): a transcript read in memory, or the manager's estimate
    path("meetings/<int:meeting_id>/talk/", talk.talk, name="meeting_talk"),
    path("meetings/<int:meeting_id>/talk/upload/", talk.talk_upload, name="meeting_talk_upload"),
    path("meetings/<int:meeting_id>/talk/sides/", talk.talk_sides, name="meeting_talk_sides"),
    path(
        "meetings/<int:meeting_id>/talk/estimate/", talk.talk_estimate, name="meeting_talk_estimate"
    ),
    # Insights: the figures and signs of each relationship, a team, an organisation
    path("insights/", insights.insights, name="insights"),
    path("insights/trends/", insights.team_trends, name="insights_trends"),
    path("insights/series/<int:series_id>/", insights.relationship, name="insights_series"),
    path("insights/thresholds/", insights.thresholds, name="insights_thresholds"),
    path(
        "insights/series/<int:series_id>/retrospectives/",
        retrospectives.retrospectives,
        name="retrospectives",
    ),
    path(
        "insights/retrospectives/<int:retrospective_id>/reply/",
        retrospectives.retrospective_reply,
        name="retrospective_reply",
    ),
    # Sacred time: days away (1:1s on them are flagged to move)
    path("away/", away.away, name="away"),
    path("away/<int:absence_id>/remove/", away.away_remove, name="away_remove"),
    # Calendar feeds and mail (the feed and mail_off answer to a secret token, not a login)
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("meetings/<int:meeting_id>/invite.ics", calendar.meeting_invite, name="meeting_invite"),
    path("settings/", settings.settings, name="settings"),
    path("settings/profile/", settings.profile, name="settings_profile"),
    path("settings/password/", settings.password, name="settings_password"),
    path("settings/calendar/", settings.calendar_token, name="calendar_token"),
    path("settings/mail/", settings.mail_preferences, name="mail_preferences"),
    path("mail/off/<str:token>/", settings.mail_off, name="mail_off"),
    # A person's data: their export, their request to be erased; the admin's side of it
    path("settings/export/", settings.export, name="settings_export"),
    path("settings/erasure/", settings.erasure, name="settings_erasure"),
    path("privacy/", privacy.privacy, name="privacy"),
    path("privacy/erasure-rule/", privacy.erasure_rule, name="erasure_rule"),
    path("people/<int:person_id>/erase/", privacy.person_erase, name="person_erase"),
    # Career: goals and the development plan, the feedback log, peer feedback
    path("series/<int:series_id>/goals/", growth.series_goals, name="series_goals"),
    path("series/<int:series_id>/plan/", growth.development_plan, name="development_plan"),
    path("goals/<int:goal_id>/", growth.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/progress/", growth.goal_progress, name="goal_progress"),
    path("goals/<int:goal_id>/action-items/", growth.goal_action_items, name="goal_action_items"),
    path("meetings/<int:meeting_id>/goals/", growth.meeting_goals, name="meeting_goals"),
    path("series/<int:series_id>/feedback/", growth.series_feedback, name="series_feedback"),
    path("feedback/<int:feedback_id>/", growth.feedback_mark, name="feedback_mark"),
    path("series/<int:series_id>/peer-feedback/", growth.series_peer, name="series_peer"),
    path("series/<int:series_id>/peer-feedback/summary/", growth.peer_summary, name="peer_summary"),
    path("peer-requests/", growth.peer_requests, name="peer_requests"),
    path("peer-requests/<int:request_id>/", growth.peer_request, name="peer_request"),
    # Action items across all my 1:1s
    path("action-items/", actions.my_action_items, name="my_action_items"),
    path("action-items/<int:item_id>/", actions.action_item_edit, name="action_item_edit"),
    path(
        "action-items/<int:item_id>/status/", actions.action_item_status, name="action_item_status"
    ),
]

handler400 = "rapport.web.views.errors.bad_request"
handler403 = "rapport.web.views.errors.forbidden"
handler404 = "rapport.web.views.errors.not_found"
handler500 = "rapport.web.views.errors.server_error"
