"""The province edits its year's frameworks (issue 14 item 2; R1: a closed year keeps its
rules), and the deciding committee records R5's grounds on a member's year (item 3)."""

import json

import pytest
from django.urls import reverse

from assessment import cell_year as work
from assessment.models import Framework
from assessment.services import period_close, period_create
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def post_framework(client, year, code, framework, **changes):
    data = {
        "version": framework.version,
        "criteria": json.dumps(framework.criteria, ensure_ascii=False),
        "level_conditions": json.dumps(framework.level_conditions, ensure_ascii=False),
        "grounds": json.dumps(framework.grounds, ensure_ascii=False),
        "quarterly": "on" if framework.quarterly else "",
    } | changes
    return client.post(reverse("assessment:framework", args=[year, code]), data)


def test_the_board_edits_its_open_years_framework_with_history(login, period, provincial):
    framework = Framework.objects.get(rule_set=period.rule_set, code="leader")
    grounds = [*framework.grounds[:3], {"code": "x_local", "vi": "Căn cứ của tỉnh", "en": "Local"}]
    response = post_framework(
        login(provincial),
        2025,
        "leader",
        framework,
        grounds=json.dumps(grounds, ensure_ascii=False),
    )
    assert response.status_code == 302
    framework.refresh_from_db()
    assert [g["code"] for g in framework.grounds][-1] == "x_local" and framework.version == 2
    assert framework.history.first().history_user == provincial
    page = login(provincial).get(reverse("assessment:framework", args=[2025, "leader"]))
    assert "Căn cứ của tỉnh" in page.content.decode()


def test_points_that_do_not_add_up_are_refused_and_nothing_is_written(login, period, provincial):
    framework = Framework.objects.get(rule_set=period.rule_set, code="leader")
    criteria = json.loads(json.dumps(framework.criteria))
    criteria[1]["items"][0]["max_points"] = 45  # 45 + 30 = 75, not 70
    response = post_framework(
        login(provincial), 2025, "leader", framework, criteria=json.dumps(criteria)
    )
    text = response.content.decode()
    assert response.status_code == 200 and "75" in text
    framework.refresh_from_db()
    assert framework.version == 1


def test_a_typing_error_in_the_json_is_named(login, period, provincial):
    framework = Framework.objects.get(rule_set=period.rule_set, code="member")
    response = post_framework(login(provincial), 2025, "member", framework, grounds="[{")
    assert response.status_code == 200 and "JSON" in response.content.decode()


def test_a_closed_years_rules_are_not_edited(login, period, provincial):
    period_close(period=period, by=provincial)
    framework = Framework.objects.get(rule_set=period.rule_set, code="member")
    response = post_framework(login(provincial), 2025, "member", framework, grounds="[]")
    assert response.status_code == 200 and "2025" in response.content.decode()
    framework.refresh_from_db()
    assert framework.version == 1 and framework.grounds


def test_the_next_years_clone_is_edited_apart_from_the_past(login, period, provincial):
    period_create(year=2026, by=None)
    framework = Framework.objects.get(rule_set__code="QD366-2025-2026", code="member")
    assert (
        post_framework(login(provincial), 2026, "member", framework, grounds="[]").status_code
        == 302
    )
    assert Framework.objects.get(rule_set=period.rule_set, code="member").grounds


def test_the_committee_records_a_ground_on_a_members_year(
    login, period, tree, committee, secretary
):
    member = MemberFactory(cell=tree.c1)
    assessment = work.cell_year_open(period=period, cell=tree.c1).assessments.get(member=member)
    url = reverse("assessment:member_grounds", args=[assessment.pk])
    login(secretary).post(url, {"code": "degradation", "note": "x"})
    assert not assessment.ground_flags.exists()  # only the deciding committee
    client = login(committee)
    client.post(url, {"code": "degradation", "note": "Kết luận 07-KL/UBKT"})
    page = client.get(reverse("assessment:self_review", args=[assessment.pk])).content.decode()
    assert "Kết luận 07-KL/UBKT" in page and "suy thoái" in page
