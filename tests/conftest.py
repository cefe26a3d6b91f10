"""The fixed cast (STYLE.md): who is who in every test.

Province P ─┬─ district A (superior) ── grassroots committee G1 ─┬─ cell C1 (secretary, member)
            │                                                   └─ cell C2
            └─ district B (superior) ─┬─ grassroots committee G2 ── cell C3 (outsider)
                                      └─ grassroots cell GC
"""

import os
from dataclasses import dataclass
from importlib import import_module

import pytest

from members.models import Member
from organizations.models import Kind, Organization, Role

from .factories import MemberFactory, OrganizationFactory, UserFactory, assign

# Playwright's sync API runs an event loop in the test thread; the ORM calls in tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "matkhau-123"


def ensure_seeded() -> None:
    """Rows written by data migrations are gone after a transactional test flushes the tables
    (on a reused database serialized rollback cannot bring them back); write the rule set of
    every era again the way the migrations do."""
    from django.apps import apps

    from assessment.models import RuleSet
    from assessment.rule_sets import read_definition

    eras = import_module("assessment.migrations.0010_rules_rule_sets_issue13")
    codes = {read_definition(name)["code"] for name in eras.FILES}
    if RuleSet.objects.filter(code__in=codes).count() < len(codes):
        eras.seed(apps, None)
    from assessment.models import Framework

    if not Framework.objects.exists():  # issue 14's frameworks per form, seeded by 0018
        import_module("assessment.migrations.0018_seed_frameworks").seed(apps, None)
    from assessment.meetings import meeting_rules_load_defaults
    from assessment.models import MeetingRuleSet

    if not MeetingRuleSet.objects.exists():  # issue 16's meeting rules, seeded by 0009
        meeting_rules_load_defaults()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_seeded()


@dataclass
class Tree:
    province: Organization
    district_a: Organization
    district_b: Organization
    g1: Organization
    c1: Organization
    c2: Organization
    g2: Organization
    c3: Organization
    gc: Organization


@pytest.fixture
def tree(db) -> Tree:
    province = OrganizationFactory(code="P", name="Tỉnh ủy Thử nghiệm", kind=Kind.PROVINCE)
    district_a = OrganizationFactory(
        code="A", name="Huyện ủy A", kind=Kind.SUPERIOR, parent=province
    )
    district_b = OrganizationFactory(
        code="B", name="Huyện ủy B", kind=Kind.SUPERIOR, parent=province
    )
    g1 = OrganizationFactory(
        code="G1", name="Đảng bộ xã G1", kind=Kind.GRASSROOTS_COMMITTEE, parent=district_a
    )
    g2 = OrganizationFactory(
        code="G2", name="Đảng bộ xã G2", kind=Kind.GRASSROOTS_COMMITTEE, parent=district_b
    )
    return Tree(
        province=province,
        district_a=district_a,
        district_b=district_b,
        g1=g1,
        c1=OrganizationFactory(code="C1", name="Chi bộ thôn 1", parent=g1),
        c2=OrganizationFactory(code="C2", name="Chi bộ thôn 2", parent=g1),
        g2=g2,
        c3=OrganizationFactory(code="C3", name="Chi bộ thôn 3", parent=g2),
        gc=OrganizationFactory(
            code="GC", name="Chi bộ Trạm Y tế", kind=Kind.GRASSROOTS_CELL, parent=district_b
        ),
    )


@pytest.fixture
def alice_member(tree) -> Member:
    """A party member in C1 with an account."""
    user = UserFactory(username="alice")
    assign(user, Role.MEMBER, tree.c1)
    return MemberFactory(full_name="Lê Thị Alice", cell=tree.c1, user=user)


@pytest.fixture
def c1_members(tree) -> list[Member]:
    return MemberFactory.create_batch(3, cell=tree.c1)


@pytest.fixture
def c3_member(tree) -> Member:
    return MemberFactory(full_name="Trần Văn Ngoài", cell=tree.c3)


def _user(username: str, role: str, unit: Organization):
    user = UserFactory(username=username)
    assign(user, role, unit)
    return user


@pytest.fixture
def secretary(tree):
    return _user("secretary", Role.CELL_SECRETARY, tree.c1)


@pytest.fixture
def committee(tree):
    return _user("committee", Role.GRASSROOTS_COMMITTEE, tree.g1)


@pytest.fixture
def district_board(tree):
    return _user("district", Role.SUPERIOR_BOARD, tree.district_a)


@pytest.fixture
def provincial(tree):
    return _user("provincial", Role.PROVINCIAL_BOARD, tree.province)


@pytest.fixture
def administrator(tree):
    user = _user("admin", Role.ADMINISTRATOR, tree.province)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def outsider(tree):
    """A cell secretary in the other district."""
    return _user("outsider", Role.CELL_SECRETARY, tree.c3)


@pytest.fixture
def outsider_board(tree):
    """The board of the other district."""
    return _user("outsider_board", Role.SUPERIOR_BOARD, tree.district_b)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def period(db):
    from assessment.services import period_create

    ensure_seeded()
    return period_create(year=2025, by=None)


@pytest.fixture
def level(db):
    """The 2025 rule set's levels by code (HTXSNV, HTTNV, HTNV, KHTNV)."""
    from assessment.models import Level

    return {lv.code: lv for lv in Level.objects.filter(rule_set__code="QD366-2025")}


@pytest.fixture
def counts_agree(db):
    """After the test, the summary's kept counts must agree with the rows (issue 18): workflow
    modules use it for every test (`pytestmark = pytest.mark.usefixtures("counts_agree")`)."""
    from django.db import connection

    from tests.counts import assert_counts_agree

    yield
    # A test that ran manage.py's entry point has had its connection closed: nothing it wrote
    # is left to check.
    if connection.connection is not None and not connection.connection.closed:
        assert_counts_agree()
