"""The summary's leaders (R23 "optionally leaders") and review prompts by managing level (R28)
in `export_summary --format json` and the read-only API (issue 14 item 8), over HTTP with a
token: the figures the summary table has, for the unit asked and within the holder's subtree."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from assessment import cell_year as work
from assessment import prompts
from assessment.models import AssessmentStatus
from members.models import Post, PostKind
from reports.summary import summary_build
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]


@pytest.fixture
def api(client):
    def _api(user):
        client.defaults["HTTP_AUTHORIZATION"] = (
            f"Token {Token.objects.get_or_create(user=user)[0].key}"
        )
        return client

    return _api


@pytest.fixture
def leaders_year(period, tree, secretary, district_board, provincial):
    """C1's 2025 with a commune chairman (a leadership post: form 2A) given prompts by the
    province and by district A, a member pending (ill), and another member; C2 prompted by
    district A as a cell."""
    chairman, ill, other = MemberFactory.create_batch(3, cell=tree.c1)
    Post.objects.create(
        member=chairman,
        kind=PostKind.GOVERNMENT,
        title="Chủ tịch UBND xã",
        leadership=True,
        start=datetime.date(2021, 6, 1),
    )
    c1 = work.cell_year_open(period=period, cell=tree.c1, by=secretary)
    work.member_status_set(
        assessment=c1.assessments.get(member=ill),
        status=AssessmentStatus.PENDING,
        reason_code="om_dau",
        note="Ốm dài ngày",
        by=secretary,
    )
    for issuer, by in ((tree.province, provincial), (tree.district_a, district_board)):
        prompts.prompt_issue(
            issuer=issuer,
            period=period,
            member=chairman,
            text="Làm rõ trách nhiệm người đứng đầu",
            given_on=period.assessment_date,
            by=by,
        )
    return chairman


def _summary(client, unit):
    response = client.get(f"/api/years/2025/units/{unit.pk}/summary/")
    assert response.status_code == 200
    return response.json()["sections"]


def test_the_district_board_reads_its_leaders_and_prompts(api, leaders_year, tree, district_board):
    sections = _summary(api(district_board), tree.district_a)
    leaders = sections["leaders"]
    assert (leaders["total"], leaders["assessed"]) == (1, 0)
    assert leaders["pending"] == {"total": 1, "by_reason": {"chua_quyet_dinh": 1}}
    assert leaders["prompted"] == {"total": 1, "by_level": {"province": 1, "superior": 1}}
    members = sections["members"]
    assert members["total"] >= 3
    assert members["pending"]["by_reason"]["om_dau"] == 1
    assert members["prompted"] == {"total": 1, "by_level": {"province": 1, "superior": 1}}


def test_the_api_gives_the_tables_leaders_section(api, leaders_year, tree, district_board, period):
    head = summary_build(unit=tree.g1, period=period).rows[0].sections["leaders"]
    leaders = _summary(api(district_board), tree.g1)["leaders"]
    assert leaders["total"] == head.total == 1
    assert leaders["prompted"]["by_level"] == head.prompted_by_level


def test_a_user_reads_only_the_leaders_of_their_subtree(
    api, leaders_year, tree, outsider_board, provincial
):
    assert _summary(api(provincial), tree.province)["leaders"]["total"] == 1
    client = api(outsider_board)
    assert client.get(f"/api/years/2025/units/{tree.district_a.pk}/summary/").status_code == 404
    assert _summary(client, tree.district_b)["leaders"]["total"] == 0  # zeros, not missing


def test_the_command_writes_the_leaders_section(leaders_year, tree, tmp_path):
    target = tmp_path / "summary.json"
    call_command(
        "export_summary",
        "--year",
        "2025",
        "--org",
        tree.g1.code,
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    leaders = json.loads(target.read_text())["sections"]["leaders"]
    assert leaders["total"] == 1
    assert leaders["prompted"] == {"total": 1, "by_level": {"province": 1, "superior": 1}}


def test_the_schema_describes_the_leaders_section_and_prompts(client, db):
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert "leaders" in components["SummarySections"]["properties"]
    assert "prompted" in components["Section"]["properties"]
