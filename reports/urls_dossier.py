from django.urls import path

from . import views_dossier as views

urlpatterns = [
    path("years/<int:year>/units/<int:pk>/dossier/", views.dossier_view, name="dossier"),
    path(
        "years/<int:year>/units/<int:pk>/dossier/upload/",
        views.dossier_upload_view,
        name="dossier_upload",
    ),
    path(
        "years/<int:year>/units/<int:pk>/dossier/form-04.<str:fmt>",
        views.form04_view,
        name="dossier_form04",
    ),
    path(
        "years/<int:year>/units/<int:pk>/dossier/archive/",
        views.dossier_archive_view,
        name="dossier_archive",
    ),
    path("dossier-scans/<int:pk>/", views.dossier_scan_view, name="dossier_scan"),
    path(
        "dossier-scans/<int:pk>/remove/",
        views.dossier_scan_delete_view,
        name="dossier_scan_remove",
    ),
]
