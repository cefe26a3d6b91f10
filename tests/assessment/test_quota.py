"""R10–R12: the excellent quota, both readings of the denominator, integer edges."""

from decimal import Decimal

import pytest

from assessment.quota import GOOD_ONLY, GOOD_OR_ABOVE, percent, quota_check


@pytest.mark.parametrize(
    ("excellent", "good", "ok"),
    [
        (4, 16, True),
        (5, 19, False),
        (0, 0, True),
        (1, 0, False),
        (1, 4, True),
        (2, 7, False),
        (20, 80, True),
        (21, 80, False),
    ],
)
def test_r11_good_or_above_is_the_default_base(excellent, good, ok):
    """4 of 20 good-or-above is allowed; 5 of 24 is not (4.8 allowed)."""
    check = quota_check(excellent=excellent, good=good, cap_percent=20)
    assert check.base == excellent + good
    assert check.ok is ok


def test_the_issue_examples():
    assert quota_check(excellent=4, good=16, cap_percent=20).ok
    five_of_24 = quota_check(excellent=5, good=19, cap_percent=20)
    assert (five_of_24.base, five_of_24.allowed, five_of_24.ok) == (24, 4, False)
    assert five_of_24.ratio == Decimal("20.83")


@pytest.mark.parametrize(
    ("excellent", "good", "ok"), [(4, 20, True), (4, 19, False), (3, 17, True), (4, 16, False)]
)
def test_r11_the_literal_reading_counts_good_only(excellent, good, ok):
    check = quota_check(excellent=excellent, good=good, cap_percent=20, denominator=GOOD_ONLY)
    assert check.base == good
    assert check.ok is ok


def test_r10_a_recorded_decision_may_raise_the_cap_to_25_percent():
    assert not quota_check(excellent=5, good=15, cap_percent=20).ok  # 5 of 20 = 25 %
    assert quota_check(excellent=5, good=15, cap_percent=25).ok
    assert not quota_check(excellent=6, good=17, cap_percent=25).ok  # 6 of 23: 5.75 allowed


def test_r24_percentages_round_half_up_to_two_decimals():
    assert percent(10, 43) == Decimal("23.26")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 200) == Decimal("0.50")
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(0, 0) is None


def test_it_rejects_nonsense():
    with pytest.raises(ValueError):
        quota_check(excellent=-1, good=3, cap_percent=20)
    with pytest.raises(ValueError):
        quota_check(excellent=1, good=3, cap_percent=20, denominator="all")
    assert quota_check(excellent=0, good=3, cap_percent=20, denominator=GOOD_OR_ABOVE).ok
