"""The pages of leadership collectives (issue 14 item 1), through Django's client."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from assessment import collectives
from assessment.models import CellState, CollectiveAssessment, Decision, DecisionKind
from organizations.models import CollectiveKind, CollectiveSeat, LeadershipCollective, SeatRole

from ..factories import MemberFactory
from ..messages import says
from .tables import table_post

pytestmark = pytest.mark.django_db


def _post(client, name, *args, data=None, follow=False):
    return client.post(reverse(f"assessment:{name}", args=args), data or {}, follow=follow)


def test_a_committee_and_its_board_take_a_collective_from_creation_to_decision(
    client, tree, period, level, committee, district_board, outsider
):
    members = MemberFactory.create_batch(3, cell=tree.c1)
    client.force_login(committee)
    _post(
        client,
        "unit_collectives",
        2025,
        tree.g1.pk,
        data={"kind": CollectiveKind.PARTY_COMMITTEE, "name": "Ban Chấp hành Đảng bộ xã G1"},
    )
    collective = LeadershipCollective.objects.get(organization=tree.g1)
    for i, member in enumerate(members):
        response = _post(
            client,
            "collective_seat",
            2025,
            collective.pk,
            data={
                "member": member.pk,
                "role": SeatRole.HEAD if i == 0 else SeatRole.MEMBER,
                "start": "01/10/2020",
            },
        )
        assert response.status_code == 302
    assert CollectiveSeat.objects.filter(collective=collective).count() == 3

    _post(client, "collective_open", 2025, collective.pk)
    row = CollectiveAssessment.objects.get(collective=collective)
    _post(
        client,
        "collective_review",
        2025,
        collective.pk,
        data={
            "version": row.version,
            "strengths": "Lãnh đạo hoàn thành nghị quyết.",
            "self_score": "86",
        },
    )
    row.refresh_from_db()
    response = _post(
        client,
        "collective_meeting",
        2025,
        collective.pk,
        data={
            "version": row.version,
            "held_on": "05/12/2025",
            "present": "3",
            "votes_HTTNV": "3",
        },
        follow=True,
    )
    assert "3/3" in response.content.decode()
    response = _post(client, "collective_submit", 2025, collective.pk, follow=True)
    row.refresh_from_db()
    assert row.state == CellState.SUBMITTED and row.proposed_level == level["HTTNV"]

    # the outsider sees nothing of it; the committee cannot decide it
    client.force_login(outsider)
    assert (
        client.get(reverse("assessment:collective_year", args=[2025, collective.pk])).status_code
        == 404
    )
    client.force_login(committee)
    url = reverse("assessment:collectives_decide", args=[2025, tree.district_a.pk])
    assert client.get(url).status_code == 404

    client.force_login(district_board)
    page = client.get(url)
    assert collective.name in page.content.decode()
    client.post(url, table_post(page, {row.pk: {"level": level["HTTNV"].pk}}))
    response = _post(
        client,
        "collectives_issue",
        2025,
        tree.district_a.pk,
        data={"signed_on": "20/12/2025", "signer_name": "Lê Văn Ký", "signer_title": "Bí thư"},
        follow=True,
    )
    decision = Decision.objects.get(kind=DecisionKind.COLLECTIVES)
    row.refresh_from_db()
    assert row.state == CellState.DECIDED and row.decision == decision
    page = client.get(reverse("assessment:collective_year", args=[2025, collective.pk]))
    assert level["HTTNV"].name in page.content.decode()
    document = client.get(reverse("assessment:decision_document", args=[decision.pk, "docx"]))
    assert document.status_code == 200 and len(document.content) > 1000


def test_the_meeting_form_names_the_field_of_a_bad_count(client, tree, period, committee):
    collective = LeadershipCollective.objects.create(
        organization=tree.g1, kind=CollectiveKind.PARTY_COMMITTEE, name="BCH G1"
    )
    CollectiveSeat.objects.create(
        collective=collective, member=MemberFactory(cell=tree.c1), start="2020-01-01"
    )
    client.force_login(committee)
    _post(client, "collective_open", 2025, collective.pk)
    response = _post(
        client,
        "collective_meeting",
        2025,
        collective.pk,
        data={"held_on": "05/12/2025", "present": "5"},
        follow=True,
    )
    with translation.override("vi"):
        assert says(collectives.MSG_PRESENT_ABOVE_SEATS, response.content.decode())
    assert CollectiveAssessment.objects.get(collective=collective).meeting_present is None


def test_the_unit_marks_its_collective_new_and_form_6f_counts_it_not_reviewed(
    client, login, tree, period, committee, outsider_board
):
    from reports.review_counts import review_counts_build
    from reports.summary import summary_build

    collective = LeadershipCollective.objects.create(
        organization=tree.g1, kind=CollectiveKind.STANDING_COMMITTEE, name="BTV Đảng ủy xã G1"
    )
    login(committee)
    client.post(reverse("assessment:collective_open", args=[2025, collective.pk]))
    row = collective.assessments.get()
    page = reverse("assessment:collective_year", args=[2025, collective.pk])
    assert 'data-testid="save-collective-status"' in client.get(page).content.decode()
    url = reverse("assessment:collective_status", args=[2025, collective.pk])
    response = client.post(url, {"status": "kpl:moi_thanh_lap", "version": row.version})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.reason_code, row.version) == ("kpl", "moi_thanh_lap", 2)
    assert row.history.first().history_user == committee
    assert "Tổ chức mới thành lập" in client.get(page).content.decode()
    rows = review_counts_build(summary_build(unit=tree.g1, period=period)).rows()
    assert {r.key: r.values[0] for r in rows}["3.1"] == 1
    # a stale version is refused and changes nothing
    client.post(url, {"status": "assess:", "version": 1})
    row.refresh_from_db()
    assert row.status == "kpl"

    login(outsider_board)
    assert client.post(url, {"status": "assess:", "version": 2}).status_code == 404


def _decide_link(client, unit, year=2025):
    """The deciding page the unit's collectives page links to, and the link's text (or None)."""
    html = client.get(reverse("assessment:unit_collectives", args=[year, unit.pk])).content
    found = re.search(
        r'<a href="([^"]+)" data-testid="collectives-decide-link">(.*?)</a>', html.decode()
    )
    return found.groups() if found else None


def test_the_collectives_page_links_to_the_deciding_page_only_for_who_may_open_it(
    client, tree, period, district_board, provincial, committee
):
    # the province's board sees district A, whose collectives district A's own board decides
    client.force_login(provincial)
    assert _decide_link(client, tree.district_a) is None
    assert (
        client.get(
            reverse("assessment:collectives_decide", args=[2025, tree.district_a.pk])
        ).status_code
        == 403
    )
    # district A's board sees G1, whose cells' collectives G1's committee decides
    client.force_login(district_board)
    assert _decide_link(client, tree.g1) is None
    href, text = _decide_link(client, tree.district_a)
    assert client.get(href).status_code == 200
    # district A's own collectives are decided by the province: the link claims those below
    assert text == "Xếp loại các tập thể lãnh đạo, quản lý của các đơn vị cấp dưới"
    client.force_login(committee)
    href, _text = _decide_link(client, tree.g1)
    assert client.get(href).status_code == 200
    client.force_login(provincial)
    href, text = _decide_link(client, tree.province)  # the province decides its own as well
    assert client.get(href).status_code == 200
    assert "của đơn vị này và của các đơn vị cấp dưới" in text


def test_the_deciding_page_counts_the_quota_in_leadership_collectives(
    client, tree, period, district_board
):
    client.force_login(district_board)
    page = client.get(reverse("assessment:collectives_decide", args=[2025, tree.district_a.pk]))
    counts = re.search(r'data-testid="quota-counts">(.*?)</p>', page.content.decode(), re.S)
    text = " ".join(counts.group(1).split())
    assert text.startswith(
        "0 tập thể lãnh đạo, quản lý hoàn thành xuất sắc nhiệm vụ trên cơ sở 0 tập thể lãnh đạo"
    )
    assert "tổ chức đảng" not in text
