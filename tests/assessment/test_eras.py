"""Issue 6 items 1 and 4: a rule set for every era of DOMAIN.md section 2 (R1), past years
imported and summed up under their own levels, and the rule set cloned for a new year without
touching the years before."""

import datetime
import json
from importlib import import_module

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from assessment.management.commands.load_rule_sets import MSG_LOADED
from assessment.models import (
    CanonicalLevel,
    CorrectionRule,
    DeadlineLevel,
    Level,
    Period,
    PeriodState,
    RuleSet,
)
from assessment.rule_sets import RULE_SET_DIR, read_definition, rule_set_clone
from assessment.services import period_create, rule_set_for_year
from organizations.models import Organization
from reports import imports
from reports.imports import HEADERS, workbook_import
from reports.summary import summary_json

pytestmark = pytest.mark.django_db

EXCELLENT, GOOD, COMPLETED, NOT_COMPLETED = CanonicalLevel.values
FOUR = ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
LEGACY_MEMBERS = ["DTC_HTXSNV", "DTC_HTTNV", "DTC_HTNV", "VPTC"]
# code → (first year, last year, organization levels, member levels), best first
ERAS = {
    "HD20-2008": (2008, 2010, ["TSVM", "HTTNV", "HTNV", "YEU_KEM"], LEGACY_MEMBERS),
    "HD07-2011": (
        2011,
        2013,
        ["TSVM_TIEU_BIEU", "TSVM", "HTTNV", "HTNV", "YEU_KEM"],
        LEGACY_MEMBERS,
    ),
    "HD27-2014": (2014, 2016, ["TSVM", "HTTNV", "HTNV", "YEU_KEM"], FOUR),
    "HD27-2017": (
        2017,
        2017,
        ["TSVM", "HTTNV", "HTNV", "YEU_KEM"],
        ["HTXSNV", "HTTNV", "HTNV", "HTNV_HAN_CHE", "KHTNV"],
    ),
    "QD132-2018": (2018, 2018, FOUR, FOUR),
    "QD132-2019": (2019, 2022, FOUR, FOUR),
    "QD124-2023": (2023, 2024, FOUR, FOUR),
    "QD366-2025": (2025, None, FOUR, FOUR),
}
# Every era's level onto today's four (for comparisons across years).
MAPS_TO = {
    "TSVM_TIEU_BIEU": EXCELLENT,
    "TSVM": EXCELLENT,
    "DTC_HTXSNV": EXCELLENT,
    "HTXSNV": EXCELLENT,
    "HTTNV": GOOD,
    "DTC_HTTNV": GOOD,
    "HTNV": COMPLETED,
    "DTC_HTNV": COMPLETED,
    "HTNV_HAN_CHE": COMPLETED,
    "YEU_KEM": NOT_COMPLETED,
    "VPTC": NOT_COMPLETED,
    "KHTNV": NOT_COMPLETED,
}
ALL_FILES = import_module("assessment.migrations.0010_rules_rule_sets_issue13").FILES


# --- The rule sets ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ERAS)
def test_each_era_has_its_levels_in_order_and_mapped_onto_todays_four(code):
    first, last, organization_levels, member_levels = ERAS[code]
    rule_set = RuleSet.objects.get(code=code)
    assert (rule_set.first_year, rule_set.last_year) == (first, last)
    for levels, expected in (
        (rule_set.levels.for_organizations(), organization_levels),
        (rule_set.levels.for_members(), member_levels),
    ):
        levels = list(levels.order_by("rank"))
        assert [lv.code for lv in levels] == expected
        assert [lv.maps_to for lv in levels] == [MAPS_TO[lv.code] for lv in levels]
        # best first: the canonical order never goes back up, and all four are there
        positions = [CanonicalLevel.values.index(lv.maps_to) for lv in levels]
        assert positions == sorted(positions)
        assert set(positions) == {0, 1, 2, 3}
        assert all(lv.name_vi and lv.name_en for lv in levels)


def test_ranks_order_organization_and_member_levels_alike():
    """R8 compares a head's (member) level with the unit's by rank: across the two scopes ranks
    follow today's order, a unit's level first among equals."""
    for rule_set in RuleSet.objects.filter(code__in=ERAS):
        levels = list(rule_set.levels.order_by("rank"))
        positions = [CanonicalLevel.values.index(lv.maps_to) for lv in levels]
        assert positions == sorted(positions), rule_set.code
        assert len({lv.rank for lv in levels}) == len(levels), rule_set.code


