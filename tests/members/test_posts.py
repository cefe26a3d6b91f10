"""A member's posts over time decide the framework they are reviewed under (issue 14 item 5)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members.models import FrameworkKind, Post, PostKind, framework_on
from members.models_posts import led_organizations_on
from tests.factories import MemberFactory

DAY = datetime.date(2025, 12, 1)


def post(member, kind, *, start=datetime.date(2021, 1, 1), end=None, **fields):
    return Post.objects.create(
        member=member,
        kind=kind,
        title=fields.pop("title", "Chức vụ"),
        start=start,
        end=end,
        **fields,
    )


@pytest.fixture
def member(tree):
    return MemberFactory(cell=tree.c1)


def test_a_member_without_posts_keeps_the_flags_typed_on_their_record(tree):
    assert framework_on(MemberFactory(cell=tree.c1), DAY) == FrameworkKind.MEMBER
    leader = MemberFactory(cell=tree.c1, holds_leadership_post=True)
    assert framework_on(leader, DAY) == FrameworkKind.LEADER
    retired = MemberFactory(cell=tree.c1, outside_political_system=True)
    assert framework_on(retired, DAY) == FrameworkKind.OUTSIDE


def test_a_leadership_post_held_on_the_day_makes_a_leader_2a(member, tree):
    post(member, PostKind.PARTY, title="Bí thư Đảng ủy", leadership=True, organization=tree.g1)
    assert framework_on(member, DAY) == FrameworkKind.LEADER


@pytest.mark.parametrize("kind", [PostKind.GOVERNMENT, PostKind.MASS_ORGANIZATION])
def test_government_and_mass_organization_leaders_are_leaders_too(member, kind):
    post(member, kind, title="Chủ tịch", leadership=True)
    assert framework_on(member, DAY) == FrameworkKind.LEADER


def test_a_post_that_ended_before_the_day_no_longer_counts(member, tree):
    """The flags typed on the record do not come back once posts are recorded."""
    member.holds_leadership_post = True
    member.save()
    post(member, PostKind.PARTY, leadership=True, end=datetime.date(2025, 6, 30))
    post(member, PostKind.WORK_UNIT, title="Chuyên viên", unit_name="UBND xã")
    assert framework_on(member, DAY) == FrameworkKind.MEMBER
    assert framework_on(member, datetime.date(2025, 6, 30)) == FrameworkKind.LEADER


def test_a_post_starting_after_the_day_does_not_count_yet(member):
    post(member, PostKind.GOVERNMENT, leadership=True, start=datetime.date(2025, 12, 2))
    assert framework_on(member, DAY) == FrameworkKind.MEMBER


def test_a_work_unit_outside_the_political_system_makes_2c(member):
    post(member, PostKind.WORK_UNIT, title="Nghỉ hưu", outside_political_system=True)
    assert framework_on(member, DAY) == FrameworkKind.OUTSIDE


def test_a_leadership_post_wins_over_a_private_work_unit(member):
    post(member, PostKind.WORK_UNIT, title="Giám đốc", outside_political_system=True)
    post(member, PostKind.MASS_ORGANIZATION, title="Chủ tịch Hội", leadership=True)
    assert framework_on(member, DAY) == FrameworkKind.LEADER


def test_a_non_leadership_post_is_a_member_without_a_post_2b(member):
    post(member, PostKind.PARTY, title="Đảng ủy viên", leadership=False)
    assert framework_on(member, DAY) == FrameworkKind.MEMBER


def test_the_units_led_are_those_of_leadership_party_posts_on_the_day(member, tree):
    post(member, PostKind.PARTY, leadership=True, organization=tree.g1)
    post(member, PostKind.PARTY, leadership=False, organization=tree.c2)
    post(
        member, PostKind.PARTY, leadership=True, organization=tree.g2, end=datetime.date(2024, 1, 1)
    )
    assert led_organizations_on(member, DAY) == [tree.g1]


def test_a_post_ending_before_it_starts_or_a_leading_work_unit_is_refused(member):
    bad = Post(
        member=member,
        kind=PostKind.WORK_UNIT,
        title="Chuyên viên",
        leadership=True,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert set(error.value.message_dict) == {"end", "leadership"}


def test_posts_keep_their_history(member):
    held = post(member, PostKind.PARTY, leadership=True)
    held.end = datetime.date(2025, 3, 1)
    held.save()
    assert [h.end for h in held.history.order_by("history_id")] == [None, datetime.date(2025, 3, 1)]
