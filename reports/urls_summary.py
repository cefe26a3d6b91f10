from django.urls import path

from . import views_summary as views

urlpatterns = [
    path("years/<int:year>/units/<int:pk>/summary/", views.summary_view, name="summary"),
    path(
        "years/<int:year>/units/<int:pk>/export/<str:kind>/",
        views.export_view,
        name="export",
    ),
    path(
        "years/<int:year>/units/<int:pk>/summary.<str:fmt>",
        views.summary_document_view,
        name="summary_document",
    ),
    path("exports/<int:pk>/", views.export_job_view, name="export_job"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