def test_the_legacy_wording_is_kept():
    names = dict(Level.objects.values_list("rule_set__code", "name_vi").filter(code="VPTC"))
    assert names["HD07-2011"] == "Vi phạm tư cách hoặc không hoàn thành nhiệm vụ"
    level = Level.objects.get(rule_set__code="HD27-2017", code="HTNV_HAN_CHE")
    assert level.name_vi == "Đủ tư cách hoàn thành nhiệm vụ nhưng có hạn chế từng mặt"
    assert Level.objects.get(rule_set__code="HD07-2011", code="DTC_HTTNV").name_vi == (
        "Đủ tư cách, hoàn thành tốt nhiệm vụ"
    )
    assert Level.objects.get(rule_set__code="HD07-2011", code="TSVM_TIEU_BIEU").name_vi == (
        "Trong sạch vững mạnh tiêu biểu"
    )
    assert not Level.objects.filter(rule_set__code="HD27-2014", code="HTNV_HAN_CHE").exists()


def test_the_2014_score_bands_make_below_50_points_weak():
    rule_set = RuleSet.objects.get(code="HD27-2014")
    assert rule_set.score_max == 100
    bands = dict(rule_set.levels.for_organizations().values_list("code", "score_min"))
    assert bands == {"TSVM": 90, "HTTNV": 70, "HTNV": 50, "YEU_KEM": None}


def test_the_2008_sheet_scores_four_standards_out_of_100():
    rule_set = RuleSet.objects.get(code="HD20-2008")
    groups = [
        (g.code, g.max_points, sum(i.max_points for i in g.items.all()))
        for g in rule_set.criteria_groups.all()
    ]
    assert groups == [
        ("politics", 25, 25),
        ("ethics", 25, 25),
        ("discipline", 25, 25),
        ("tasks", 25, 25),
    ]
    assert rule_set.score_max == sum(g[1] for g in groups) == 100
    bands = dict(rule_set.levels.for_members().values_list("code", "score_min"))
    assert bands == {"DTC_HTXSNV": 90, "DTC_HTTNV": 70, "DTC_HTNV": 50, "VPTC": None}


def test_the_2011_rules_ask_two_thirds_for_an_excellent_level():
    """R18: the 2011 rules asked two thirds for excellent; more than half elsewhere."""
    thresholds = {
        lv.code: str(lv.vote_threshold) for lv in Level.objects.filter(rule_set__code="HD07-2011")
    }
    assert thresholds["TSVM_TIEU_BIEU"] == thresholds["DTC_HTXSNV"] == "2/3"
    assert thresholds["HTTNV"] == thresholds["DTC_HTTNV"] == "1/2"
    assert str(Level.objects.get(rule_set__code="HD27-2014", code="TSVM").vote_threshold) == "1/2"


def test_era_settings_follow_the_regulations():
    rules = {r.code: r for r in RuleSet.objects.filter(code__in=ERAS)}
    # R9: only 2023–2024 re-rate a year for a later discipline
    assert {code for code, r in rules.items() if r.correction_rule == "discipline_rerates"} == {
        "QD124-2023"
    }
    assert rules["HD27-2014"].correction_rule == CorrectionRule.WRONG_OR_DISHONEST
    # R4: 2018–2024 any discipline; cleared when found and remedied only from 2023 (Quy định 124)
    for code in ("QD132-2018", "QD132-2019", "QD124-2023"):
        assert not rules[code].discipline_duty_related_only
    assert rules["QD124-2023"].discipline_cleared_by_remedy
    assert not rules["QD132-2018"].discipline_cleared_by_remedy
    assert not rules["QD132-2019"].discipline_cleared_by_remedy
    # R7 (Hướng dẫn 21): everyone below at least completed, 80 % at least good
    assert rules["QD132-2018"].excellent_unit_all_completed
    assert rules["QD132-2018"].excellent_unit_min_good_share == 80
    assert rules["HD27-2014"].excellent_unit_min_good_share is None
    # R6 from Hướng dẫn 21 on; R13: temporary transfers not classified up to 2024
    assert rules["QD132-2018"].state_level_caps == ["excellent", "not_completed"]
    assert rules["HD27-2017"].state_level_caps == []
    # R13: temporary transfers not classified only up to 2018 (Hướng dẫn 21 §II.B.6 from 2019)
    up_to_2024 = [code for code in ERAS if code != "QD366-2025"]
    up_to_2018 = ["HD20-2008", "HD07-2011", "HD27-2014", "HD27-2017", "QD132-2018"]
    assert [c for c in ERAS if rules[c].temporary_transfer_not_classified] == up_to_2018
    # R10: the 25 % raise is Quy định 366's
    assert rules["QD124-2023"].quota_raised_percent == rules["QD124-2023"].quota_percent == 20
    assert rules["QD366-2025"].quota_raised_percent == 25
    # forms 01, 02A, 02B (Hướng dẫn 25)
    forms = rules["QD124-2023"].forms
    assert (forms["collective"], forms["leader"], forms["member"]) == ("01", "02A", "02B")
    # what the models cannot express is written down
    assert all(rules[code].forms["notes"] for code in up_to_2024)


