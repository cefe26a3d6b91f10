"""The read-only JSON API (issue 19, item 8): token authentication, the pages' role-and-subtree
access, pagination, a year's results and the summary, the OpenAPI schema and its docs page."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from organizations.models import Kind, Organization, Role
from tests.factories import MemberFactory, OrganizationFactory, UserFactory, assign


@pytest.fixture
def api(client):
    """A client that authenticates the way another system does: `Authorization: Token <key>`."""

    def _api(user):
        key = Token.objects.create(user=user).key
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
        return client

    return _api


@pytest.fixture
def other_province(db):
    province = OrganizationFactory(code="Q", name="Tỉnh ủy khác", kind=Kind.PROVINCE)
    committee = OrganizationFactory(
        code="QG", kind=Kind.GRASSROOTS_COMMITTEE, name="Đảng bộ khác", parent=province
    )
    cell = OrganizationFactory(code="QC", name="Chi bộ khác", parent=committee)
    MemberFactory(cell=cell, full_name="Ngoài Tỉnh")
    return province


def test_it_asks_for_a_token(client, tree):
    answer = client.get("/api/units/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"
    client.defaults["HTTP_AUTHORIZATION"] = "Token not-a-key"
    assert client.get("/api/units/").status_code == 401


def test_a_token_lists_the_units_of_the_holders_subtree_only(api, tree, committee, other_province):
    answer = api(committee).get("/api/units/")
    assert answer.status_code == 200
    body = answer.json()
    assert [row["code"] for row in body["results"]] == ["G1", "C1", "C2"]
    assert body["count"] == 3
    assert body["results"][0]["kind"] == Kind.GRASSROOTS_COMMITTEE


def test_it_answers_404_for_another_provinces_unit_member_results_and_summary(
    api, tree, provincial, other_province, period
):
    client = api(provincial)
    other_cell = Organization.objects.get(code="QC")
    other_member = other_cell.members.get()
    for url in (
        f"/api/units/{other_cell.pk}/",
        f"/api/members/{other_member.pk}/",
        f"/api/years/2025/units/{other_cell.pk}/results/",
        f"/api/years/2025/units/{other_cell.pk}/unit-results/",
        f"/api/years/2025/units/{other_cell.pk}/summary/",
        f"/api/units/?under={other_province.pk}",
        f"/api/members/?under={other_cell.pk}",
    ):
        assert client.get(url).status_code == 404, url
    listed = client.get("/api/members/?page_size=1000").json()["results"]
    assert "Ngoài Tỉnh" not in {row["full_name"] for row in listed}
    assert client.get(f"/api/units/{tree.c3.pk}/").json()["code"] == "C3"


def test_a_member_reads_their_own_record_and_no_unit(api, alice_member, c1_members):
    client = api(alice_member.user)
    assert client.get("/api/units/").json()["count"] == 0
    rows = client.get("/api/members/").json()["results"]
    assert [row["full_name"] for row in rows] == ["Lê Thị Alice"]
    assert client.get(f"/api/members/{c1_members[0].pk}/").status_code == 404


def test_it_is_read_only(api, committee, tree):
    client = api(committee)
    assert client.post("/api/units/", {"code": "X"}).status_code == 405
    assert client.delete(f"/api/units/{tree.c1.pk}/").status_code == 405


def test_lists_are_paginated_with_a_fixed_number_of_queries(api, committee, tree):
    MemberFactory.create_batch(7, cell=tree.c1)
    client = api(committee)
    first = client.get("/api/members/?page_size=5").json()
    assert first["count"] == 7 and len(first["results"]) == 5
    assert first["next"].endswith("page=2&page_size=5")
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    MemberFactory.create_batch(20, cell=tree.c2)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/members/?page_size=5")
    with CaptureQueriesContext(connection) as many:
        client.get("/api/members/?page_size=25")
    assert len(many) == len(few)


def test_a_years_results_carry_levels_by_code(api, tree, committee, year_2025):
    client = api(committee)
    body = client.get(f"/api/years/2025/units/{tree.g1.pk}/results/?page_size=100").json()
    assert body["count"] == 46
    decided = [row["decided_level"] for row in body["results"]]
    assert decided.count("HTXSNV") == 10 and decided.count("HTTNV") == 20
    assert {row["cell_code"] for row in body["results"]} == {"C1"}
    assert body["results"][0]["year"] == 2025
    assert client.get(f"/api/years/1999/units/{tree.g1.pk}/results/").status_code == 404


def test_a_years_unit_results_list_cells_and_grassroots_organizations(
    api, tree, district_board, year_2025
):
    client = api(district_board)
    body = client.get(f"/api/years/2025/units/{tree.district_a.pk}/unit-results/").json()
    rows = {row["unit_code"]: row for row in body["results"]}
    assert list(rows) == ["G1", "C1", "C2"]  # by tree path
    assert rows["G1"]["decided_level"] == "HTTNV" and rows["C1"]["decided_level"] == "HTXSNV"
    assert rows["C2"]["status"] == "kpl" and rows["C2"]["reason_code"] == "moi_thanh_lap"
    assert "path" not in rows["G1"]


def test_the_summary_is_the_summary_tables_figures(api, tree, district_board, year_2025):
    body = api(district_board).get(f"/api/years/2025/units/{tree.district_a.pk}/summary/").json()
    assert body["year"] == 2025 and body["unit"]["code"] == "A"
    members = body["sections"]["members"]
    assert members["total"] == 46 and members["assessed"] == 43


def test_the_session_of_a_signed_in_user_works_too(client, secretary, tree):
    client.force_login(secretary)
    assert client.get(f"/api/units/{tree.c1.pk}/").json()["name"] == "Chi bộ thôn 1"


def test_the_schema_and_its_docs_page_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/years/{year}/units/{id}/summary/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_an_administrator_issues_a_token_from_the_command_line(db):
    from django.core.management import call_command

    user = UserFactory(username="he-thong")
    assign(user, Role.PROVINCIAL_BOARD, OrganizationFactory(code="R", kind=Kind.PROVINCE))
    call_command("drf_create_token", "he-thong", stdout=io.StringIO())
    assert Token.objects.filter(user=user).exists()
