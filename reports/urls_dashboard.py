from django.urls import path

from . import views_dashboard

urlpatterns = [
    path(
        "years/<int:year>/units/<int:pk>/progress/",
        views_dashboard.progress_view,
        name="progress",
    ),
]
