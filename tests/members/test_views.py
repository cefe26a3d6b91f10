import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import (
    MSG_ADMISSION_FUTURE,
    MSG_FULL_BEFORE_ADMISSION,
    DisciplineRecord,
    Member,
    StatusKind,
    StatusPeriod,
)

pytestmark = pytest.mark.django_db


def member_urls(member):
    return [
        reverse("members:member", args=[member.pk]),
        reverse("members:member_edit", args=[member.pk]),
        reverse("members:member_transfer", args=[member.pk]),
    ]


def valid_member(cell, **overrides):
    data = {
        "card_number": "93012345678",
        "full_name": "  Phạm   Thị  Hoa ",
        "birth_date": "17/05/1990",
        "gender": "female",
        "cell": cell.pk,
        "admission_date": "03/02/2015",
        "full_membership_date": "03/02/2016",
    }
    return data | overrides


def test_it_redirects_anonymous_users(client, tree, c1_members):
    urls = [*member_urls(c1_members[0]), reverse("members:member_create", args=[tree.c1.pk])]
    for url in urls:
        assert client.get(url).status_code == 302, url


def test_it_denies_other_district(login, tree, outsider, c1_members):
    client = login(outsider)
    urls = [*member_urls(c1_members[0]), reverse("members:member_create", args=[tree.c1.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, valid_member(tree.c1)).status_code in (404, 405), url
    assert not Member.objects.filter(card_number="93012345678").exists()


def test_a_secretary_reads_members_of_the_cell_but_does_not_edit(
    login, tree, secretary, c1_members
):
    client = login(secretary)
    member = c1_members[0]
    assert client.get(reverse("members:member", args=[member.pk])).status_code == 200
    assert client.get(reverse("members:member_edit", args=[member.pk])).status_code == 403
    assert client.get(reverse("members:member_create", args=[tree.c1.pk])).status_code == 403


def test_a_member_sees_their_own_page_only(login, alice_member, c1_members):
    client = login(alice_member.user)
    assert client.get(reverse("members:member", args=[alice_member.pk])).status_code == 200
    assert client.get(reverse("members:member_edit", args=[alice_member.pk])).status_code == 403
    assert client.get(reverse("members:member", args=[c1_members[0].pk])).status_code == 404


def test_member_page_shows_statuses_discipline_and_formats_dates(
    login, tree, committee, c1_members
):
    member = c1_members[0]
    StatusPeriod.objects.create(
        member=member,
        kind=StatusKind.EXEMPTION,
        start=datetime.date(2024, 3, 1),
        reason="Tuổi cao",
    )
    DisciplineRecord.objects.create(
        member=member, decided_on=datetime.date(2025, 12, 31), form="khien_trach", reason="Vi phạm"
    )
    html = login(committee).get(reverse("members:member", args=[member.pk])).content.decode()
    assert "Miễn công tác và sinh hoạt đảng" in html
    assert "Khiển trách" in html
    assert "31/12/2025" in html and "01/03/2024" in html


def test_a_committee_adds_a_member_to_its_cell(login, tree, committee):
    response = login(committee).post(
        reverse("members:member_create", args=[tree.g1.pk]), valid_member(tree.c2)
    )
    member = Member.objects.get(card_number="93012345678")
    assert response.status_code == 302
    assert member.full_name == "Phạm Thị Hoa"
    assert member.cell == tree.c2
    assert member.admission_date == datetime.date(2015, 2, 3)
    assert member.history.get().history_user == committee


def test_it_refuses_a_cell_outside_the_scope(login, tree, committee):
    response = login(committee).post(
        reverse("members:member_create", args=[tree.g1.pk]), valid_member(tree.c3)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["cell"]
    assert not Member.objects.exists()


def test_it_refuses_an_admission_date_in_the_future(login, tree, committee):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = login(committee).post(
        reverse("members:member_create", args=[tree.g1.pk]),
        valid_member(
            tree.c1, admission_date=tomorrow.strftime("%d/%m/%Y"), full_membership_date=""
        ),
    )
    errors = response.context["form"].errors
    assert errors["admission_date"] == [str(MSG_ADMISSION_FUTURE)]
    assert "tương lai" in errors["admission_date"][0]
    assert not Member.objects.exists()


def test_it_refuses_full_membership_before_admission(login, tree, committee):
    response = login(committee).post(
        reverse("members:member_create", args=[tree.g1.pk]),
        valid_member(tree.c1, full_membership_date="01/01/2015"),
    )
    errors = response.context["form"].errors
    assert errors["full_membership_date"] == [str(MSG_FULL_BEFORE_ADMISSION)]
    assert "ngày vào Đảng" in errors["full_membership_date"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("card_number", "12AB"),
        ("card_number", "123"),
        ("admission_date", "31/02/2020"),
        ("admission_date", "2020-13-01x"),
        ("gender", "robot"),
        ("full_name", ""),
        ("birth_date", "03/02/2015"),
    ],
)
def test_it_refuses_bad_member_input_naming_the_field(login, tree, committee, field, value):
    response = login(committee).post(
        reverse("members:member_create", args=[tree.g1.pk]), valid_member(tree.c1, **{field: value})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Member.objects.exists()


def test_probationary_status_derives_from_the_full_membership_date(tree):
    member = Member(admission_date=datetime.date(2025, 1, 10), full_membership_date=None)
    assert not member.is_full_member(on=datetime.date(2025, 12, 1))
    member.full_membership_date = datetime.date(2026, 1, 10)
    assert not member.is_full_member(on=datetime.date(2025, 12, 1))
    assert member.is_full_member(on=datetime.date(2026, 1, 10))


def test_editing_keeps_the_cell_and_records_the_change(login, tree, committee, c1_members):
    member = c1_members[0]
    data = valid_member(tree.c3, card_number=member.card_number, full_name="Nguyễn Văn Mới")
    login(committee).post(reverse("members:member_edit", args=[member.pk]), data)
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Văn Mới"
    assert member.cell == tree.c1
    assert member.history.first().history_user == committee


def test_a_transfer_moves_the_member_and_keeps_history(login, tree, committee, c1_members):
    member = c1_members[0]
    client = login(committee)
    response = client.post(
        reverse("members:member_transfer", args=[member.pk]),
        {"to_cell": tree.c2.pk, "on": "15/06/2025", "reason": "Chuyển nơi cư trú"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.cell == tree.c2
    transfer = member.transfers.get()
    assert (transfer.from_cell, transfer.to_cell, transfer.recorded_by) == (
        tree.c1,
        tree.c2,
        committee,
    )
    latest = member.history.first()
    assert latest.history_change_reason == "Chuyển nơi cư trú"
    assert latest.prev_record.cell_id == tree.c1.pk
    html = client.get(reverse("members:member", args=[member.pk])).content.decode()
    assert "15/06/2025" in html and "Chuyển nơi cư trú" in html


def test_a_transfer_outside_the_scope_is_refused(login, tree, committee, c1_members):
    member = c1_members[0]
    response = login(committee).post(
        reverse("members:member_transfer", args=[member.pk]),
        {"to_cell": tree.c3.pk, "on": "15/06/2025", "reason": "x"},
    )
    assert response.context["form"].errors["to_cell"]
    member.refresh_from_db()
    assert member.cell == tree.c1
    assert not member.transfers.exists()


def test_the_member_page_reads_a_decided_year_and_its_decision_in_the_same_queries(
    login, period, tree, secretary, committee
):
    """Issue 18: the decision's number names its year; the year was read once per decided
    year (an N+1 of the member's years)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..assessment.test_decisions import decided_cell
    from ..factories import MemberFactory

    cell_year = decided_cell(period, tree.c1, secretary, committee, 2, {"HTTNV": 2})
    decided = cell_year.assessments.filter(decision__isnull=False).first()
    undecided = MemberFactory(cell=tree.c1)  # joined since: no record this year
    client = login(committee)

    def queries(member) -> int:
        url = reverse("members:member", args=[member.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    assert decided is not None
    assert queries(decided.member) == queries(undecided)
