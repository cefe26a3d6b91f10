"""The summary's leadership collectives (R23, R28; issue 14 item 8) in the read-only API, over
HTTP with a token: the figures the page shows, for the unit asked and within the holder's
subtree only, and described in the OpenAPI schema.

The collectives are those of tests/reports/test_review_counts_collectives.py (district A: seven
active, one decided good, one submitted, one new, one under disciplinary review, three not
reviewed yet, three given prompts by two levels; district B: one submitted, prompted by the
province)."""

import pytest
from rest_framework.authtoken.models import Token

from . import test_review_counts_collectives as shared

district = shared.district  # the fixture: district A's and B's collectives

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]


@pytest.fixture
def api(client):
    def _api(user):
        client.defaults["HTTP_AUTHORIZATION"] = (
            f"Token {Token.objects.get_or_create(user=user)[0].key}"
        )
        return client

    return _api


def _collectives(client, unit):
    response = client.get(f"/api/years/2025/units/{unit.pk}/summary/")
    assert response.status_code == 200
    return response.json()["sections"]["collectives"]


def test_the_district_board_reads_its_collectives_figures(api, district, tree, district_board):
    section = _collectives(api(district_board), tree.district_a)
    assert (section["total"], section["assessed"]) == (7, 1)
    assert section["not_classified"] == {"total": 1, "by_reason": {"moi_thanh_lap": 1}}
    assert section["pending"] == {
        "total": 5,
        "by_reason": {"chua_kiem_diem": 2, "chua_quyet_dinh": 2, "xem_xet_ky_luat": 1},
    }
    levels = {row["code"]: (row["count"], row["percent"]) for row in section["levels"]}
    assert levels["HTTNV"] == (1, 100.0) and levels["HTXSNV"] == (0, 0.0)
    assert section["prompted"] == {"total": 2, "by_level": {"province": 1, "superior": 2}}
    assert section["reviewed_undecided"] == 1  # G1's committee submitted, not decided yet


def test_a_user_reads_only_the_collectives_of_their_subtree(
    api, district, tree, district_board, outsider_board, provincial
):
    client = api(district_board)
    assert client.get(f"/api/years/2025/units/{tree.district_b.pk}/summary/").status_code == 404
    assert client.get(f"/api/years/2025/units/{tree.province.pk}/summary/").status_code == 404
    assert _collectives(client, tree.g1)["total"] == 6  # G1's own and its cells'

    section = _collectives(api(outsider_board), tree.district_b)
    assert (section["total"], section["reviewed_undecided"]) == (1, 1)
    assert section["prompted"] == {"total": 1, "by_level": {"province": 1}}
    client = api(outsider_board)
    assert client.get(f"/api/years/2025/units/{tree.district_a.pk}/summary/").status_code == 404

    assert _collectives(api(provincial), tree.province)["total"] == 8


def test_a_subtree_without_collectives_answers_the_section_with_zeros(api, tree, period, secretary):
    section = _collectives(api(secretary), tree.c1)
    assert (section["total"], section["prompted"]["total"]) == (0, 0)


def test_the_schema_describes_the_collectives_section(client, db):
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    sections = components["SummarySections"]["properties"]
    assert set(sections) >= {"grassroots", "cells", "members", "collectives"}
    collectives = components["CollectivesSection"]["properties"]
    assert {"total", "assessed", "levels", "prompted", "reviewed_undecided"} <= set(collectives)