def test_older_plans_have_the_10_2_and_1_3_deadlines():
    """R19: older plans used 10/2 (superior committees) and 1/3 (province)."""
    period = period_create(year=2017, by=None, state=PeriodState.CLOSED)
    assert period.rule_set.code == "HD27-2017"
    assert dict(period.deadlines.values_list("level", "due")) == {
        DeadlineLevel.CELL: datetime.date(2017, 12, 20),
        DeadlineLevel.GRASSROOTS: datetime.date(2017, 12, 31),
        DeadlineLevel.SUPERIOR: datetime.date(2018, 2, 10),
        DeadlineLevel.PROVINCE: datetime.date(2018, 3, 1),
    }


@pytest.mark.parametrize(
    ("year", "code"),
    [
        (2007, None),
        (2008, "HD20-2008"),
        (2010, "HD20-2008"),
        (2011, "HD07-2011"),
        (2013, "HD07-2011"),
        (2014, "HD27-2014"),
        (2016, "HD27-2014"),
        (2017, "HD27-2017"),
        (2018, "QD132-2018"),
        (2019, "QD132-2019"),
        (2022, "QD132-2019"),
        (2023, "QD124-2023"),
        (2024, "QD124-2023"),
        (2025, "QD366-2025"),
        (2030, "QD366-2025"),
    ],
)
def test_the_rule_set_in_force_at_each_boundary(year, code):
    found = rule_set_for_year(year)
    assert (found.code if found else None) == code


def test_the_migration_seeds_every_era_from_fixtures_and_can_run_again():
    RuleSet.objects.all().delete()
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(("assessment", "0010_rules_rule_sets_issue13"))
    migration = import_module("assessment.migrations.0010_rules_rule_sets_issue13")

    migration.seed(state.apps, None)
    before = dict(Level.objects.values_list("pk", "code"))
    migration.seed(state.apps, None)

    codes = {read_definition(name)["code"] for name in ALL_FILES}
    assert set(RuleSet.objects.values_list("code", flat=True)) == codes == set(ERAS)
    assert dict(Level.objects.values_list("pk", "code")) == before  # updated in place
    assert RuleSet.objects.get(code="QD124-2023").correction_rule == "discipline_rerates"


# --- Past years imported and summed up under their own levels ---------------------------------


def workbook(path, **sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(HEADERS[name]))
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def member_rows(cards, cell):
    return [(card, f"Đảng viên {card}", "", "Nam", cell, "01/01/2010", "") for card in cards]


def results(year, target, codes, levels):
    """Result rows: the codes in order, with levels given as (level, how many)."""
    rows, codes = [], iter(codes)
    for level, n in levels:
        reason = ""
        if isinstance(level, tuple):
            level, reason = level
        rows += [(year, target, next(codes), level, reason) for _ in range(n)]
    return rows


