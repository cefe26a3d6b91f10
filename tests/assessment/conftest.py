import pytest

from assessment.models import Level


@pytest.fixture
def level(db):
    """The 2025 rule set's levels by code (HTXSNV, HTTNV, HTNV, KHTNV)."""
    return {lv.code: lv for lv in Level.objects.filter(rule_set__code="QD366-2025")}
