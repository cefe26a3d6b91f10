"""Issue 15 item 7 through HTTP: the district's board forms a working group, records who attended
a unit's review meeting, a stale row is refused; the progress dashboard lists the units still
without an attending official; the other district sees none of it."""

import pytest
from django.urls import reverse

from assessment.models import WorkingGroup, WorkingGroupUnit

pytestmark = pytest.mark.django_db


def form_group(client, tree, **extra):
    return client.post(
        reverse("assessment:working_groups", args=[2025, tree.district_a.pk]),
        {
            "name": "Tổ công tác số 1",
            "officials": "Nguyễn Văn An — Phó Bí thư Huyện ủy\nTrần Thị Bình, Trưởng Ban Tổ chức",
            "units": [str(tree.g1.pk)],
            **extra,
        },
    )


def test_the_board_forms_a_group_and_records_the_attendee(login, period, tree, district_board):
    client = login(district_board)
    assert form_group(client, tree).status_code == 302
    group = WorkingGroup.objects.get()
    assert [o.title for o in group.officials.all()] == ["Phó Bí thư Huyện ủy", "Trưởng Ban Tổ chức"]
    row = WorkingGroupUnit.objects.get()
    url = reverse("assessment:working_group_unit", args=[2025, row.pk])
    official = group.officials.first()
    data = {
        f"row{row.pk}-attendee": official.pk,
        f"row{row.pk}-meeting_on": "2025-12-15",
        f"row{row.pk}-conclusion": "Hội nghị đúng quy trình, tự phê bình nghiêm túc.",
        f"row{row.pk}-version": 1,
    }
    assert client.post(url, data).status_code == 302
    row.refresh_from_db()
    assert (row.attendee, row.meeting_on.isoformat(), row.version) == (official, "2025-12-15", 2)
    page = client.get(reverse("assessment:working_groups", args=[2025, tree.district_a.pk]))
    assert "tự phê bình nghiêm túc" in page.content.decode()
    # The same form again, loaded at version 1: a conflict, the row keeps its values.
    data[f"row{row.pk}-conclusion"] = "Khác"
    answer = client.post(url, data, follow=True)
    assert "vừa được người khác thay đổi" in answer.content.decode()
    row.refresh_from_db()
    assert row.conclusion.startswith("Hội nghị")


def test_a_refused_group_says_why_on_the_form(login, period, tree, district_board):
    answer = form_group(login(district_board), tree, officials="— chỉ có chức vụ")
    assert answer.status_code == 200
    assert "Dòng 1" in answer.content.decode()
    assert not WorkingGroup.objects.exists()


def test_the_board_changes_a_group(login, period, tree, district_board):
    client = login(district_board)
    form_group(client, tree)
    group = WorkingGroup.objects.get()
    url = reverse("assessment:working_group", args=[2025, group.pk])
    assert "Trần Thị Bình — Trưởng Ban Tổ chức" in client.get(url).content.decode()
    answer = client.post(
        url,
        {"name": "Tổ số 1", "officials": "Lê Văn Cường", "units": [], "version": 1},
    )
    assert answer.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.version, group.units.count()) == ("Tổ số 1", 2, 0)
    assert group.history.first().history_user == district_board


def test_the_dashboard_lists_units_without_an_attending_official(
    login, period, tree, district_board, provincial
):
    client = login(district_board)
    dashboard = reverse("reports:progress", args=[2025, tree.district_a.pk])
    page = client.get(dashboard).content.decode()
    assert 'data-testid="without-attendee-total">1<' in page and tree.g1.name in page
    form_group(client, tree)
    row = WorkingGroupUnit.objects.get()
    client.post(
        reverse("assessment:working_group_unit", args=[2025, row.pk]),
        {f"row{row.pk}-attendee": row.group.officials.first().pk, f"row{row.pk}-version": 1},
    )
    page = client.get(dashboard).content.decode()
    assert 'data-testid="without-attendee-total">0<' in page
    province = login(provincial).get(reverse("reports:progress", args=[2025, tree.province.pk]))
    assert 'data-testid="without-attendee-total">2<' in province.content.decode()  # G2, GC


def test_the_other_district_sees_no_group(login, period, tree, district_board, outsider_board):
    form_group(login(district_board), tree)
    group = WorkingGroup.objects.get()
    client = login(outsider_board)
    assert client.get(reverse("assessment:working_group", args=[2025, group.pk])).status_code == 404
    url = reverse("assessment:working_groups", args=[2025, tree.district_a.pk])
    assert client.get(url).status_code == 404
    row = WorkingGroupUnit.objects.get()
    answer = client.post(reverse("assessment:working_group_unit", args=[2025, row.pk]), {})
    assert answer.status_code == 404