def workbook_2017(tmp_path):
    """A province's 2017: 43 grassroots organizations rated and one new (KPL), three cells
    (one new), 22 members under the five member levels of 2017, one KPL and one CPL."""
    grassroots = [f"G{n:02}" for n in range(1, 45)]
    cards = [f"9170000{n:02}" for n in range(1, 23)]
    units = [
        ("T17", "Tỉnh ủy Năm 2017", "tinh_uy", ""),
        ("H17", "Huyện ủy H17", "cap_tren_co_so", "T17"),
        *[(code, f"Đảng bộ {code}", "dang_bo_co_so", "H17") for code in grassroots],
        ("C1", "Chi bộ 1", "chi_bo_truc_thuoc", "G01"),
        ("C2", "Chi bộ 2", "chi_bo_truc_thuoc", "G01"),
        ("C3", "Chi bộ 3", "chi_bo_truc_thuoc", "G02"),
    ]
    ketqua = [
        *results(
            2017,
            "to_chuc",
            grassroots,
            [
                ("TSVM", 10),
                ("HTTNV", 20),
                ("HTNV", 10),
                ("YEU_KEM", 3),
                (("KPL", "moi_thanh_lap"), 1),
            ],
        ),
        *results(
            2017,
            "to_chuc",
            ["C1", "C2", "C3"],
            [("TSVM", 1), ("HTTNV", 1), (("KPL", "moi_thanh_lap"), 1)],
        ),
        *results(
            2017,
            "dang_vien",
            cards,
            [
                ("HTXSNV", 2),
                ("HTTNV", 10),
                ("HTNV", 4),
                ("HTNV_HAN_CHE", 3),
                ("KHTNV", 1),
                (("KPL", "dinh_chi"), 1),
                (("CPL", "om_dau"), 1),
            ],
        ),
    ]
    return workbook(
        tmp_path / "nam-2017.xlsx",
        ToChuc=units,
        DangVien=member_rows(cards[:11], "C1") + member_rows(cards[11:], "C2"),
        KetQua=ketqua,
    )


def section(total, assessed, levels, *, not_classified=None, pending=None, quota=None):
    not_classified, pending = not_classified or {}, pending or {}
    return {
        "total": total,
        "assessed": assessed,
        "not_classified": {"total": sum(not_classified.values()), "by_reason": not_classified},
        "pending": {"total": sum(pending.values()), "by_reason": pending},
        "levels": [
            {"code": code, "name": name, "count": count, "percent": percent}
            for code, name, count, percent in levels
        ],
        "quota": quota,
        "prompted": {"total": 0, "by_level": {}},  # R28: the workbook gives no prompts
    }


ORGANIZATION_NAMES_2017 = {
    "TSVM": "Trong sạch vững mạnh",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "YEU_KEM": "Yếu kém",
}
MEMBER_NAMES_2017 = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "HTNV_HAN_CHE": "Đủ tư cách hoàn thành nhiệm vụ nhưng có hạn chế từng mặt",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}


def summary_2017(province):
    with translation.override("vi"):
        return summary_json(province, Period.objects.get(year=2017))


def test_a_2017_workbook_gives_a_2017_summary_under_2017_levels(tmp_path):
    result = workbook_import(file=workbook_2017(tmp_path), by=None, dry_run=False)
    assert result.ok, [str(e) for e in result.errors]

    period = Period.objects.get(year=2017)
    assert (period.state, period.rule_set.code) == (PeriodState.CLOSED, "HD27-2017")
    data = summary_2017(Organization.objects.get(code="T17"))
    organizations = ORGANIZATION_NAMES_2017
    members = MEMBER_NAMES_2017
    assert data == {
        "year": 2017,
        "unit": {"code": "T17", "name": "Tỉnh ủy Năm 2017"},
        "rule_set": "HD27-2017",
        "sections": {
            # 10 of 43 → 23.26, 20 → 46.51, 10 → 23.26, 3 → 6.98 (half up)
            "grassroots": section(
                44,
                43,
                [
                    ("TSVM", organizations["TSVM"], 10, 23.26),
                    ("HTTNV", organizations["HTTNV"], 20, 46.51),
                    ("HTNV", organizations["HTNV"], 10, 23.26),
                    ("YEU_KEM", organizations["YEU_KEM"], 3, 6.98),
                ],
                not_classified={"moi_thanh_lap": 1},
                quota={"excellent": 10, "base": 30, "ratio": 33.33},
            ),
            "cells": section(
                3,
                2,
                [
                    ("TSVM", organizations["TSVM"], 1, 50.0),
                    ("HTTNV", organizations["HTTNV"], 1, 50.0),
                    ("HTNV", organizations["HTNV"], 0, 0.0),
                    ("YEU_KEM", organizations["YEU_KEM"], 0, 0.0),
                ],
                not_classified={"moi_thanh_lap": 1},
                quota={"excellent": 1, "base": 2, "ratio": 50.0},
            ),
            # five member levels; 2 of 20 → 10 %, quota 2 of 12 → 16.67
            "members": section(
                22,
                20,
                [
                    ("HTXSNV", members["HTXSNV"], 2, 10.0),
                    ("HTTNV", members["HTTNV"], 10, 50.0),
                    ("HTNV", members["HTNV"], 4, 20.0),
                    ("HTNV_HAN_CHE", members["HTNV_HAN_CHE"], 3, 15.0),
                    ("KHTNV", members["KHTNV"], 1, 5.0),
                ],
                not_classified={"dinh_chi": 1},
                pending={"om_dau": 1},
                quota={"excellent": 2, "base": 12, "ratio": 16.67},
            ),
        },
    }


