"""The summary table (issue 5 item 2, R23–R24) on hand-computed fixtures."""

import pytest

from reports.summary import summary_build, summary_json
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NAMES = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}


def levels_json(counts: dict[str, tuple[int, float]]):
    return [
        {
            "code": code,
            "name": name,
            "count": counts.get(code, (0, 0.0))[0],
            "percent": counts.get(code, (0, 0.0))[1],
        }
        for code, name in NAMES.items()
    ]


def test_r23_r24_the_json_of_a_district_is_exactly_the_hand_computed_figures(tree, year_2025):
    assert summary_json(tree.district_a, year_2025) == {
        "year": 2025,
        "unit": {"code": tree.district_a.code, "name": tree.district_a.name},
        "rule_set": "QD366-2025",
        "sections": {
            "grassroots": {
                "total": 1,
                "assessed": 1,
                "not_classified": {"total": 0, "by_reason": {}},
                "pending": {"total": 0, "by_reason": {}},
                "levels": levels_json({"HTTNV": (1, 100.0)}),
                "quota": {"excellent": 0, "base": 1, "ratio": 0.0},
                "prompted": {"total": 0, "by_level": {}},  # R28: none given prompts here
            },
            "cells": {
                "total": 2,
                "assessed": 1,
                "not_classified": {"total": 1, "by_reason": {"moi_thanh_lap": 1}},
                "pending": {"total": 0, "by_reason": {}},
                "levels": levels_json({"HTXSNV": (1, 100.0)}),
                # R11 (2025): the base is those rated good, none here
                "quota": {"excellent": 1, "base": 0, "ratio": 0.0},
                "prompted": {"total": 0, "by_level": {}},  # R28: none given prompts here
            },
            "members": {
                "total": 46,
                "assessed": 43,
                "not_classified": {
                    "total": 2,
                    "by_reason": {"mien_sinh_hoat": 1, "moi_ket_nap": 1},
                },
                "pending": {"total": 1, "by_reason": {"om_dau": 1}},
                # 10 of 43 → 23.26 (half up), 20 → 46.51, 13 → 30.23; KHTNV is zero
                "levels": levels_json(
                    {"HTXSNV": (10, 23.26), "HTTNV": (20, 46.51), "HTNV": (13, 30.23)}
                ),
                "quota": {"excellent": 10, "base": 20, "ratio": 50.0},  # 10 of 20 good
                "prompted": {"total": 0, "by_level": {}},  # R28: none given prompts here
            },
            # R23 "optionally leaders": the 2025 rules name a leaders' form (2A); none here
            "leaders": {
                "total": 0,
                "assessed": 0,
                "not_classified": {"total": 0, "by_reason": {}},
                "pending": {"total": 0, "by_reason": {}},
                "levels": levels_json({}),
                "quota": {"excellent": 0, "base": 0, "ratio": 0.0},
                "prompted": {"total": 0, "by_level": {}},
            },
        },
    }


def test_rows_are_the_unit_then_each_child_and_add_up(tree, year_2025):
    summary = summary_build(unit=tree.province, period=year_2025)
    assert [row.unit for row in summary.rows] == [tree.province, tree.district_a, tree.district_b]
    head, a, b = (row.sections["members"] for row in summary.rows)
    assert (head.total, a.total, b.total) == (46, 46, 0)
    assert head.commendations == 3
    for row in summary.rows:
        for section in row.sections.values():
            # R24: total = assessed + not classified + not yet classified; levels add up
            assert (
                section.total
                == section.assessed + section.not_classified_total + section.pending_total
            )
            assert sum(count for _, count, _ in section.level_rows()) == section.assessed


def test_an_open_year_counts_units_and_members_without_a_record_as_not_yet_classified(period, tree):
    MemberFactory.create_batch(3, cell=tree.c3)
    data = summary_json(tree.district_b, period)["sections"]
    assert data["members"]["pending"] == {"total": 3, "by_reason": {"chua_kiem_diem": 3}}
    assert data["cells"]["pending"]["by_reason"] == {"chua_kiem_diem": 1}  # C3
    assert data["grassroots"]["total"] == 2  # G2 and the grassroots cell GC


def test_the_summary_takes_a_fixed_number_of_queries(
    tree, year_2025, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        summary_build(unit=tree.province, period=year_2025)
