from django.urls import path

from . import (
    views,
    views_after,
    views_collectives,
    views_commendations,
    views_documents,
    views_followup,
    views_frameworks,
    views_grounds,
    views_groups,
    views_meetings,
    views_prompts,
    views_quarters,
    views_years,
)

app_name = "assessment"
urlpatterns = [
    path("years/<int:year>/cells/<int:pk>/", views.cell_year_view, name="cell_year"),
    path("years/<int:year>/cells/<int:pk>/open/", views.cell_year_open_view, name="cell_year_open"),
    path("years/<int:year>/cells/<int:pk>/inputs/", views.inputs_view, name="inputs"),
    path("years/<int:year>/units/<int:pk>/prompts/", views_prompts.prompts_view, name="prompts"),
    path("prompts/<int:pk>/", views_prompts.prompt_answer_view, name="prompt_answer"),
    path("years/<int:year>/cells/<int:pk>/report/", views.cell_report_view, name="cell_report"),
    path("years/<int:year>/cells/<int:pk>/meeting/", views.meeting_view, name="meeting"),
    path(
        "years/<int:year>/cells/<int:pk>/meeting/attendance/<int:member_pk>/",
        views.attendance_view,
        name="attendance",
    ),
    path("years/<int:year>/cells/<int:pk>/meeting/tally/", views.tally_view, name="tally"),
    path(
        "years/<int:year>/cells/<int:pk>/minutes.pdf", views_documents.minutes_view, name="minutes"
    ),
    path(
        "years/<int:year>/cells/<int:pk>/minutes.<str:fmt>",
        views_documents.minutes_view,
        name="minutes_document",
    ),
    path(
        "years/<int:year>/cells/<int:pk>/report.<str:fmt>",
        views_documents.cell_report_view,
        name="cell_report_document",
    ),
    path(
        "years/<int:year>/cells/<int:pk>/notice.<str:fmt>",
        views_documents.notice_view,
        name="notice_document",
    ),
    path(
        "assessments/<int:pk>/self-review.<str:fmt>",
        views_documents.self_review_view,
        name="self_review_document",
    ),
    path("years/<int:year>/cells/<int:pk>/submit/", views.submit_view, name="submit"),
    path("years/<int:year>/cells/<int:pk>/return/", views.return_view, name="return"),
    path("years/<int:year>/units/<int:pk>/cells/", views.inbox_view, name="inbox"),
    path(
        "years/<int:year>/units/<int:pk>/cells/decide/",
        views.decide_cells_view,
        name="decide_cells",
    ),
    path(
        "years/<int:year>/units/<int:pk>/cells/decide/issue/",
        views.decide_cells_issue_view,
        name="decide_cells_issue",
    ),
    path(
        "years/<int:year>/units/<int:pk>/cells/decide/quota/",
        views.decide_cells_preview_view,
        name="decide_cells_preview",
    ),
    path("years/<int:year>/cells/<int:pk>/decide/", views.decide_view, name="decide"),
    path(
        "years/<int:year>/cells/<int:pk>/decide/quota/",
        views.decide_preview_view,
        name="decide_preview",
    ),
    path(
        "years/<int:year>/cells/<int:pk>/decide/issue/",
        views.decision_issue_view,
        name="decision_issue",
    ),
    path("decisions/<int:pk>.pdf", views_documents.decision_view, name="decision_pdf"),
    path("decisions/<int:pk>.<str:fmt>", views_documents.decision_view, name="decision_document"),
    path("decisions/<int:pk>/reopen/", views.decision_reopen_view, name="decision_reopen"),
    path(
        "years/<int:year>/grassroots/<int:pk>/", views.grassroots_year_view, name="grassroots_year"
    ),
    path("years/<int:year>/superiors/<int:pk>/", views.superior_view, name="superior"),
    path(
        "years/<int:year>/superiors/<int:pk>/issue/",
        views.superior_issue_view,
        name="superior_issue",
    ),
    path(
        "years/<int:year>/superiors/<int:pk>/return/<int:unit_pk>/",
        views.superior_return_view,
        name="superior_return",
    ),
    path("assessments/<int:pk>/", views.self_review_view, name="self_review"),
    path("assessments/<int:pk>/status/", views.member_status_view, name="member_status"),
    path("assessments/<int:pk>/rerate/", views.rerate_view, name="rerate"),
    path("years/", views_years.years_view, name="years"),
    path("years/<int:year>/close/", views_years.year_close_view, name="year_close"),
]

