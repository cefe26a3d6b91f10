"""The summary table's arithmetic (R23–R24) on counts, at its edges: no database (issue 20).

`reports/arithmetic.py` holds what `reports/summary.py` computes from the counts PostgreSQL
returns: each level's percent of the assessed (half up to two decimals), the quota base and ratio
under the rule set's reading (R11), and how an empty base is written in the JSON (0, not null).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment import quota
from reports import arithmetic
from reports.summary import Section
from tests.assessment import rule_sets_in_memory as mem

LEVELS_2025 = mem.for_year(2025).member_levels()
PK = {level.code: level.pk for level in LEVELS_2025}


def counts(**by_code: int) -> dict[int, int]:
    return {PK[code]: n for code, n in by_code.items()}


def rows(by_code: dict[int, int], levels=LEVELS_2025):
    return [(lv.code, n, pct) for lv, n, pct in arithmetic.level_rows(by_code, levels)]


class TestR24LevelPercents:
    def test_r24_one_of_32_is_3_13_percent_half_up(self):
        got = rows(counts(HTXSNV=1, HTTNV=31))
        assert got == [
            ("HTXSNV", 1, Decimal("3.13")),
            ("HTTNV", 31, Decimal("96.88")),  # 96.875: half up
            ("HTNV", 0, Decimal("0.00")),
            ("KHTNV", 0, Decimal("0.00")),
        ]

    def test_r24_one_of_160_is_0_63_percent_half_up(self):
        got = rows(counts(HTXSNV=1, HTTNV=100, HTNV=58, KHTNV=1))
        assert got == [
            ("HTXSNV", 1, Decimal("0.63")),
            ("HTTNV", 100, Decimal("62.50")),
            ("HTNV", 58, Decimal("36.25")),
            ("KHTNV", 1, Decimal("0.63")),
        ]

    def test_r24_the_base_is_the_assessed_whatever_the_level(self):
        assert arithmetic.assessed(counts(HTXSNV=1, KHTNV=2)) == 3
        assert [pct for *_, pct in rows(counts(KHTNV=1))] == [
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("100.00"),
        ]

    def test_r24_nobody_assessed_has_no_percent(self):
        assert arithmetic.assessed({}) == 0
        assert rows({}) == [(code, 0, None) for code in PK]

    def test_r24_no_levels_no_rows(self):
        assert arithmetic.level_rows(counts(HTXSNV=1), []) == []


class TestR11QuotaFigures:
    """R10–R11: the excellent count and the base under the rule set's reading."""

    def test_r11_good_or_above_base_and_ratio(self):
        check = arithmetic.quota_figures(
            counts(HTXSNV=1, HTTNV=31, HTNV=5, KHTNV=2),
            LEVELS_2025,
            denominator=quota.GOOD_OR_ABOVE,
        )
        assert (check.excellent, check.base, check.ratio) == (1, 32, Decimal("3.13"))

    def test_r11_good_only_base_and_ratio(self):
        check = arithmetic.quota_figures(
            counts(HTXSNV=1, HTTNV=160, HTNV=5), LEVELS_2025, denominator=quota.GOOD_ONLY
        )
        assert (check.excellent, check.base, check.ratio) == (1, 160, Decimal("0.63"))

    def test_r11_the_figures_are_for_display_the_cap_is_checked_at_decision_time(self):
        check = arithmetic.quota_figures(
            counts(HTXSNV=30, HTTNV=100), LEVELS_2025, denominator=quota.GOOD_OR_ABOVE
        )
        assert (check.cap_percent, check.allowed) == (0, 0)

    def test_r11_nobody_excellent_or_good_gives_an_empty_base(self):
        check = arithmetic.quota_figures(
            counts(HTNV=3, KHTNV=1), LEVELS_2025, denominator=quota.GOOD_ONLY
        )
        assert (check.excellent, check.base, check.ratio) == (0, 0, None)

    def test_r11_an_unknown_base_is_refused(self):
        with pytest.raises(ValueError):
            arithmetic.quota_figures({}, LEVELS_2025, denominator="all")

    def test_r1_legacy_levels_count_by_the_level_they_map_to(self):
        """2011 (Hướng dẫn 07): TSVM tiêu biểu and TSVM both count as excellent."""
        levels = mem.for_year(2011).unit_levels()
        pk = {lv.code: lv.pk for lv in levels}
        by_level = {pk["TSVM_TIEU_BIEU"]: 1, pk["TSVM"]: 2, pk["HTTNV"]: 7, pk["YEU_KEM"]: 4}
        assert arithmetic.canonical_count(by_level, levels, "excellent") == 3
        assert arithmetic.canonical_count(by_level, levels, "good") == 7
        assert arithmetic.canonical_count(by_level, levels, "completed") == 0
        check = arithmetic.quota_figures(by_level, levels, denominator=quota.GOOD_OR_ABOVE)
        assert (check.excellent, check.base, check.ratio) == (3, 10, Decimal("30.00"))


class TestJsonPercent:
    def test_r24_an_empty_base_is_written_0_not_null(self):
        assert arithmetic.json_percent(None) == 0.0
        assert isinstance(arithmetic.json_percent(None), float)

    def test_r24_a_percent_is_written_as_a_number(self):
        assert arithmetic.json_percent(Decimal("3.13")) == 3.13
        assert arithmetic.json_percent(Decimal("0.00")) == 0.0

    def test_r23_a_section_with_nobody_assessed_writes_zeros(self):
        """The survivor issue 20 names: a section with no assessed subject gave null."""
        data = Section(levels=LEVELS_2025).as_json()
        assert [lv["percent"] for lv in data["levels"]] == [0.0, 0.0, 0.0, 0.0]
        assert data["quota"] == {"excellent": 0, "base": 0, "ratio": 0.0}
        assert data["assessed"] == 0

    def test_r23_a_section_writes_its_percent_and_ratio(self):
        section = Section(levels=LEVELS_2025, counts=counts(HTXSNV=1, HTTNV=159))
        data = section.as_json()
        assert [lv["percent"] for lv in data["levels"]] == [0.63, 99.38, 0.0, 0.0]
        assert data["quota"] == {"excellent": 1, "base": 160, "ratio": 0.63}
