import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from members.access import get_member_for_user, visible_members
from organizations.access import (
    can_manage,
    get_organization_for_user,
    visible_organizations,
)
from organizations.models import Assignment, Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_a_role_covers_the_units_subtree(tree, committee, district_board, provincial):
    assert codes(visible_organizations(committee)) == ["C1", "C2", "G1"]
    assert codes(visible_organizations(district_board)) == ["A", "C1", "C2", "G1"]
    assert len(codes(visible_organizations(provincial))) == 9


def test_a_secretary_sees_the_cell_but_manages_nothing(tree, secretary):
    assert codes(visible_organizations(secretary)) == ["C1"]
    assert codes(visible_organizations(secretary, write=True)) == []
    assert not can_manage(secretary, tree.c1)


def test_missing_and_foreign_objects_answer_the_same_404(tree, outsider, c1_members):
    for pk in (tree.c1.pk, 10**9):
        with pytest.raises(Http404):
            get_organization_for_user(outsider, pk)
    for pk in (c1_members[0].pk, 10**9):
        with pytest.raises(Http404):
            get_member_for_user(outsider, pk)


def test_a_member_sees_only_their_own_record(tree, alice_member, c1_members):
    assert list(visible_members(alice_member.user)) == [alice_member]
    assert list(visible_members(alice_member.user, write=True)) == []
    assert codes(visible_organizations(alice_member.user)) == []


def test_an_inactive_assignment_gives_nothing(tree, committee):
    Assignment.objects.filter(user=committee).update(is_active=False)
    committee = type(committee).objects.get(pk=committee.pk)
    assert codes(visible_organizations(committee)) == []


def test_an_administrator_sees_everything(tree, administrator, c1_members, c3_member):
    assert len(codes(visible_organizations(administrator))) == 9
    assert visible_members(administrator).count() == 4


def test_a_user_without_a_role_sees_nothing(tree, c1_members):
    user = UserFactory()
    assert codes(visible_organizations(user)) == []
    assert list(visible_members(user)) == []


def test_a_role_is_given_only_on_its_kind_of_unit(tree):
    user = UserFactory()
    wrong = Assignment(user=user, role=Role.CELL_SECRETARY, organization=tree.g1)
    with pytest.raises(ValidationError) as error:
        wrong.full_clean()
    assert "không thể được giao" in str(error.value)
    Assignment(user=user, role=Role.GRASSROOTS_COMMITTEE, organization=tree.gc).full_clean()
