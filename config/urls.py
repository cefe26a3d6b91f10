from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

import members.urls
import organizations.urls
from organizations import views_accounts as accounts
from reports import views_units

# Pages that show everything about a unit or a member live at the top layer (reports) and keep
# their names in the lower apps' namespaces.
organization_pages = [
    path("tree/", views_units.tree, name="tree"),
    path("tree/<int:pk>/", views_units.tree, name="subtree"),
    path("units/<int:pk>/", views_units.unit_detail, name="unit"),
    *organizations.urls.urlpatterns,
]
member_pages = [
    path("members/<int:pk>/", views_units.member_detail, name="member"),
    *members.urls.urlpatterns,
]

urlpatterns = [
    path("", views_units.home, name="home"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((organization_pages, "organizations"))),
    path("", include((member_pages, "members"))),
    path("", include("assessment.urls")),
    path("", include("reports.urls")),
    path("api/", include("reports.urls_api")),
    path(settings.ADMIN_URL, admin.site.urls),
]
