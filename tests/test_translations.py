"""The interface speaks Vietnamese first: every string of ours has a Vietnamese translation."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_the_catalogue_has_no_untranslated_or_fuzzy_string():
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


def test_the_catalogue_covers_every_string_in_templates_and_code(tmp_path):
    """makemessages over the sources finds no msgid missing from the committed catalogue."""
    fresh = tmp_path / "fresh.pot"
    sources = sorted(
        str(p)
        for p in Path(settings.BASE_DIR).glob("**/*")
        if p.suffix in {".py", ".html"}
        and not {".venv", "node_modules", "tests", "mutants"} & set(p.parts)
        and "migrations" not in p.parts
    )
    subprocess.run(
        [
            "xgettext",
            "--from-code=UTF-8",
            "-L",
            "Python",
            "--keyword=_",
            "--keyword=gettext_lazy",
            "--keyword=gettext",
            "-o",
            str(fresh),
            *[s for s in sources if s.endswith(".py")],
        ],
        check=True,
    )
    catalogue = PO.read_text(encoding="utf-8")
    missing = [
        msgid
        for msgid in re.findall(r'^msgid "(.+)"$', fresh.read_text(encoding="utf-8"), re.M)
        if f'msgid "{msgid}"' not in catalogue
    ]
    assert missing == []


@pytest.mark.django_db
def test_pages_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert "Log in" in client.get(response.url).content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Đăng nhập" in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize(
    "template, name",
    [("reports/partials/export_job.html", "job"), ("reports/partials/import_progress.html", "run")],
)
def test_a_percent_sign_in_a_template_string_is_translated(template, name):
    """Django looks a constant with % up as %% (its makemessages writes it so): the progress
    label of exports and imports reads Vietnamese, not 'Progress (%)'."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    job = SimpleNamespace(pk=1, state="done", progress=40, rows=3, kind="list", file=None)
    with translation.override("vi"):
        html = render_to_string(template, {name: job})
    assert "Tiến độ (%): 40 %" in html and "Progress" not in html
