"""R6, R7, R8: checks applied when a level is decided."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from assessment import rules
from assessment.models import RuleSet
from assessment.rule_sets import load_rule_set, read_definition
from tests.messages import says

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels():
    rule_set = RuleSet.objects.get(code="QD366-2025")
    return {level.code: level for level in rule_set.levels.all()}


CAPS = frozenset({"excellent", "not_completed"})


def test_r6_a_state_not_completed_caps_the_party_level(levels):
    errors = rules.state_level_errors(
        party_level=levels["HTNV"], state_level=levels["KHTNV"], capped=CAPS
    )
    assert errors and says(rules.MSG_STATE_NOT_COMPLETED, errors[0])
    assert (
        rules.state_level_errors(
            party_level=levels["KHTNV"], state_level=levels["KHTNV"], capped=CAPS
        )
        == []
    )


def test_r6_an_excellent_state_employee_needs_an_excellent_state_level(levels):
    """Hướng dẫn 21 §2.3a: excellent as a member only if excellent as an employee; a good
    state level (or none recorded) refuses it, and says which condition fails."""
    good = rules.state_level_errors(
        party_level=levels["HTXSNV"], state_level=levels["HTTNV"], capped=CAPS
    )
    assert good == [str(rules.MSG_STATE_EXCELLENT_NEEDED % {"state": levels["HTTNV"].name})]
    assert rules.state_level_errors(party_level=levels["HTXSNV"], state_level=None, capped=CAPS)
    assert (
        rules.state_level_errors(
            party_level=levels["HTXSNV"], state_level=levels["HTXSNV"], capped=CAPS
        )
        == []
    )
    # a good party level beside a good state level is fine; outside the state system no check
    assert (
        rules.state_level_errors(
            party_level=levels["HTTNV"], state_level=levels["HTTNV"], capped=CAPS
        )
        == []
    )
    assert (
        rules.state_level_errors(
            party_level=levels["HTXSNV"], state_level=None, capped=CAPS, state_employee=False
        )
        == []
    )
    # an era without the rule checks nothing
    assert (
        rules.state_level_errors(
            party_level=levels["HTXSNV"], state_level=levels["KHTNV"], capped=frozenset()
        )
        == []
    )


def test_r8_a_head_may_not_be_above_the_unit(levels):
    assert rules.head_level_errors(head_level=levels["HTXSNV"], unit_level=levels["HTTNV"])
    assert rules.head_level_errors(head_level=levels["HTTNV"], unit_level=levels["HTTNV"]) == []
    assert rules.head_level_errors(head_level=levels["HTXSNV"], unit_level=None) == []


def era(**kw):
    values = {
        "excellent_unit_all_completed": False,
        "excellent_unit_min_good_share": None,
        "excellent_unit_no_discipline_below": False,
    } | kw
    return SimpleNamespace(**values)


def test_r7_2019_2022_everyone_at_least_completed_and_80_percent_good(levels):
    rules_2019 = era(excellent_unit_all_completed=True, excellent_unit_min_good_share=Decimal(80))
    eight_of_ten = [levels["HTTNV"]] * 8 + [levels["HTNV"]] * 2
    assert (
        rules.excellent_unit_errors(
            rule_set=rules_2019, levels_below=eight_of_ten, disciplined_below=0
        )
        == []
    )
    seven_of_ten = [levels["HTTNV"]] * 7 + [levels["HTNV"]] * 3
    assert (
        len(
            rules.excellent_unit_errors(
                rule_set=rules_2019, levels_below=seven_of_ten, disciplined_below=0
            )
        )
        == 1
    )
    one_failed = [levels["HTXSNV"]] * 9 + [levels["KHTNV"]]
    assert (
        len(
            rules.excellent_unit_errors(
                rule_set=rules_2019, levels_below=one_failed, disciplined_below=0
            )
        )
        == 1
    )


def test_r7_2025_no_discipline_below(levels):
    rules_2025 = RuleSet.objects.get(code="QD366-2025")
    below = [levels["HTNV"]] * 5  # 2025 sets no share of good ratings
    assert (
        rules.excellent_unit_errors(rule_set=rules_2025, levels_below=below, disciplined_below=0)
        == []
    )
    assert rules.excellent_unit_errors(rule_set=rules_2025, levels_below=below, disciplined_below=1)


def test_the_seeded_rule_set_carries_the_decision_settings():
    rule_set = RuleSet.objects.get(code="QD366-2025")
    assert rule_set.state_level_caps == ["excellent", "not_completed"]
    assert rule_set.excellent_unit_no_discipline_below
    assert rule_set.excellent_unit_min_good_share is None


def test_a_definition_can_be_applied_again_without_breaking_links(levels):
    from assessment import models

    before = {code: level.pk for code, level in levels.items()}
    load_rule_set(read_definition("qd366-2025.json"), models=SimpleNamespace(**vars(models)))
    after = dict(RuleSet.objects.get(code="QD366-2025").levels.values_list("code", "pk"))
    assert after == before
