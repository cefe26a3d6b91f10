from django.urls import path

from . import views_deadlines

urlpatterns = [
    path(
        "years/<int:year>/units/<int:pk>/calendar/",
        views_deadlines.calendar_view,
        name="calendar",
    ),
    path(
        "years/<int:year>/units/<int:pk>/yearly-report/",
        views_deadlines.submission_view,
        name="submission",
    ),
    path(
        "years/<int:year>/units/<int:pk>/yearly-report/submit/",
        views_deadlines.submission_create_view,
        name="submission_create",
    ),
    path(
        "yearly-reports/<int:pk>/",
        views_deadlines.submission_detail_view,
        name="submission_detail",
    ),
    path(
        "years/<int:year>/units/<int:pk>/reports-received/",
        views_deadlines.aggregate_view,
        name="deadline_aggregate",
    ),
]
