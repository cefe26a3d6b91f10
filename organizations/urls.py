from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("tree/<int:pk>/", views.tree, name="subtree"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("notifications/", views.notifications, name="notifications"),
    path("audit/", views.audit, name="audit"),
]