def test_a_2017_workbook_refuses_codes_of_another_scope_or_era(tmp_path):
    path = workbook(
        tmp_path / "sai-2017.xlsx",
        ToChuc=[
            ("T17", "Tỉnh ủy", "tinh_uy", ""),
            ("H17", "Huyện ủy", "cap_tren_co_so", "T17"),
            ("G01", "Đảng bộ G01", "dang_bo_co_so", "H17"),
            ("C1", "Chi bộ 1", "chi_bo_truc_thuoc", "G01"),
        ],
        DangVien=member_rows(["917000001"], "C1"),
        KetQua=[
            (2017, "to_chuc", "G01", "HTXSNV", ""),  # a member level
            (2017, "dang_vien", "917000001", "DTC_HTTNV", ""),  # 2011's wording
        ],
    )

    result = workbook_import(file=path, by=None, dry_run=False)

    assert [e.message for e in result.errors] == [
        str(
            imports.MSG_UNKNOWN_LEVEL
            % {
                "value": "HTXSNV",
                "rule_set": "HD27-2017",
                "choices": "TSVM, HTTNV, HTNV, YEU_KEM, KPL, CPL",
            }
        ),
        str(
            imports.MSG_UNKNOWN_LEVEL
            % {
                "value": "DTC_HTTNV",
                "rule_set": "HD27-2017",
                "choices": "HTXSNV, HTTNV, HTNV, HTNV_HAN_CHE, KHTNV, KPL, CPL",
            }
        ),
    ]
    assert not Period.objects.exists()


def test_a_2022_workbook_gives_the_four_levels(tmp_path):
    cards = [f"9220000{n:02}" for n in range(1, 5)]
    path = workbook(
        tmp_path / "nam-2022.xlsx",
        ToChuc=[
            ("T22", "Tỉnh ủy Năm 2022", "tinh_uy", ""),
            ("H22", "Huyện ủy H22", "cap_tren_co_so", "T22"),
            ("G1", "Đảng bộ G1", "dang_bo_co_so", "H22"),
            ("G2", "Đảng bộ G2", "dang_bo_co_so", "H22"),
            ("GC", "Chi bộ cơ sở GC", "chi_bo_co_so", "H22"),
        ],
        DangVien=member_rows(cards, "GC"),
        KetQua=[
            *results(2022, "to_chuc", ["G1", "G2", "GC"], [("HTXSNV", 1), ("HTTNV", 2)]),
            *results(
                2022, "dang_vien", cards, [("HTXSNV", 1), ("HTTNV", 1), ("HTNV", 1), ("KHTNV", 1)]
            ),
        ],
    )
    assert workbook_import(file=path, by=None, dry_run=False).ok
    period = Period.objects.get(year=2022)
    with translation.override("vi"):
        data = summary_json(Organization.objects.get(code="T22"), period)

    assert data["rule_set"] == "QD132-2019"
    grassroots, members = data["sections"]["grassroots"], data["sections"]["members"]
    assert [(lv["code"], lv["count"], lv["percent"]) for lv in grassroots["levels"]] == [
        ("HTXSNV", 1, 33.33),
        ("HTTNV", 2, 66.67),
        ("HTNV", 0, 0.0),
        ("KHTNV", 0, 0.0),
    ]
    assert [(lv["code"], lv["count"], lv["percent"]) for lv in members["levels"]] == [
        (code, 1, 25.0) for code in FOUR
    ]
    assert [lv["code"] for lv in data["sections"]["cells"]["levels"]] == FOUR


