import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_model_has_an_admin_with_search(login, administrator, c1_members):
    from django.apps import apps

    ours = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"organizations", "members", "assessment"}
        and not m.__name__.startswith("Historical")
    ]
    assert set(ours) <= set(admin.site._registry)
    client = login(administrator)
    for model in ours:
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields, model
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url, {"q": "Nguyễn"}).status_code == 200, url


def test_the_admin_is_not_for_a_board(login, provincial):
    url = reverse("admin:organizations_organization_changelist")
    assert login(provincial).get(url).status_code == 302
