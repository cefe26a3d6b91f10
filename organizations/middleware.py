"""Refuse a submitted form holding a NUL character before any view reads it.

PostgreSQL cannot store U+0000 in text, and no field of ours has a use for it; views that read
request.POST directly (the decision tables, say) would otherwise fail with a server error. The
answer is a 400 page naming the field, in the user's language, and nothing is written."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .accounts import SESSION_KEY
from .text import clean_text


class RefuseNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            for name, values in request.POST.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    response = TemplateResponse(
                        request,
                        "400.html",
                        {
                            "message": _(
                                "The field “%(field)s” holds a null character (U+0000), which "
                                "cannot be stored. Nothing was saved; remove it and try again."
                            )
                            % {"field": name.replace("\x00", "")[:60]}
                        },
                        status=400,
                    )
                    return response.render()
        return self.get_response(request)


class NormalizeTextMiddleware:
    """Issue 13 item 14: every submitted or searched value reaches the views in NFC, without
    invisible or bidi control characters (organizations.text.clean_text), so that search finds
    a name typed in decomposed form and duplicates cannot hide behind look-alike characters.
    Passwords are left exactly as typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _cleaned(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _cleaned(request.POST)
        return self.get_response(request)


def _cleaned(data):
    if not data:
        return data
    cleaned = data.copy()
    for name, values in data.lists():
        if "password" not in name:
            cleaned.setlist(name, [clean_text(v) if isinstance(v, str) else v for v in values])
    cleaned._mutable = False
    return cleaned


class VietnameseFirstMiddleware:
    """The interface speaks Vietnamese unless the user chose English (the language switch in
    the top bar sets a cookie): a browser's own Accept-Language is not followed, since most
    office computers are set up in English. Goes before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Until a user whose account was made for them has chosen a password (the flag is put in
    the session at sign-in, organizations/views_accounts.py), every page sends them to the
    password change page; logging out, switching the language and static files still work."""

    ALLOWED = ("password_change", "password_change_done", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(SESSION_KEY) and not self._allowed(request.path):
            messages.warning(
                request, _("Your account was made for you: choose your own password first.")
            )
            return redirect("password_change")
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        if path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            return True
        return path in {reverse(name) for name in self.ALLOWED}
