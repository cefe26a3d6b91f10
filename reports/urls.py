from django.urls import include, path

app_name = "reports"

urlpatterns = [
    path("", include("reports.urls_summary")),
    path("", include("reports.urls_imports")),
    path("", include("reports.urls_dashboard")),
    path("", include("reports.urls_deadlines")),
    path("", include("reports.urls_meetings")),  # issue 16
    path("", include("reports.urls_dossier")),  # issue 15 item 8
]
