"""The rule-set fixtures (fixtures/rule_sets/*.json) tested as data (issue 20, item 3; R1).

One table per era: every threshold, band, level list, quota setting, quorum, vote threshold,
criteria group and default deadline, each with the text it comes from (DOMAIN.md cites the
regulations; "product default" is a value the regulation leaves open and the fixture's
`forms.notes` says so). The fixtures are read through the real loader (defaults included) into
unsaved rows, so no database is needed.

The values issue 13 corrected (the 2018 and 2019–2022 sets, the 2025 quota base and superior
deadline, no organization quota before 2018, the 6-month exclusion from Quy định 124, the 2011
"from two thirds up") are pinned with the source its fixture's notes record.

`test_a_change_of_one_unit_anywhere_fails` perturbs every number (+1) and flips every boolean in
every file and checks that some pinned fact of some era then differs from this table.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest

from tests.assessment import rule_sets_in_memory as mem


@dataclass(frozen=True)
class Fact:
    value: Any
    source: str


def facts(rs: mem.InMemoryRuleSet) -> dict[str, Any]:
    """Every value of a rule set the app reads, by fact name."""
    r = rs.rule_set
    out = {
        "score_max": r.score_max,
        "quota_percent": r.quota_percent,
        "quota_raised_percent": r.quota_raised_percent,
        "quota_denominator": r.quota_denominator,
        "quota_group": r.quota_group,
        "quota_for_organizations": r.quota_for_organizations,
        "quorum": (r.quorum_numerator, r.quorum_denominator),
        "min_months_since_admission": r.min_months_since_admission,
        "temporary_transfer_not_classified": r.temporary_transfer_not_classified,
        "discipline_duty_related_only": r.discipline_duty_related_only,
        "discipline_cleared_by_remedy": r.discipline_cleared_by_remedy,
        "excellent_unit_all_completed": r.excellent_unit_all_completed,
        "excellent_unit_min_good_share": r.excellent_unit_min_good_share,
        "excellent_unit_no_discipline_below": r.excellent_unit_no_discipline_below,
        "state_level_caps": sorted(r.state_level_caps),
        "correction_rule": r.correction_rule,
        "levels": [(lv.code, lv.rank, lv.applies_to, lv.maps_to) for lv in rs.levels],
        "score_bands": {lv.code: lv.score_min for lv in rs.levels if lv.score_min is not None},
        # (numerator, denominator, reached at the fraction itself rather than above it)
        "vote_thresholds": {
            lv.code: (
                lv.vote_threshold_numerator,
                lv.vote_threshold_denominator,
                lv.vote_threshold_at_least,
            )
            for lv in rs.levels
        },
        "criteria": rs.groups,
    }
    for level, d in rs.deadlines.items():
        out[f"deadline_{level}"] = (d.day, d.month, d.next_year)
    out["frameworks"] = {code: _framework_facts(f) for code, f in rs.frameworks.items()}
    return out


def _framework_facts(framework: dict[str, Any]) -> tuple:
    """A framework per form (issue 14 item 2): its criteria points, the bounds its measured
    conditions and grounds read, and whether it is assessed quarterly and averaged (R27)."""
    criteria = {
        group["code"]: (group["max_points"], {i["code"]: i["max_points"] for i in group["items"]})
        for group in framework["criteria"]
    }
    measured = sorted(
        (where, c["code"], c["measure"]["name"], bound, c["measure"][bound])
        for where, conditions in [
            *framework["level_conditions"].items(),
            ("grounds", framework["grounds"]),
        ]
        for c in conditions
        if "measure" in c
        for bound in ("min", "max", "above", "below")
        if bound in c["measure"]
    )
    return criteria, measured, (framework["quarterly"], framework["quarterly_averaging"])


# --- Sources (DOMAIN.md section 2 and the rules it numbers) ---------------------------------------
HD20 = "Hướng dẫn 20-HD/BTCTW (10/10/2008)"
HD07 = "Hướng dẫn 07-HD/BTCTW (2011)"
HD27 = "Hướng dẫn 27-HD/BTCTW (25/9/2014)"
QD132 = "Quy định 132-QĐ/TW (08/3/2018), Hướng dẫn 16-HD/BTCTW (24/9/2018)"
HD21 = "Hướng dẫn 21-HD/BTCTW (2019)"
QD124 = "Quy định 124-QĐ/TW (04/10/2023), Hướng dẫn 25-HD/BTCTW (10/11/2023)"
QD366 = "Quy định 366-QĐ/TW (30/8/2025)"
HD43 = "Hướng dẫn 43-HD/BTCTW (31/10/2025)"
DEFAULT = "product default (DOMAIN.md Decision; the fixture's notes say so)"
MAJORITY = "Điều lệ Đảng art. 10: more than half (DOMAIN.md R18)"
QUORUM = "DOMAIN.md R18: valid with at least two thirds of the counted full members (configurable)"
NEXT = True  # the deadline falls in the next year

# Level lists: (code, rank, applies_to, maps_to), best first (R2; DOMAIN.md section 2).
FOUR_LEVELS = [
    ("HTXSNV", 1, "both", "excellent"),
    ("HTTNV", 2, "both", "good"),
    ("HTNV", 3, "both", "completed"),
    ("KHTNV", 4, "both", "not_completed"),
]
HALF = (1, 2, False)  # more than half
TWO_THIRDS_UP = (2, 3, True)  # "from two thirds up": 6 of 9 is enough
OLD_DEADLINES = {
    "deadline_cell": Fact((20, 12, False), f"DOMAIN.md R19: cells' meetings by 20/12, {DEFAULT}"),
    "deadline_grassroots": Fact((31, 12, False), f"DOMAIN.md R19: decisions by 31/12, {DEFAULT}"),
    "deadline_superior": Fact((10, 2, NEXT), "DOMAIN.md R19: older plans used 10/2 (districts)"),
    "deadline_province": Fact((1, 3, NEXT), "DOMAIN.md R19: older plans used 1/3 (province)"),
}
NO_EXCELLENT_UNIT_PREREQUISITES = {
    "excellent_unit_all_completed": Fact(False, f"DOMAIN.md R7 names none before 2019; {DEFAULT}"),
    "excellent_unit_min_good_share": Fact(None, f"DOMAIN.md R7 names none before 2019; {DEFAULT}"),
    "excellent_unit_no_discipline_below": Fact(False, "DOMAIN.md R7: from 2025 (Quy định 366)"),
}
HD21_EXCELLENT_UNIT = {
    "excellent_unit_all_completed": Fact(True, f"{HD21} (DOMAIN.md R7): all below ≥ completed"),
    "excellent_unit_min_good_share": Fact(80, f"{HD21} (DOMAIN.md R7): ≥ 80 % at least good"),
    "excellent_unit_no_discipline_below": Fact(False, "DOMAIN.md R7: from 2025 (Quy định 366)"),
}
PRE_2018_NOTES = "the 2008–2017 files' notes"
OLD_QUOTA = {
    "quota_percent": Fact(20, f"members' 20 % quota: {DEFAULT} ({PRE_2018_NOTES})"),
    "quota_raised_percent": Fact(20, f"no raise to 25 % before {QD366}: {DEFAULT}"),
    "quota_denominator": Fact("good_or_above", f"DOMAIN.md R11 (as 2019–2022); {DEFAULT}"),
    "quota_group": Fact("grassroots_organization", f"DOMAIN.md R10 (default group); {DEFAULT}"),
    "quota_for_organizations": Fact(
        False,
        f"DOMAIN.md R10, {PRE_2018_NOTES}: no cap on organizations' top level before {QD132} "
        "(Bắc Bình 2017: 11 clean and strong of 21 rated well completed or above)",
    ),
}
HD21_QUOTA = {
    "quota_percent": Fact(20, f"{HD21} (DOMAIN.md R10): ≤ 20 % within a grassroots organization"),
    "quota_raised_percent": Fact(20, f"no 25 % raise before {QD366}; {DEFAULT}"),
    "quota_denominator": Fact(
        "good_or_above", "DOMAIN.md R11: 2019–2022 good or above (the Phú Thọ 2022 figures)"
    ),
    "quota_group": Fact("grassroots_organization", f"{HD21} (DOMAIN.md R10)"),
    "quota_for_organizations": Fact(True, f"DOMAIN.md R10: the 20 % cap came with {QD132}"),
}
NO_STATE_LEVEL_CAPS = {
    "state_level_caps": Fact([], "DOMAIN.md R6: from Hướng dẫn 21 §2.3a (2019)"),
}
STATE_LEVEL_CAPS = {
    "state_level_caps": Fact(
        ["excellent", "not_completed"],
        "DOMAIN.md R6: Hướng dẫn 21 §2.3a and successors: excellent as a member only if excellent "
        "as an employee; a not-completed state rating forces not completed",
    ),
}
PRE_2018_MONTHS = Fact(
    6,
    "DOMAIN.md R13: admitted less than 6 months; issue 13 moved only 2018–2022 to 0 "
    f"({HD21}); the 2008–2017 files cite no clause for it",
)
HD21_MONTHS = Fact(
    0,
    f"{HD21} assesses every member but the exempted and the suspended; the 6-month exclusion "
    f"came with {QD124} (the 2018 and 2019 files' notes)",
)


EXPECTED: dict[int, dict[str, Fact]] = {
    2008: {
        "score_max": Fact(100, f"{HD20}: scoring sheet on the four standards; {DEFAULT}"),
        **OLD_QUOTA,
        "quorum": Fact((2, 3), QUORUM),
        "min_months_since_admission": PRE_2018_MONTHS,
        "temporary_transfer_not_classified": Fact(True, "DOMAIN.md R13: KPL up to 2018"),
        "discipline_duty_related_only": Fact(False, "DOMAIN.md R4: duty-related only from 2025"),
        "discipline_cleared_by_remedy": Fact(False, "DOMAIN.md R4: the exception from 2023"),
        **NO_EXCELLENT_UNIT_PREREQUISITES,
        **NO_STATE_LEVEL_CAPS,
        "correction_rule": Fact("wrong_or_dishonest", f"DOMAIN.md R9; {DEFAULT}"),
        "levels": Fact(
            [
                ("TSVM", 1, "organization", "excellent"),
                ("DTC_HTXSNV", 2, "member", "excellent"),
                ("HTTNV", 3, "organization", "good"),
                ("DTC_HTTNV", 4, "member", "good"),
                ("HTNV", 5, "organization", "completed"),
                ("DTC_HTNV", 6, "member", "completed"),
                ("YEU_KEM", 7, "organization", "not_completed"),
                ("VPTC", 8, "member", "not_completed"),
            ],
            f"DOMAIN.md section 2 ({HD20}; members' “đủ tư cách …” wording of 2008–2013)",
        ),
        "score_bands": Fact({"DTC_HTXSNV": 90, "DTC_HTTNV": 70, "DTC_HTNV": 50}, DEFAULT),
        "vote_thresholds": Fact(
            dict.fromkeys(
                ["TSVM", "DTC_HTXSNV", "HTTNV", "DTC_HTTNV", "HTNV", "DTC_HTNV", "YEU_KEM", "VPTC"],
                HALF,
            ),
            MAJORITY,
        ),
        "criteria": Fact(
            {code: (25, {code: 25}) for code in ("politics", "ethics", "discipline", "tasks")},
            f"{HD20}: four standards; 25 points each is a {DEFAULT}",
        ),
        **OLD_DEADLINES,
    },
    2011: {
        "score_max": Fact(None, f"{HD07}: no score"),
        **OLD_QUOTA,
        "quorum": Fact((2, 3), QUORUM),
        "min_months_since_admission": PRE_2018_MONTHS,
        "temporary_transfer_not_classified": Fact(True, "DOMAIN.md R13: KPL up to 2018"),
        "discipline_duty_related_only": Fact(False, "DOMAIN.md R4: duty-related only from 2025"),
        "discipline_cleared_by_remedy": Fact(False, "DOMAIN.md R4: the exception from 2023"),
        **NO_EXCELLENT_UNIT_PREREQUISITES,
        **NO_STATE_LEVEL_CAPS,
        "correction_rule": Fact("wrong_or_dishonest", f"DOMAIN.md R9; {DEFAULT}"),
        "levels": Fact(
            [
                ("TSVM_TIEU_BIEU", 1, "organization", "excellent"),
                ("TSVM", 2, "organization", "excellent"),
                ("DTC_HTXSNV", 3, "member", "excellent"),
                ("HTTNV", 4, "organization", "good"),
                ("DTC_HTTNV", 5, "member", "good"),
                ("HTNV", 6, "organization", "completed"),
                ("DTC_HTNV", 7, "member", "completed"),
                ("YEU_KEM", 8, "organization", "not_completed"),
                ("VPTC", 9, "member", "not_completed"),
            ],
            f"DOMAIN.md section 2: {HD07}: TSVM (tiêu biểu), HTTNV, HTNV, Yếu kém; members "
            "“đủ tư cách HTXSNV/HTTNV/HTNV”, “vi phạm tư cách hoặc KHTNV”",
        ),
        "score_bands": Fact({}, f"{HD07}: no score"),
        "vote_thresholds": Fact(
            {
                "TSVM_TIEU_BIEU": TWO_THIRDS_UP,
                "TSVM": TWO_THIRDS_UP,
                "DTC_HTXSNV": TWO_THIRDS_UP,
                "HTTNV": HALF,
                "DTC_HTTNV": HALF,
                "HTNV": HALF,
                "DTC_HTNV": HALF,
                "YEU_KEM": HALF,
                "VPTC": HALF,
            },
            f"DOMAIN.md R18: {HD07}: two thirds or more of the counted full members for an "
            "excellent level (“từ hai phần ba trở lên”, 6 of 9 is enough: the file's notes); "
            f"{MAJORITY} otherwise",
        ),
        "criteria": Fact({}, f"{HD07}: no score"),
        **OLD_DEADLINES,
    },
}

_HD27_LEVELS_COMMON = [
    ("TSVM", 1, "organization", "excellent"),
    ("HTXSNV", 2, "member", "excellent"),
    ("HTTNV", 3, "both", "good"),
    ("HTNV", 4, "both", "completed"),
]
for _year, _last, _levels in (
    (
        2014,
        2016,
        [
            *_HD27_LEVELS_COMMON,
            ("YEU_KEM", 5, "organization", "not_completed"),
            ("KHTNV", 6, "member", "not_completed"),
        ],
    ),
    (
        2017,
        2017,
        [
            *_HD27_LEVELS_COMMON,
            ("HTNV_HAN_CHE", 5, "member", "completed"),
            ("YEU_KEM", 6, "organization", "not_completed"),
            ("KHTNV", 7, "member", "not_completed"),
        ],
    ),
):
    EXPECTED[_year] = {
        "score_max": Fact(100, f"{HD27}: organizations scored out of 100"),
        **OLD_QUOTA,
        "quorum": Fact((2, 3), QUORUM),
        "min_months_since_admission": PRE_2018_MONTHS,
        "temporary_transfer_not_classified": Fact(True, "DOMAIN.md R13: KPL up to 2018"),
        "discipline_duty_related_only": Fact(False, "DOMAIN.md R4: duty-related only from 2025"),
        "discipline_cleared_by_remedy": Fact(False, "DOMAIN.md R4: the exception from 2023"),
        **NO_EXCELLENT_UNIT_PREREQUISITES,
        **NO_STATE_LEVEL_CAPS,
        "correction_rule": Fact("wrong_or_dishonest", f"DOMAIN.md R9; {DEFAULT}"),
        "levels": Fact(
            _levels,
            f"DOMAIN.md section 2: {HD27}: orgs TSVM, HTTNV, HTNV, Yếu kém; members HTXSNV, "
            "HTTNV, HTNV, KHTNV; 2017 also “đủ tư cách HTNV nhưng có hạn chế từng mặt”",
        ),
        "score_bands": Fact(
            {"TSVM": 90, "HTTNV": 70, "HTNV": 50},
            f"{HD27}: below 50 points is yếu kém (DOMAIN.md section 2); 90 and 70 are {DEFAULT}",
        ),
        "vote_thresholds": Fact({code: HALF for code, *_ in _levels}, MAJORITY),
        "criteria": Fact({}, f"{HD27}: no criteria groups in the application"),
        **OLD_DEADLINES,
    }

for _year, _transfer in (
    (2018, "not classified by the official cell in 2018 (Hướng dẫn 16; the 2018 file's notes)"),
    (2019, f"rated by the official cell from 2019 ({HD21} §II.B.6)"),
):
    EXPECTED[_year] = {
        "score_max": Fact(None, f"{QD132}: no score"),
        **HD21_QUOTA,
        "quorum": Fact((2, 3), QUORUM),
        "min_months_since_admission": HD21_MONTHS,
        "temporary_transfer_not_classified": Fact(_year == 2018, f"DOMAIN.md R13: {_transfer}"),
        "discipline_duty_related_only": Fact(False, f"DOMAIN.md R4: {HD21}: any discipline"),
        "discipline_cleared_by_remedy": Fact(
            False,
            f"DOMAIN.md R4: {HD21}, a member disciplined in the year did not complete tasks; the "
            f"“found and remedied” exception starts with {QD124} (the file's notes)",
        ),
        **HD21_EXCELLENT_UNIT,
        **STATE_LEVEL_CAPS,
        "correction_rule": Fact("wrong_or_dishonest", f"DOMAIN.md R9; {DEFAULT}"),
        "levels": Fact(FOUR_LEVELS, f"DOMAIN.md section 2: {QD132}: four levels for everyone"),
        "score_bands": Fact({}, f"{QD132}: no score"),
        "vote_thresholds": Fact({code: HALF for code, *_ in FOUR_LEVELS}, MAJORITY),
        "criteria": Fact({}, f"{QD132}: no score"),
        "deadline_state_employee": Fact((15, 12, False), f"state-employee ratings: {DEFAULT}"),
        **OLD_DEADLINES,
    }
# The 2018 file applies Hướng dẫn 21's rules where its notes say 2018 "uses the same"; for R6 its
# notes cite no clause of Hướng dẫn 16 (2018): the value is pinned as the file has it.
EXPECTED[2018]["state_level_caps"] = Fact(
    ["excellent", "not_completed"],
    f"DOMAIN.md R6 (Hướng dẫn 21 §2.3a, 2019) as the 2018 file applies it; {DEFAULT} for 2018",
)

EXPECTED[2023] = {
    "score_max": Fact(None, f"{QD124}: no score"),
    **HD21_QUOTA,
    "quota_denominator": Fact("good_or_above", f"DOMAIN.md R11 (as 2019–2022); {DEFAULT}"),
    "quorum": Fact((2, 3), QUORUM),
    "min_months_since_admission": Fact(6, f"DOMAIN.md R13: {QD124}, admitted < 6 months"),
    "temporary_transfer_not_classified": Fact(
        False, f"DOMAIN.md R13: rated by the official cell from 2019 ({HD21} §II.B.6)"
    ),
    "discipline_duty_related_only": Fact(False, f"DOMAIN.md R4: {QD124}: any discipline"),
    "discipline_cleared_by_remedy": Fact(True, f"DOMAIN.md R4: {QD124}: found and remedied"),
    **HD21_EXCELLENT_UNIT,
    "excellent_unit_min_good_share": Fact(80, f"{HD21}'s 80 % kept: {DEFAULT}"),
    **STATE_LEVEL_CAPS,
    "correction_rule": Fact("discipline_rerates", "DOMAIN.md R9: Hướng dẫn 25, 4.5"),
    "levels": Fact(FOUR_LEVELS, f"DOMAIN.md section 2: {QD124}: the same four levels"),
    "score_bands": Fact({}, f"{QD124}: no score"),
    "vote_thresholds": Fact({code: HALF for code, *_ in FOUR_LEVELS}, MAJORITY),
    "criteria": Fact({}, f"{QD124}: no score"),
    "deadline_state_employee": Fact((15, 12, False), f"state-employee ratings: {DEFAULT}"),
    **OLD_DEADLINES,
}

EXPECTED[2025] = {
    "score_max": Fact(100, f"DOMAIN.md R3: {QD366} art. 10–11, a 100-point scale"),
    "quota_percent": Fact(20, f"DOMAIN.md R10: {QD366} art. 11, at most 20 %"),
    "quota_raised_percent": Fact(25, f"DOMAIN.md R10: {QD366} art. 11, up to 25 % by decision"),
    "quota_denominator": Fact(
        "good_only",
        f"DOMAIN.md R11: {QD366} art. 11, those rated good (the literal reading; the 25 % raise "
        "only makes sense on that base: the file's notes)",
    ),
    "quota_group": Fact("grassroots_organization", "DOMAIN.md R10 (default group)"),
    "quota_for_organizations": Fact(
        True, f"DOMAIN.md R10 and section 2 (excellent, collective: “and the quota”): {QD366}"
    ),
    "quorum": Fact((2, 3), QUORUM),
    "min_months_since_admission": Fact(6, "DOMAIN.md R13: admitted < 6 months"),
    "temporary_transfer_not_classified": Fact(False, "DOMAIN.md R13: Hướng dẫn 43, 7.6"),
    "discipline_duty_related_only": Fact(True, f"DOMAIN.md R4: {QD366}: duty-related"),
    "discipline_cleared_by_remedy": Fact(False, f"DOMAIN.md R4: {QD366}: not automatically"),
    "excellent_unit_all_completed": Fact(False, f"DOMAIN.md R7: {QD366} drops it"),
    "excellent_unit_min_good_share": Fact(None, f"DOMAIN.md R7: {QD366} drops it"),
    "excellent_unit_no_discipline_below": Fact(True, f"DOMAIN.md R7: {QD366}: none disciplined"),
    **STATE_LEVEL_CAPS,
    "correction_rule": Fact("wrong_or_dishonest", "DOMAIN.md R9: 2025–, form 03"),
    "levels": Fact(FOUR_LEVELS, f"DOMAIN.md section 2: {QD366}: the same four levels"),
    "score_bands": Fact(
        {"HTXSNV": 90, "HTTNV": 70, "HTNV": 50},
        f"DOMAIN.md R3: {QD366} art. 10–11: ≥ 90, 70–<90, 50–<70, < 50",
    ),
    "vote_thresholds": Fact({code: HALF for code, *_ in FOUR_LEVELS}, MAJORITY),
    "criteria": Fact(
        {
            "common": (30, {"politics_ethics": 15, "capacity_attitude": 10, "self_criticism": 5}),
            "tasks": (70, {"volume": 30, "progress": 20, "quality": 20}),
        },
        f"DOMAIN.md R3: {QD366}: common criteria 30, task results 70; the items are set by "
        f"the superior committee ({HD43}, 7.12): {DEFAULT}",
    ),
    "deadline_state_employee": Fact((15, 12, False), f"DOMAIN.md R19: {HD43} §4.1, before 15/12"),
    "deadline_cell": Fact((20, 12, False), f"DOMAIN.md R19: cells' meetings by 20/12, {DEFAULT}"),
    "deadline_grassroots": Fact((31, 12, False), f"DOMAIN.md R19: {HD43} §4.1, before 31/12"),
    "deadline_superior": Fact(
        (31, 12, False),
        f"DOMAIN.md R19: {HD43} §4.1, all ratings before 31/12 (15/01 only for units whose "
        "working year ends later)",
    ),
    "deadline_province": Fact((1, 2, NEXT), f"DOMAIN.md R19: {HD43}: form 04 before 01/02"),
    "deadline_central": Fact((1, 3, NEXT), f"DOMAIN.md R19: {HD43}: central report by 01/03"),
}

# Frameworks per form (issue 14 item 2; R3, R5, R27): from 2023 (forms 01, 02A, 02B).
NOT_QUARTERLY = (False, False)
EXPECTED[2023]["frameworks"] = Fact(
    {
        "collective": (
            {},
            [("HTXSNV", "no_subordinate_below_completed", "subordinates_not_completed", "max", 0)],
            NOT_QUARTERLY,
        ),
        "leader": (
            {},
            [
                ("HTTNV", "led_units_all_completed", "led_units_not_completed_percent", "max", 0),
                ("HTXSNV", "led_units_all_good", "led_units_below_good_percent", "max", 0),
            ],
            NOT_QUARTERLY,
        ),
        "member": ({}, [], NOT_QUARTERLY),
        "outside_political_system": ({}, [], NOT_QUARTERLY),
    },
    f"{QD124}: forms 01, 02A, 02B without scores; the conditions' wording is the product's "
    "reading, to be checked by the province (the file's notes)",
)
EXPECTED[2025]["frameworks"] = Fact(
    {
        "collective": (
            {
                "common": (
                    30,
                    {"political_leadership": 10, "organization_cadres": 10, "inspection": 10},
                ),
                "tasks": (70, {"targets": 50, "subordinates": 20}),
            },
            [
                ("HTXSNV", "no_subordinate_discipline", "disciplined_below", "max", 0),
                ("grounds", "member_disciplined", "members_disciplined", "above", 0),
            ],
            NOT_QUARTERLY,
        ),
        "leader": (
            {
                "common": (
                    30,
                    {"politics_ethics": 15, "leadership_capacity": 10, "self_criticism": 5},
                ),
                "tasks": (70, {"led_units_results": 40, "own_tasks": 30}),
            },
            [
                (
                    "grounds",
                    "led_units_not_completed_over_half",
                    "led_units_not_completed_percent",
                    "above",
                    50,
                )
            ],
            (True, False),
        ),
        "member": ({}, [], NOT_QUARTERLY),
        "outside_political_system": (
            {
                "common": (30, {"politics_ethics": 20, "self_criticism": 10}),
                "tasks": (70, {"party_tasks": 40, "residence": 30}),
            },
            [],
            NOT_QUARTERLY,
        ),
    },
    f"DOMAIN.md R3, R5, R27: {QD366} art. 10–11, 30 + 70 points per framework, the items by "
    f"the superior committee ({HD43}, 7.12): {DEFAULT}; a leader: over half of the units led "
    "not completed; a collective: nothing below disciplined; leaders quarterly (Kết luận 198), "
    "not averaged",
)
for _table in EXPECTED.values():
    _table.setdefault("frameworks", Fact({}, "no frameworks per form before 2023 (02A/02B)"))


CASES = [
    pytest.param(year, name, fact, id=f"{year}-{name}")
    for year, table in EXPECTED.items()
    for name, fact in table.items()
]


@pytest.mark.parametrize(("year", "name", "fact"), CASES)
def test_each_value_is_the_one_its_source_gives(year, name, fact):
    """R1: the rule set in force in `year` holds the value its source text gives (fact.source)."""
    assert fact.source
    assert facts(mem.for_year(year))[name] == fact.value, fact.source


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_the_table_covers_every_value_the_app_reads(year):
    """A value the app reads but this table does not check would escape the test."""
    assert set(facts(mem.for_year(year))) == set(EXPECTED[year])


# DOMAIN.md section 2: the years each text starts to apply.
ERA_STARTS = {
    2008: HD20,
    2011: HD07,
    2014: HD27,
    2017: f"{HD27} (2017 adds a member level)",
    2018: QD132,
    2023: QD124,
    2025: QD366,
}
LAST_YEARS = range(2008, 2031)


def _coverage_problems(defs: dict[str, dict]) -> list[str]:
    """Years from 2008 not covered by exactly one rule set, and era starts that are not the
    first year of a rule set (R1: each year is reported under its own rules)."""
    problems = []
    for year in LAST_YEARS:
        covering = [
            name
            for name, d in defs.items()
            if d["first_year"] <= year and (d.get("last_year") is None or year <= d["last_year"])
        ]
        if len(covering) != 1:
            problems.append(f"{year}: covered by {covering}")
    starts = {d["first_year"] for d in defs.values()}
    problems += [f"{year} does not start a rule set" for year in ERA_STARTS if year not in starts]
    return problems


def test_every_year_from_2008_is_covered_by_exactly_one_rule_set_starting_with_its_era():
    """R1 and DOMAIN.md section 2: no gap, no overlap; each era starts in its text's year."""
    assert _coverage_problems(mem.definitions()) == []