# --- Cloning (R1) ---------------------------------------------------------------------------------


def level_rows(rule_set):
    return list(
        rule_set.levels.order_by("rank").values_list(
            "code",
            "short_name",
            "name_vi",
            "name_en",
            "rank",
            "applies_to",
            "maps_to",
            "score_min",
            "vote_threshold_numerator",
            "vote_threshold_denominator",
            "conditions",
        )
    )


def criteria_rows(rule_set):
    return [
        (g.code, g.name_vi, g.max_points, g.order, [(i.code, i.max_points) for i in g.items.all()])
        for g in rule_set.criteria_groups.prefetch_related("items")
    ]


def deadline_rows(rule_set):
    return sorted(rule_set.deadline_defaults.values_list("level", "month", "day", "next_year"))


SETTINGS = [
    "score_max",
    "quota_percent",
    "quota_raised_percent",
    "quota_denominator",
    "quota_group",
    "quorum_numerator",
    "quorum_denominator",
    "min_months_since_admission",
    "temporary_transfer_not_classified",
    "discipline_duty_related_only",
    "discipline_cleared_by_remedy",
    "excellent_unit_all_completed",
    "excellent_unit_min_good_share",
    "excellent_unit_no_discipline_below",
    "state_level_caps",
    "correction_rule",
    "forms",
    "sources",
]


def test_a_clone_is_a_deep_copy_remembering_its_source(provincial):
    source = RuleSet.objects.get(code="HD20-2008")

    clone = rule_set_clone(source=source, code="TINH-2026", first_year=2026, by=provincial)

    assert (clone.code, clone.first_year, clone.last_year, clone.cloned_from) == (
        "TINH-2026",
        2026,
        None,
        source,
    )
    assert clone.name_vi == "Hướng dẫn 20-HD/BTCTW (2008–2010) — năm 2026"
    assert [getattr(clone, f) for f in SETTINGS] == [getattr(source, f) for f in SETTINGS]
    assert level_rows(clone) == level_rows(source)
    assert criteria_rows(clone) == criteria_rows(source)
    assert deadline_rows(clone) == deadline_rows(source)
    assert not set(clone.levels.values_list("pk", flat=True)) & set(
        source.levels.values_list("pk", flat=True)
    )
    assert clone.history.get().history_user == provincial
    assert rule_set_for_year(2026) == clone


def test_a_clone_needs_a_new_code():
    source = RuleSet.objects.get(code="QD366-2025")
    with pytest.raises(ValidationError) as error:
        rule_set_clone(source=source, code="HD27-2017", first_year=2026, by=None)
    assert error.value.code == "code_exists"


def change(rule_set, *, level_code):
    """What a province might change in its copy: a level's name and the quota."""
    level = rule_set.levels.get(code=level_code)
    level.name_vi = "Tên đã sửa"
    level.save()
    rule_set.quota_percent = 25
    rule_set.save()


def test_changing_a_clone_leaves_the_past_year_and_its_summary_unchanged(tmp_path):
    assert workbook_import(file=workbook_2017(tmp_path), by=None, dry_run=False).ok
    province = Organization.objects.get(code="T17")
    source = RuleSet.objects.get(code="HD27-2017")
    before = (summary_2017(province), level_rows(source), source.quota_percent)

    clone = rule_set_clone(source=source, code="HD27-2017-TINH", first_year=2026, by=None)
    change(clone, level_code="TSVM")

    source.refresh_from_db()
    assert (summary_2017(province), level_rows(source), source.quota_percent) == before
    assert Period.objects.get(year=2017).rule_set == source
    assert clone.levels.get(code="TSVM").name_vi == "Tên đã sửa"


