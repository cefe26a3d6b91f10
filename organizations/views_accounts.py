"""Sign-in and password pages: Django's own views, with two additions. A user whose account was
made for them must choose a password first (organizations/accounts.py); a password reset request
is throttled per address and per e-mail like the sign-in is per user name and address."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django_ratelimit.decorators import ratelimit

from .accounts import SESSION_KEY, password_change_clear, password_change_required, reset_email_key

MSG_RESET_THROTTLED = _(
    "Too many password reset requests from this address or for this e-mail. Nothing was sent; "
    "try again in an hour."
)


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        response = super().form_valid(form)
        if password_change_required(form.get_user()):
            self.request.session[SESSION_KEY] = True
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        password_change_clear(user=form.user, session=self.request.session)
        return response


@method_decorator(
    ratelimit(key="ip", rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS, method="POST", block=False),
    name="post",
)
@method_decorator(
    ratelimit(
        key=reset_email_key, rate=settings.PASSWORD_RESET_RATE_PER_EMAIL, method="POST", block=False
    ),
    name="post",
)
class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        if getattr(self.request, "limited", False):
            form.add_error(None, MSG_RESET_THROTTLED)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        password_change_clear(user=form.user)
        # The holder proved they own the address: django-axes' lock on their name is lifted.
        axes_reset(username=form.user.get_username())
        return response