def test_criteria_items_add_up_to_their_group_and_the_groups_to_the_scale():
    """R3 (Quy định 366 art. 10): the items of a group add up to the group's points, and the
    groups to the rule set's scale when there is one."""
    for year in EXPECTED:
        rs = mem.for_year(year)
        for code, (points, items) in rs.groups.items():
            assert sum(items.values()) == points, (year, code)
        if rs.groups and rs.rule_set.score_max is not None:
            assert sum(p for p, _ in rs.groups.values()) == rs.rule_set.score_max, year


def _leaves(node: Any, path: tuple = ()):
    """Every number and boolean in a definition, with its path (notes and names excluded)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "forms":
                yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    elif isinstance(node, bool | int | float):
        yield path, node


def _set(data: dict, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _pinned_mismatches(data: dict, years: list[int]) -> list[tuple[int, str, Any]]:
    """The facts of `years` that `data` does not match, with the value found."""
    found = facts(mem.load(data))
    return [
        (year, name, found.get(name, "(missing)"))
        for year in years
        for name, fact in EXPECTED[year].items()
        if found.get(name, "(missing)") != fact.value
    ]


@pytest.mark.parametrize("file_name", sorted(mem.definitions()))
def test_a_change_of_one_unit_anywhere_fails(file_name):
    """Issue 20: any number in any rule set changed by one (or any flag flipped) makes a fact of
    this table differ, or leaves a year without exactly one rule set."""
    original = mem.definitions()[file_name]
    defs = mem.definitions()
    years = [y for y in EXPECTED if mem.file_for_year(y, defs) == file_name]
    assert years, f"{file_name} has no era in the table"
    # Compared with the file as it is, so that this test says which value escapes the table
    # and the value tests say which value is wrong.
    before = (_pinned_mismatches(original, years), _coverage_problems(defs))
    unpinned = []
    for path, value in _leaves(original):
        changed = copy.deepcopy(original)
        _set(changed, path, (not value) if isinstance(value, bool) else value + 1)
        changed_defs = defs | {file_name: changed}
        after = (_pinned_mismatches(changed, years), _coverage_problems(changed_defs))
        if after == before:
            unpinned.append("/".join(map(str, path)))
    assert unpinned == [], unpinned