def test_opening_a_new_year_clones_the_rule_set_in_force():
    rules_2025 = RuleSet.objects.get(code="QD366-2025")
    year_2025 = period_create(year=2025, by=None)
    assert year_2025.rule_set == rules_2025  # the first year of an era takes it as it is
    before = (level_rows(rules_2025), rules_2025.quota_percent)

    year_2026 = period_create(year=2026, by=None)

    rules_2026 = year_2026.rule_set
    assert (rules_2026.code, rules_2026.cloned_from, rules_2026.first_year) == (
        "QD366-2025-2026",
        rules_2025,
        2026,
    )
    assert rules_2026.last_year is None
    assert level_rows(rules_2026) == level_rows(rules_2025)
    assert year_2026.deadlines.get(level=DeadlineLevel.CENTRAL).due == datetime.date(2027, 3, 1)
    change(rules_2026, level_code="HTXSNV")
    rules_2025.refresh_from_db()
    assert (level_rows(rules_2025), rules_2025.quota_percent) == before
    year_2025.refresh_from_db()
    assert year_2025.rule_set == rules_2025

    # the next year starts from this year's rules
    assert rule_set_for_year(2027) == rules_2026
    rules_2027 = period_create(year=2027, by=None).rule_set
    assert (rules_2027.code, rules_2027.cloned_from) == ("QD366-2025-2027", rules_2026)
    assert rules_2027.levels.get(code="HTXSNV").name_vi == "Tên đã sửa"
    assert rules_2027.quota_percent == 25


def test_a_clone_prepared_for_the_new_year_is_taken_as_it_is(provincial):
    period_create(year=2025, by=None)
    prepared = rule_set_clone(
        source=RuleSet.objects.get(code="QD366-2025"),
        code="QD366-2025-TINH",
        first_year=2026,
        by=provincial,
    )
    count = RuleSet.objects.count()

    assert period_create(year=2026, by=provincial).rule_set == prepared
    assert RuleSet.objects.count() == count


def test_a_year_opened_late_gets_a_clone_for_itself_only():
    rules_2025 = RuleSet.objects.get(code="QD366-2025")
    assert period_create(year=2026, by=None).rule_set == rules_2025

    late = period_create(year=2025, by=None).rule_set

    assert (late.code, late.first_year, late.last_year) == ("QD366-2025-2025", 2025, 2025)
    assert rule_set_for_year(2025) == late
    assert rule_set_for_year(2026) == rule_set_for_year(2027) == rules_2025


def test_a_rule_set_passed_in_is_used_as_it_is():
    """The import of past results names the rule set it read the level codes against."""
    rules_2014 = RuleSet.objects.get(code="HD27-2014")
    period_create(year=2014, by=None, state=PeriodState.CLOSED)

    year_2015 = period_create(year=2015, by=None, rule_set=rules_2014, state=PeriodState.CLOSED)

    assert year_2015.rule_set == rules_2014
    assert not RuleSet.objects.filter(cloned_from__isnull=False).exists()


# --- load_rule_sets -------------------------------------------------------------------------------


def test_the_command_loads_every_definition_again_in_place(capsys):
    levels = dict(Level.objects.values_list("pk", "code"))

    call_command("load_rule_sets")

    files = sorted(RULE_SET_DIR.glob("*.json"))
    assert capsys.readouterr().out.splitlines() == [
        str(MSG_LOADED % {"code": read_definition(path.name)["code"], "path": path})
        for path in files
    ]
    assert {read_definition(path.name)["code"] for path in files} == set(ERAS)
    assert dict(Level.objects.values_list("pk", "code")) == levels


def test_a_province_adds_a_year_from_a_file(tmp_path):
    data = read_definition("qd366-2025.json") | {
        "code": "TINH-2027",
        "name_vi": "Quy định của tỉnh, từ năm 2027",
        "first_year": 2027,
    }
    path = tmp_path / "tinh-2027.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    call_command("load_rule_sets", str(path))

    assert rule_set_for_year(2027).code == "TINH-2027"
    assert rule_set_for_year(2026).code == "QD366-2025"


def test_the_command_refuses_a_bad_definition_and_writes_nothing(tmp_path):
    data = read_definition("qd124-2023.json")
    data["code"] = "SAI-2030"
    data["levels"][0]["maps_to"] = "xuat_sac"
    path = tmp_path / "sai.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("load_rule_sets", str(path))
    assert "sai.json" in str(error.value)
    assert not RuleSet.objects.filter(code="SAI-2030").exists()

    with pytest.raises(CommandError):
        call_command("load_rule_sets", str(tmp_path / "khong-co.json"))
