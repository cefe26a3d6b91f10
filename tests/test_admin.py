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


def test_the_machines_rows_are_read_only_in_the_admin(
    login, administrator, tree, c1_members, period
):
    """A cell's year and its members' records change only through the machine's transitions
    (guards, versions, closed years, the summary's counts): the administrator reads them and
    their history in the admin, and a change or a delete posted there is refused."""
    from assessment.cell_year import cell_year_open
    from assessment.models import CellYear, MemberAssessment

    cell_year = cell_year_open(period=period, cell=tree.c1)
    record = MemberAssessment.objects.filter(cell_year=cell_year).first()
    client = login(administrator)
    for obj in (cell_year, record):
        name = f"admin:assessment_{obj._meta.model_name}"
        change = reverse(f"{name}_change", args=[obj.pk])
        page = client.get(change)
        assert page.status_code == 200
        assert b'name="_save"' not in page.content  # read only: no save button
        assert client.get(reverse(f"{name}_history", args=[obj.pk])).status_code == 200
        assert client.post(change, {"state": "decided", "status": "kpl"}).status_code == 403
        assert (
            client.post(reverse(f"{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
        assert client.get(reverse(f"{name}_add")).status_code == 403
    assert CellYear.objects.get(pk=cell_year.pk).state == cell_year.state
    assert MemberAssessment.objects.filter(pk=record.pk).exists()
    model_admin = admin.site._registry[CellYear]
    assert not any(i.has_change_permission(None) for i in model_admin.get_inline_instances(None))
