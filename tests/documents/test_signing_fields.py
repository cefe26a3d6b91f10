"""Issue 17, item 1: units know how they sign; the unit form, the admin, the workbook import and
the demo carry the fields."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from organizations.models import Kind, Organization
from reports.imports import HEADERS, workbook_import
from reports.imports_signing import SIGNING_COLUMNS

from ..reports.test_imports import UNITS, rejected, the_error, workbook

pytestmark = pytest.mark.django_db
SIGNING_HEADERS = {UNITS: (*HEADERS[UNITS], *SIGNING_COLUMNS)}


def test_the_import_reads_the_optional_signing_columns(tree, tmp_path):
    path = workbook(
        tmp_path / "ky.xlsx",
        headers=SIGNING_HEADERS,
        ToChuc=[
            ("G9", "Đảng bộ xã G9", "dang_bo_co_so", "A", "Đảng ủy xã G9", "ĐU", "Tân Hòa", ""),
            ("G1", "Đảng bộ xã G1", "dang_bo_co_so", "A", "", "ĐUG1", "", "Đảng bộ huyện A"),
        ],
    )
    assert workbook_import(file=path, by=None).ok
    g9 = Organization.objects.get(code="G9")
    signing = (g9.official_name, g9.document_symbol, g9.place_name)
    assert signing == ("Đảng ủy xã G9", "ĐU", "Tân Hòa")
    g1 = Organization.objects.get(code="G1")
    assert (g1.document_symbol, g1.heading_superior) == ("ĐUG1", "Đảng bộ huyện A")
    assert g1.history.first().history_change_reason  # attributed like every import change


def test_a_too_long_symbol_is_named_by_row_and_column(tree, tmp_path):
    path = workbook(
        tmp_path / "dai.xlsx",
        headers=SIGNING_HEADERS,
        ToChuc=[("G9", "Đảng bộ xã G9", "dang_bo_co_so", "A", "", "X" * 21, "", "")],
    )
    assert the_error(rejected(path), UNITS, 2, "Ký hiệu văn bản")


def test_a_workbook_without_the_columns_still_imports(tree, tmp_path):
    path = workbook(tmp_path / "cu.xlsx", ToChuc=[("G9", "Đảng bộ xã G9", "dang_bo_co_so", "A")])
    assert workbook_import(file=path, by=None).ok


def test_a_symbol_is_unique_among_the_units_of_one_superior(login, tree, administrator):
    tree.c1.document_symbol = "CB"
    tree.c1.save()
    client = login(administrator)
    url = reverse("organizations:unit_edit", args=[tree.c2.pk])
    data = {"code": "C2", "name": tree.c2.name, "kind": tree.c2.kind, "document_symbol": "cb"}
    page = client.post(url, data)
    assert page.status_code == 200
    assert "document_symbol" in page.context["form"].errors
    other = reverse("organizations:unit_edit", args=[tree.c3.pk])  # another superior: allowed
    answer = client.post(
        other, {"code": "C3", "name": tree.c3.name, "kind": tree.c3.kind, "document_symbol": "CB"}
    )
    assert answer.status_code == 302
    assert Organization.objects.get(pk=tree.c3.pk).document_symbol == "CB"


def test_the_admin_shows_the_signing_fields(login, tree, administrator):
    page = login(administrator).get(
        reverse("admin:organizations_organization_change", args=[tree.g1.pk])
    )
    for name in ("official_name", "document_symbol", "place_name", "heading_superior"):
        assert f'name="{name}"' in page.content.decode()


def test_the_demo_fills_them_uniquely_under_each_superior():
    call_command("seed_demo", "--scale", "tiny", "--year", "2025", "--seed", "1")
    assert not Organization.objects.filter(official_name="").exists()
    assert not Organization.objects.filter(place_name="").exists()
    assert Organization.objects.get(kind=Kind.PROVINCE).official_name == "Tỉnh ủy Sông Hồng"
    for parent in Organization.objects.exclude(numchild=0):
        symbols = [c.document_symbol for c in Organization.objects.get_children(parent)]
        assert len(symbols) == len(set(symbols)), parent
