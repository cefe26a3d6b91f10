import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from assessment.models import Quarter, QuarterAssessment
from members.models import DisciplineRecord, Member, Post, StatusPeriod
from organizations.models import Assignment, CollectiveSeat, Kind, Organization, Role
from reports.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(
            Member.objects.order_by("card_number").values_list(
                "card_number", "full_name", "cell__code"
            )
        )
        + list(  # issue 14: the posts, the seats they give and the leaders' quarters
            Post.objects.order_by("member__card_number", "kind", "title").values_list(
                "member__card_number", "kind", "title", "organization__code", "leadership"
            )
        )
        + list(
            CollectiveSeat.objects.order_by("collective__name", "member__card_number").values_list(
                "collective__name", "member__card_number", "role"
            )
        )
        + list(
            QuarterAssessment.objects.order_by(
                "quarter__number", "member__card_number"
            ).values_list(
                "quarter__number",
                "member__card_number",
                "state",
                "self_score",
                "decided_level__code",
            )
        )
    )


def test_tiny_has_every_kind_and_role_and_realistic_members():
    call_command("seed_demo", "--scale", "tiny", "--year", "2025", "--seed", "1")
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert kinds == set(Kind.values) - {Kind.NATION}  # a province's demo has no country root
    assert Organization.objects.filter(kind=Kind.SUPERIOR).count() == 2
    assert 15 <= Organization.objects.cells().count() <= 30
    assert 200 <= Member.objects.count() <= 400
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert Member.objects.filter(full_membership_date__isnull=True).exists()  # probationary
    assert StatusPeriod.objects.exists() and DisciplineRecord.objects.exists()
    assert Member.objects.filter(holds_leadership_post=True).exists()
    # Issue 14 item 5: posts make the frameworks; every cell has its secretary's party post.
    import datetime

    from members.models import FrameworkKind, framework_on

    day = datetime.date(2025, 12, 1)
    members = Member.objects.current().prefetch_related("posts")
    assert {framework_on(m, day) for m in members} == set(FrameworkKind) - {"collective"}
    for cell in Organization.objects.cells():
        assert Post.objects.filter(organization=cell, title="Bí thư Chi bộ").exists(), cell
    leaders = {m.pk for m in members if framework_on(m, day) == FrameworkKind.LEADER}
    assert leaders == set(
        Member.objects.current().filter(holds_leadership_post=True).values_list("pk", flat=True)
    )  # the flag follows the posts
    assert Member.objects.filter(is_state_employee=True).exists()
    roles = set(Assignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    for username in Assignment.objects.values_list("user__username", flat=True):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None


def test_the_same_seed_gives_the_same_data():
    call_command("seed_demo", "--scale", "tiny", "--seed", "7", "--quarters", "20")
    first = snapshot()
    from assessment.models import CollectiveAssessment, Decision
    from organizations.models import LeadershipCollective

    QuarterAssessment.objects.all().delete()  # the leaders' quarters (R27) hold their members
    Quarter.objects.all().delete()
    CollectiveAssessment.objects.all().delete()  # the year's collectives are decided (issue 14)
    Decision.objects.all().delete()
    LeadershipCollective.objects.all().delete()  # its seats with it; they protect the members
    Assignment.objects.all().delete()
    Member.objects.all().delete()
    Organization.objects.all().delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.all().delete()
    call_command("seed_demo", "--scale", "tiny", "--seed", "7", "--quarters", "20")
    assert snapshot() == first
    assert any(row[1].startswith("Nguyễn ") for row in first if len(row) == 3)
    assert Post.objects.exists() and CollectiveSeat.objects.exists()


def test_it_refuses_a_database_that_has_data_unless_told_to_skip():
    call_command("seed_demo", "--scale", "tiny")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "tiny")
    call_command("seed_demo", "--scale", "tiny", "--skip-if-present")
    assert Organization.objects.filter(kind=Kind.PROVINCE).count() == 1


def test_each_demo_account_sees_only_its_own_subtree(client):
    from django.urls import reverse

    from members.access import visible_members

    call_command("seed_demo", "--scale", "tiny")
    for assignment in Assignment.objects.select_related("user", "organization"):
        user, unit = assignment.user, assignment.organization
        assert client.login(username=user.username, password=DEMO_PASSWORD)
        assert client.get(reverse("home")).status_code == 200
        if assignment.role == Role.MEMBER:
            assert list(visible_members(user)) == [user.member]
        elif assignment.role != Role.ADMINISTRATOR:
            tree = client.get(reverse("organizations:tree")).context["trees"]
            assert [root for root, _, _ in tree] == [unit]
            outside = Organization.objects.exclude(path__startswith=unit.path).first()
            if outside is not None:
                url = reverse("organizations:unit", args=[outside.pk])
                assert client.get(url).status_code == 404
        client.logout()
