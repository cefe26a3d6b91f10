import datetime
from importlib import import_module

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from assessment.models import CanonicalLevel, DeadlineLevel, Level, Period, RuleSet
from assessment.rule_sets import read_definition
from assessment.services import period_create, rule_set_for_year

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_the_2025_rule_set_from_fixtures():
    """R1, R3: Quy định 366-QĐ/TW on a 100-point scale with four levels, read from fixtures/."""
    RuleSet.objects.all().delete()
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(("assessment", "0002_seed_rule_set_qd366"))
    import_module("assessment.migrations.0002_seed_rule_set_qd366").seed(state.apps, None)
    rule_set = RuleSet.objects.get(code="QD366-2025")
    definition = read_definition("qd366-2025.json")
    assert rule_set.score_max == definition["score_max"] == 100
    levels = list(rule_set.levels.values_list("code", "rank", "maps_to", "score_min"))
    assert levels == [
        ("HTXSNV", 1, CanonicalLevel.EXCELLENT, 90),
        ("HTTNV", 2, CanonicalLevel.GOOD, 70),
        ("HTNV", 3, CanonicalLevel.COMPLETED, 50),
        ("KHTNV", 4, CanonicalLevel.NOT_COMPLETED, None),
    ]
    groups = {
        g.code: (g.max_points, sum(i.max_points for i in g.items.all()))
        for g in rule_set.criteria_groups.all()
    }
    assert groups == {"common": (30, 30), "tasks": (70, 70)}


def test_the_quota_and_quorum_are_rule_set_data():
    """R10–R12, R18."""
    rule_set = RuleSet.objects.get(code="QD366-2025")
    assert (rule_set.quota_percent, rule_set.quota_raised_percent) == (20, 25)
    assert rule_set.quota_denominator == "good_only"  # R11: Quy định 366 art. 11
    assert str(rule_set.quorum) == "2/3"
    assert str(Level.objects.get(rule_set=rule_set, code="HTXSNV").vote_threshold) == "1/2"


def test_levels_carry_both_languages():
    level = Level.objects.get(code="HTXSNV", rule_set__code="QD366-2025")
    with translation.override("vi"):
        assert str(level) == "Hoàn thành xuất sắc nhiệm vụ"
    with translation.override("en"):
        assert str(level) == "Excellently completed tasks"


def test_opening_a_year_creates_the_default_deadlines():
    """R19: cells 20/12, grassroots 31/12, superior 15/01, province 01/02, central 01/03."""
    period = period_create(year=2025, by=None)
    due = dict(period.deadlines.values_list("level", "due"))
    assert due == {
        DeadlineLevel.STATE_EMPLOYEE: datetime.date(2025, 12, 15),
        DeadlineLevel.CELL: datetime.date(2025, 12, 20),
        DeadlineLevel.GRASSROOTS: datetime.date(2025, 12, 31),
        DeadlineLevel.SUPERIOR: datetime.date(2025, 12, 31),  # R19: Hướng dẫn 43 §4.1
        DeadlineLevel.PROVINCE: datetime.date(2026, 2, 1),
        DeadlineLevel.CENTRAL: datetime.date(2026, 3, 1),
    }
    assert period.is_open()
    assert period.rule_set.code == "QD366-2025"


def test_it_refuses_a_year_no_rule_set_covers():
    assert rule_set_for_year(2026).code == "QD366-2025"
    assert rule_set_for_year(2007) is None
    with pytest.raises(ValidationError):
        period_create(year=2007, by=None)
    assert not Period.objects.exists()


def test_it_refuses_a_year_twice():
    period_create(year=2025, by=None)
    with pytest.raises(ValidationError):
        period_create(year=2025, by=None)
