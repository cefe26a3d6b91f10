from django.urls import path

from . import views

# The tree and unit pages (tree/, tree/<pk>/, units/<pk>/) draw on every layer: they live in
# reports.views_units and join this namespace in config/urls.py.
app_name = "organizations"
urlpatterns = [
    path("units/<int:pk>/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("notifications/", views.notifications, name="notifications"),
    path("audit/", views.audit, name="audit"),
]
