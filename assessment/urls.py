from django.urls import path

from . import views, views_years

app_name = "assessment"
urlpatterns = [
    path("years/<int:year>/cells/<int:pk>/", views.cell_year_view, name="cell_year"),
    path("years/<int:year>/cells/<int:pk>/inputs/", views.inputs_view, name="inputs"),
    path("years/<int:year>/cells/<int:pk>/report/", views.cell_report_view, name="cell_report"),
    path("years/<int:year>/cells/<int:pk>/meeting/", views.meeting_view, name="meeting"),
    path(
        "years/<int:year>/cells/<int:pk>/meeting/attendance/<int:member_pk>/",
        views.attendance_view,
        name="attendance",
    ),
    path("years/<int:year>/cells/<int:pk>/meeting/tally/", views.tally_view, name="tally"),
    path("years/<int:year>/cells/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes"),
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
    path("decisions/<int:pk>.pdf", views.decision_pdf, name="decision_pdf"),
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
