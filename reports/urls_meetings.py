from django.urls import path

from . import views_meetings

urlpatterns = [
    path(
        "years/<int:year>/units/<int:pk>/meetings/",
        views_meetings.meetings_dashboard_view,
        name="meetings_dashboard",
    ),
    path("imports/meetings/", views_meetings.meetings_import_view, name="meetings_import"),
]
