from django.urls import path

from . import views

# The member's page (members/<pk>/) shows their years: it lives in reports.views_units and
# joins this namespace in config/urls.py.
app_name = "members"
urlpatterns = [
    path("units/<int:pk>/members/new/", views.member_create, name="member_create"),
    path("units/<int:pk>/accounts/", views.officer_accounts, name="officer_accounts"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/transfer/", views.member_transfer_view, name="member_transfer"),
]
