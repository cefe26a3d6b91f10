"""Accounts (issue 19, item 3): the first-sign-in password change and the throttle of password
reset requests. The views are Django's own (organizations/views_accounts.py subclasses them)."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import AbstractBaseUser

from .models import Profile

# The session remembers, from the sign-in on, that the user must first choose a password; the
# middleware then reads the session only (no query per request).
SESSION_KEY = "must_change_password"


def password_change_required(user: AbstractBaseUser) -> bool:
    """True when `user`'s account was made for them (by an administrator or in bulk) and they
    have not chosen their own password yet."""
    return Profile.objects.filter(user=user, must_change_password=True).exists()


def password_change_require(*, user: AbstractBaseUser) -> None:
    """Mark `user` to choose a new password at the next sign-in."""
    Profile.objects.update_or_create(user=user, defaults={"must_change_password": True})


def password_change_clear(*, user: AbstractBaseUser, session=None) -> None:
    """The holder chose their own password (a change or a reset): nothing more is asked."""
    Profile.objects.filter(user=user, must_change_password=True).update(must_change_password=False)
    if session is not None:
        session.pop(SESSION_KEY, None)


def reset_email_key(group: str, request) -> str:
    """django-ratelimit's key for reset requests per e-mail address, case folded, so that
    `A@x.vn` and `a@x.vn` count as one address."""
    return (request.POST.get("email") or "").strip().casefold()


def account_welcome_send(*, email: str, request) -> None:
    """E-mail the holder of a newly made account at `email` a one-day link to choose their own
    password (Django's reset token; the same link a forgotten password gets)."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="registration/account_made_subject.txt",
            email_template_name="registration/account_made_email.txt",
        )
