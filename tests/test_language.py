"""Vietnamese first: an English browser still gets Vietnamese; English is the user's choice."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_english_browser_gets_vietnamese_until_the_user_switches(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="vi")
    assert '<html lang="en">' in page.content.decode()
