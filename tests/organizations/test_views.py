import pytest
from django.urls import reverse

from members.models import Member
from organizations.models import MSG_PARENT_KIND, Kind, Organization

from ..factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def unit_urls(unit):
    return [
        reverse("organizations:unit", args=[unit.pk]),
        reverse("organizations:subtree", args=[unit.pk]),
        reverse("organizations:unit_create", args=[unit.pk]),
        reverse("organizations:unit_edit", args=[unit.pk]),
    ]


def test_it_redirects_anonymous_users_to_login(client, tree):
    for url in [reverse("home"), reverse("organizations:tree"), *unit_urls(tree.c1)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_the_login_page_speaks_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_it_denies_other_district(login, tree, outsider):
    client = login(outsider)
    for unit in (tree.c1, tree.g1, tree.district_a, tree.province):
        for url in unit_urls(unit):
            assert client.get(url).status_code == 404, url
            answer = client.post(url, {"code": "X", "name": "X", "kind": "x"}).status_code
            assert answer in (404, 405), url  # 405: a read-only page refuses before any lookup


def test_the_other_district_board_cannot_see_district_a(login, tree, outsider_board):
    client = login(outsider_board)
    assert client.get(reverse("organizations:unit", args=[tree.g1.pk])).status_code == 404
    assert client.get(reverse("organizations:unit", args=[tree.g2.pk])).status_code == 200


def test_a_secretary_reads_but_cannot_change_their_cell(login, tree, secretary):
    client = login(secretary)
    assert client.get(reverse("organizations:unit", args=[tree.c1.pk])).status_code == 200
    assert client.get(reverse("organizations:unit_edit", args=[tree.c1.pk])).status_code == 403
    assert client.get(reverse("organizations:unit", args=[tree.g1.pk])).status_code == 404


def test_a_member_sees_no_unit(login, tree, alice_member):
    client = login(alice_member.user)
    assert client.get(reverse("organizations:unit", args=[tree.c1.pk])).status_code == 404
    home = client.get(reverse("home")).content.decode()
    assert alice_member.full_name in home


def test_the_top_bar_offers_the_tree_only_to_who_has_units_in_scope(
    login, tree, alice_member, secretary
):
    """A plain member's tree would only say they manage no unit: the top bar leaves it out."""
    home = login(alice_member.user).get(reverse("home")).content.decode()
    assert 'data-testid="tree-link"' not in home
    assert reverse("organizations:tree") not in home
    home = login(secretary).get(reverse("home")).content.decode()
    assert f'data-testid="tree-link" href="{reverse("organizations:tree")}"' in home
    assert tree.c1.name in login(secretary).get(reverse("organizations:tree")).content.decode()


def test_home_lists_the_users_units_with_counts(login, tree, committee, c1_members, c3_member):
    response = login(committee).get(reverse("home"))
    rows = response.context["rows"]
    assert [(a.organization, c.cells, c.members) for a, c in rows] == [(tree.g1, 2, 3)]
    assert tree.g2.name not in response.content.decode()


def test_tree_shows_only_the_users_subtree_with_counts(login, tree, district_board, c1_members):
    MemberFactory(cell=tree.c2)
    MemberFactory(cell=tree.c3)
    response = login(district_board).get(reverse("organizations:tree"))
    [(root, rows, last_depth)] = response.context["trees"]
    assert root == tree.district_a
    counts = {node.code: (c.cells, c.members) for node, c in rows}
    assert counts == {"A": (2, 4), "G1": (2, 4), "C1": (1, 3), "C2": (1, 1)}
    assert last_depth >= tree.c1.depth
    assert "/tree/" + str(tree.g1.pk) not in response.content.decode()  # all of it fits


def test_a_large_tree_shows_fewer_levels_and_links_to_branches(
    login, tree, provincial, monkeypatch
):
    monkeypatch.setattr("reports.views_units.TREE_MAX_ROWS", 3)
    response = login(provincial).get(reverse("organizations:tree"))
    [(root, rows, last_depth)] = response.context["trees"]
    assert [node.code for node, _ in rows] == ["P", "A", "B"]
    assert last_depth == tree.district_a.depth
    assert reverse("organizations:subtree", args=[tree.district_a.pk]) in response.content.decode()


def test_a_left_member_is_not_counted(login, tree, committee, c1_members):
    Member.objects.filter(pk=c1_members[0].pk).update(left_on="2024-01-01")
    response = login(committee).get(reverse("organizations:unit", args=[tree.g1.pk]))
    assert response.context["counts"].members == 2


def test_unit_page_lists_members_and_searches(login, tree, committee, c1_members):
    client = login(committee)
    page = client.get(reverse("organizations:unit", args=[tree.g1.pk]))
    assert {m.pk for m in page.context["page"]} == {m.pk for m in c1_members}
    found = client.get(
        reverse("organizations:unit", args=[tree.g1.pk]), {"q": c1_members[1].card_number}
    )
    assert [m.pk for m in found.context["page"]] == [c1_members[1].pk]


def test_a_board_adds_a_cell_under_a_committee(login, tree, district_board):
    response = login(district_board).post(
        reverse("organizations:unit_create", args=[tree.g1.pk]),
        {"code": "c9", "name": "Chi bộ thôn 9", "kind": Kind.SUBORDINATE_CELL},
    )
    unit = Organization.objects.get(code="C9")
    assert response.status_code == 302
    assert Organization.objects.get_parent(unit) == tree.g1
    assert unit.history.get().history_user == district_board


def test_it_refuses_a_cell_under_a_province(login, tree, provincial):
    response = login(provincial).post(
        reverse("organizations:unit_create", args=[tree.province.pk]),
        {"code": "X1", "name": "Chi bộ sai chỗ", "kind": Kind.SUBORDINATE_CELL},
    )
    assert response.status_code == 200
    assert not Organization.objects.filter(code="X1").exists()
    expected = str(MSG_PARENT_KIND) % {"kind": "Chi bộ trực thuộc", "parent": "Tỉnh ủy"}
    assert expected in response.content.decode()
    assert "không thể đặt dưới" in expected


@pytest.mark.parametrize("code", ["có dấu", "A B", "", "x" * 41, "-lead"])
def test_it_refuses_invalid_codes(login, tree, provincial, code):
    response = login(provincial).post(
        reverse("organizations:unit_create", args=[tree.province.pk]),
        {"code": code, "name": "Đảng ủy mới", "kind": Kind.SUPERIOR},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert Organization.objects.count() == 9


def test_it_refuses_a_duplicate_code(login, tree, provincial):
    response = login(provincial).post(
        reverse("organizations:unit_create", args=[tree.province.pk]),
        {"code": "g1", "name": "Trùng mã", "kind": Kind.SUPERIOR},
    )
    assert "đã tồn tại" in response.context["form"].errors["code"][0]


def test_it_refuses_an_end_before_the_start(login, tree, provincial):
    response = login(provincial).post(
        reverse("organizations:unit_edit", args=[tree.c1.pk]),
        {
            "code": "C1",
            "name": "Chi bộ thôn 1",
            "active_from": "01/07/2025",
            "active_to": "30/06/2025",
        },
    )
    assert response.context["form"].errors["active_to"]


def test_editing_a_unit_records_who_changed_it(login, tree, district_board):
    login(district_board).post(
        reverse("organizations:unit_edit", args=[tree.c1.pk]),
        {"code": "C1", "name": "Chi bộ thôn Một", "active_from": "01/01/2020"},
    )
    tree.c1.refresh_from_db()
    assert tree.c1.name == "Chi bộ thôn Một"
    assert str(tree.c1.active_from) == "2020-01-01"
    latest = tree.c1.history.first()
    assert latest.history_user == district_board
    assert latest.prev_record.name == "Chi bộ thôn 1"


def _grow(tree, cells: int, members_per_cell: int) -> None:
    for i in range(cells):
        cell = OrganizationFactory(parent=tree.g1)
        MemberFactory.create_batch(members_per_cell, cell=cell)
        if i % 2:
            OrganizationFactory(kind=Kind.PARTIAL_COMMITTEE, parent=tree.g1)


def _queries(client, url, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["organizations:tree", "organizations:unit"])
def test_page_queries_do_not_grow_with_units_or_members(
    login, tree, district_board, name, django_assert_max_num_queries
):
    client = login(district_board)
    url = reverse(name) if name.endswith("tree") else reverse(name, args=[tree.g1.pk])
    _grow(tree, cells=2, members_per_cell=2)
    small = _queries(client, url, django_assert_max_num_queries)
    _grow(tree, cells=30, members_per_cell=20)
    large = _queries(client, url, django_assert_max_num_queries)
    assert small == large


def test_a_member_is_led_from_home_to_their_own_self_review(login, period, tree, alice_member):
    from assessment.cell_year import cell_year_open

    cell_year_open(period=period, cell=tree.c1)  # the cell opens its year (issue 12, fault 8)
    response = login(alice_member.user).get(reverse("home"))
    assessment = response.context["own_assessment"]
    assert assessment.member == alice_member
    url = reverse("assessment:self_review", args=[assessment.pk])
    assert url in response.content.decode()
    assert login(alice_member.user).get(url).status_code == 200
