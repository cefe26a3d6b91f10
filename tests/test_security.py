"""Issue 7, part 2: production settings, the content security policy and login throttling."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD

BASE = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "xeploai.example.vn",
    "DATABASE_URL": "postgres://xeploai:xeploai@127.0.0.1:5432/xeploai",
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage(
        "check", "--deploy", "--settings=config.settings.production", env=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_without_a_secret(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", "--settings=config.settings.production", env=env)
    assert result.returncode != 0
    assert f"Thiếu biến môi trường {missing}" in result.stderr


def test_production_hashes_with_argon2_and_keeps_cookies_safe():
    result = manage(
        "shell",
        "--settings=config.settings.production",
        "-c",
        "from django.conf import settings as s; print(s.PASSWORD_HASHERS[0], "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.ADMIN_URL)",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.split()[-5:] == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "True",
        "True",
        "True",
        "quan-tri/",
    ]


@pytest.mark.django_db
def test_pages_carry_a_policy_without_inline_script_or_style(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in policy


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=\"", re.I),
    re.compile(r"\son[a-z]+=\"", re.I),
    re.compile(r"hx-on", re.I),
]


def test_no_template_has_inline_script_style_or_handlers():
    """PDF templates are rendered by WeasyPrint, never served to a browser."""
    offenders = [
        f"{path.relative_to(BASE)}: {pattern.pattern}"
        for path in (BASE / "templates").rglob("*.html")
        if "pdf" not in path.parts
        for pattern in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_repeated_failures_lock_the_login_and_administrators_see_it(
    client, tree, secretary, administrator
):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "secretary", "password": "sai-mat-khau"})
        assert response.status_code == 200
    fifth = client.post(url, {"username": "secretary", "password": "sai-mat-khau"})
    assert fifth.status_code == 429  # the fifth failure locks
    locked = client.post(url, {"username": "secretary", "password": PASSWORD})
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    assert "_auth_user_id" not in client.session

    other = client.post(url, {"username": "committee", "password": "sai"})
    assert other.status_code == 200  # the lock is for that username only

    client.force_login(administrator)
    attempts = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200
    assert "secretary" in attempts.content.decode()