# Issue 16: the cell's meetings through the year.
urlpatterns += [
    path(
        "years/<int:year>/cells/<int:pk>/meetings/", views_meetings.meetings_view, name="meetings"
    ),
    path(
        "years/<int:year>/cells/<int:pk>/meetings/new/",
        views_meetings.meeting_new_view,
        name="cell_meeting_new",
    ),
    path(
        "years/<int:year>/cells/<int:pk>/meetings/<int:meeting_pk>/",
        views_meetings.meeting_edit_view,
        name="cell_meeting",
    ),
    path(
        "years/<int:year>/cells/<int:pk>/meetings/inspection/",
        views_meetings.inspection_view,
        name="meeting_inspection",
    ),
]

# Issue 14: leadership collectives as assessed subjects.
urlpatterns += [
    path(
        "years/<int:year>/units/<int:pk>/collectives/",
        views_collectives.unit_collectives_view,
        name="unit_collectives",
    ),
    path(
        "years/<int:year>/units/<int:pk>/collectives/decide/",
        views_collectives.collectives_decide_view,
        name="collectives_decide",
    ),
    path(
        "years/<int:year>/units/<int:pk>/collectives/decide/issue/",
        views_collectives.collectives_issue_view,
        name="collectives_issue",
    ),
    path(
        "years/<int:year>/units/<int:pk>/collectives/decide/return/<int:row_pk>/",
        views_collectives.collective_return_view,
        name="collective_return",
    ),
    path(
        "years/<int:year>/collectives/<int:pk>/",
        views_collectives.collective_year_view,
        name="collective_year",
    ),
    path(
        "years/<int:year>/collectives/<int:pk>/open/",
        views_collectives.collective_open_view,
        name="collective_open",
    ),
    path(
        "years/<int:year>/collectives/<int:pk>/review/",
        views_collectives.collective_review_view,
        name="collective_review",
    ),
    path(
        "years/<int:year>/collectives/<int:pk>/meeting/",
        views_collectives.collective_meeting_view,
        name="collective_meeting",
    ),
    path(
        "years/<int:year>/collectives/<int:pk>/status/",
        views_collectives.collective_status_view,
        name="collective_status",
    ),
    path(
        "years/<int:year>/collectives/<int:pk>/submit/",
        views_collectives.collective_submit_view,
        name="collective_submit",
    ),
    path(
        "years/<int:year>/collectives/<int:pk>/seats/",
        views_collectives.collective_seat_view,
        name="collective_seat",
    ),
    path(
        "years/<int:year>/collectives/<int:pk>/grounds/",
        views_grounds.collective_grounds_view,
        name="collective_grounds",
    ),
    path(
        "years/<int:year>/collectives/<int:pk>/seats/from-posts/",
        views_collectives.collective_seats_from_posts_view,
        name="collective_seats_from_posts",
    ),
]

# Issue 14 item 6 (R27): quarterly assessment of leaders and managers (form 05).
urlpatterns += [
    path("years/<int:year>/quarters/", views_quarters.quarters_view, name="quarters"),
    path(
        "years/<int:year>/quarters/<int:number>/units/<int:pk>/",
        views_quarters.quarter_unit_view,
        name="quarter_unit",
    ),
    path(
        "quarters/assessments/<int:pk>/",
        views_quarters.quarter_assessment_view,
        name="quarter_assessment",
    ),
    path(
        "quarters/assessments/<int:pk>/step/",
        views_quarters.quarter_step_view,
        name="quarter_step",
    ),
    path(
        "quarters/assessments/<int:pk>/grounds/",
        views_quarters.quarter_grounds_view,
        name="quarter_grounds",
    ),
]

