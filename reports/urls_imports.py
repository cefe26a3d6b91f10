from django.urls import path

from . import views_imports as views

urlpatterns = [
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/template.xlsx", views.import_template_view, name="import_template"),
    path("imports/<int:pk>/", views.import_run_view, name="import_run"),
    path("imports/<int:pk>/confirm/", views.import_confirm_view, name="import_confirm"),
]