# Issue 14 items 2–3: the year's frameworks per form (the province edits its open year's) and
# R5's grounds on a member's year.
urlpatterns += [
    path("years/<int:year>/frameworks/", views_frameworks.frameworks_view, name="frameworks"),
    path(
        "years/<int:year>/frameworks/<str:code>/",
        views_frameworks.framework_view,
        name="framework",
    ),
    path("assessments/<int:pk>/grounds/", views_grounds.member_grounds_view, name="member_grounds"),
]


# Issue 15 item 7: a superior committee's working groups.
urlpatterns += [
    path(
        "years/<int:year>/superiors/<int:pk>/working-groups/",
        views_groups.working_groups_view,
        name="working_groups",
    ),
    path(
        "years/<int:year>/working-groups/<int:pk>/",
        views_groups.working_group_view,
        name="working_group",
    ),
    path(
        "years/<int:year>/working-groups/units/<int:pk>/",
        views_groups.working_group_unit_view,
        name="working_group_unit",
    ),
]

# Issue 15: after the decision — commendations.
urlpatterns += [
    path(
        "years/<int:year>/units/<int:pk>/commendations/",
        views_commendations.commendations_view,
        name="commendations",
    ),
    path(
        "years/<int:year>/units/<int:pk>/commendations/propose/",
        views_commendations.commendation_propose_view,
        name="commendation_propose",
    ),
    path(
        "years/<int:year>/units/<int:pk>/commendations/issue/",
        views_commendations.commendation_issue_view,
        name="commendation_issue",
    ),
    path(
        "years/<int:year>/units/<int:pk>/commendations/quota/",
        views_commendations.commendation_quota_view,
        name="commendation_quota",
    ),
    path(
        "years/<int:year>/units/<int:pk>/commendations.xlsx",
        views_commendations.commendation_export_view,
        name="commendation_export",
    ),
    path(
        "commendations/<int:pk>/withdraw/",
        views_commendations.commendation_withdraw_view,
        name="commendation_withdraw",
    ),
    path(
        "commendations/<int:pk>/refuse/",
        views_commendations.commendation_refuse_view,
        name="commendation_refuse",
    ),
]

# Issue 15: registrations for the next year and the follow-up of those rated not completed.
urlpatterns += [
    path(
        "years/<int:year>/units/<int:pk>/registrations/",
        views_followup.registrations_view,
        name="registrations",
    ),
    path(
        "years/<int:year>/units/<int:pk>/registrations/save/",
        views_followup.registration_save_view,
        name="registration_save",
    ),
    path(
        "assessments/<int:pk>/registration/",
        views_followup.member_registration_view,
        name="member_registration",
    ),
    path(
        "years/<int:year>/units/<int:pk>/follow-up/",
        views_followup.follow_up_view,
        name="follow_up",
    ),
    path(
        "years/<int:year>/units/<int:pk>/follow-up/new/",
        views_followup.remedial_plan_create_view,
        name="remedial_plan_create",
    ),
    path(
        "remedial-steps/<int:pk>/done/",
        views_followup.remedial_step_done_view,
        name="remedial_step_done",
    ),
    path(
        "remedial-plans/<int:pk>/remedied/",
        views_followup.remedial_plan_remedied_view,
        name="remedial_plan_remedied",
    ),
]

# Issue 15: after the decision (the not yet classified rated later, re-rating units, complaints).
urlpatterns += [
    path("assessments/<int:pk>/later/", views_after.later_rating_view, name="later_rating"),
    path(
        "years/<int:year>/units/<int:pk>/later/",
        views_after.later_decide_view,
        name="later_decide",
    ),
    path(
        "years/<int:year>/units/<int:pk>/rerate/",
        views_after.unit_rerate_view,
        name="unit_rerate",
    ),
    path(
        "assessments/<int:pk>/complaint/",
        views_after.member_complaint_view,
        name="member_complaint",
    ),
    path(
        "years/<int:year>/units/<int:pk>/complaint/",
        views_after.unit_complaint_view,
        name="unit_complaint",
    ),
    path("complaints/<int:pk>/", views_after.complaint_view, name="complaint"),
]
