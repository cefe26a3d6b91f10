import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from assessment import rules
from assessment.models import RuleSet
from members.models import DisciplineRecord, StatusKind, StatusPeriod

YEAR = 2025
ASSESSMENT_DATE = datetime.date(2025, 12, 1)


def status(admission=datetime.date(2010, 1, 1), statuses=(), transfer_kpl=False):
    return rules.derived_status(
        admission_date=admission,
        statuses=statuses,
        assessment_date=ASSESSMENT_DATE,
        year=YEAR,
        min_months_since_admission=6,
        temporary_transfer_not_classified=transfer_kpl,
    )


def period(kind, start, end=None):
    return StatusPeriod(kind=kind, start=start, end=end)


class TestR13NotClassified:
    def test_a_member_with_nothing_special_is_assessed(self):
        assert status() == rules.ASSESS

    def test_exemption_overlapping_the_year_is_kpl(self):
        exempt = period(StatusKind.EXEMPTION, datetime.date(2023, 1, 1))
        assert status(statuses=[exempt]) == rules.Status("kpl", "mien_sinh_hoat")

    def test_an_exemption_that_ended_before_the_year_does_not_count(self):
        old = period(StatusKind.EXEMPTION, datetime.date(2020, 1, 1), datetime.date(2024, 12, 31))
        assert status(statuses=[old]) == rules.ASSESS

    def test_suspension_is_kpl(self):
        suspended = period(StatusKind.SUSPENSION, datetime.date(2025, 9, 1))
        assert status(statuses=[suspended]) == rules.Status("kpl", "dinh_chi")

    def test_admitted_less_than_six_months_before_is_kpl_and_exactly_six_is_not(self):
        assert status(admission=datetime.date(2025, 6, 2)).reason == "moi_ket_nap"
        assert status(admission=datetime.date(2025, 6, 1)) == rules.ASSESS

    def test_temporary_transfer_is_kpl_only_under_rule_sets_that_say_so(self):
        away = period(StatusKind.TEMPORARY_TRANSFER, datetime.date(2025, 2, 1))
        assert status(statuses=[away]) == rules.ASSESS  # 2025–: the official cell rates
        assert status(statuses=[away], transfer_kpl=True).reason == "chuyen_tam_thoi"


class TestR18Counting:
    def test_the_count_is_full_members_minus_away_minus_absent_exempted(self):
        assert rules.counted_voters(full_members=20, temporarily_away=2, exempted_absent=3) == 15

    @pytest.mark.parametrize(
        ("present", "counted", "met"),
        [
            (10, 15, True),
            (9, 15, False),
            (2, 3, True),
            (1, 3, False),
            (0, 0, False),
            (7, 10, True),
            (6, 10, False),
        ],
    )
    def test_quorum_is_two_thirds_of_the_counted_members(self, present, counted, met):
        assert rules.quorum_met(present=present, counted=counted, numerator=2, denominator=3) is met

    def test_votes_above_those_present_are_rejected(self):
        assert rules.vote_errors({"HTXSNV": 5, "HTTNV": 6}, present=10)
        assert rules.vote_errors({"HTXSNV": 5, "HTTNV": 5}, present=10) == []

    def test_negative_votes_are_rejected(self):
        assert rules.vote_errors({"HTXSNV": -1}, present=10)


@pytest.fixture
def levels(db):
    return list(RuleSet.objects.get(code="QD366-2025").levels.order_by("rank"))


class TestR18CumulativeMajority:
    def propose(self, levels, counted, **votes):
        level = rules.proposed_level(votes, levels, counted=counted)
        return level.code if level else None

    def test_the_highest_level_with_a_majority_wins(self, levels):
        assert self.propose(levels, 10, HTXSNV=6, HTTNV=4) == "HTXSNV"

    def test_votes_for_higher_levels_count_toward_lower_ones(self, levels):
        # 4 excellent + 2 good = 6 > 5: good, although neither level alone has a majority
        assert self.propose(levels, 10, HTXSNV=4, HTTNV=2, HTNV=4) == "HTTNV"

    def test_exactly_half_is_not_a_majority(self, levels):
        assert self.propose(levels, 10, HTXSNV=5, HTTNV=0) is None
        assert self.propose(levels, 10, HTXSNV=5, HTTNV=1) == "HTTNV"

    def test_the_base_is_the_counted_members_not_those_present(self, levels):
        # 7 present of 15 counted: 7 votes are not more than 7.5
        assert self.propose(levels, 15, HTXSNV=7) is None

    def test_no_votes_is_no_proposal(self, levels):
        assert self.propose(levels, 10) is None
        assert self.propose(levels, 0, HTXSNV=3) is None

    def test_a_level_may_require_two_thirds(self, levels):
        levels[0].vote_threshold_numerator, levels[0].vote_threshold_denominator = 2, 3
        # 6 of 9 is not more than 2/3 for excellent, but is a majority for good or higher
        assert self.propose(levels, 9, HTXSNV=6) == "HTTNV"
        assert self.propose(levels, 9, HTXSNV=7) == "HTXSNV"
        assert self.propose(levels, 9, HTXSNV=4) is None


ALL_MET = {
    "all_tasks_on_time": True,
    "exceeded_30_percent": True,
    "shortcomings_remedied": True,
    "all_tasks_done_20_late": True,
}


class TestR3SelfAssessedLevel:
    def level(self, levels, score, **conditions):
        return rules.self_assessed_level(
            score=Decimal(score), conditions=ALL_MET | conditions, levels=levels
        )

    @pytest.mark.parametrize(
        ("score", "code"),
        [
            ("100", "HTXSNV"),
            ("90", "HTXSNV"),
            ("89.99", "HTTNV"),
            ("70", "HTTNV"),
            ("69.5", "HTNV"),
            ("50", "HTNV"),
            ("49.99", "KHTNV"),
            ("0", "KHTNV"),
        ],
    )
    def test_bands(self, levels, score, code):
        assert self.level(levels, score).level.code == code

    def test_a_failing_condition_caps_the_level_and_says_why(self, levels):
        result = self.level(levels, "95", exceeded_30_percent=False)
        assert result.level.code == "HTTNV"
        assert "30%" in result.notes[0]

    def test_gap_when_no_condition_holds_in_a_passing_band(self, levels):
        result = self.level(levels, "60", all_tasks_done_20_late=False)
        assert result.level.code == "KHTNV" and result.gap
        assert result.notes

    def test_a_low_score_is_not_completed_without_a_gap(self, levels):
        result = self.level(levels, "40")
        assert result.level.code == "KHTNV" and not result.gap


def rule_set(duty_only, remedy_clears):
    return SimpleNamespace(
        discipline_duty_related_only=duty_only, discipline_cleared_by_remedy=remedy_clears
    )


def record(**kw):
    values = {
        "decided_on": datetime.date(2025, 5, 1),
        "form": "khien_trach",
        "duty_related": True,
        "self_discovered_and_remedied": False,
        "reason": "x",
    } | kw
    return DisciplineRecord(**values)


class TestR4Discipline:
    def test_2025_duty_related_reprimand_makes_not_completed_even_if_remedied(self):
        grounds = rules.discipline_grounds(
            [record(self_discovered_and_remedied=True)], year=2025, rule_set=rule_set(True, False)
        )
        assert len(grounds) == 1

    def test_2025_discipline_unrelated_to_duties_does_not(self):
        grounds = rules.discipline_grounds(
            [record(duty_related=False)], year=2025, rule_set=rule_set(True, False)
        )
        assert grounds == []

    def test_2018_2024_remedied_fault_found_by_the_member_is_cleared(self):
        old_rules = rule_set(False, True)
        assert (
            rules.discipline_grounds(
                [record(self_discovered_and_remedied=True, duty_related=False)],
                year=2025,
                rule_set=old_rules,
            )
            == []
        )
        assert (
            len(
                rules.discipline_grounds(
                    [record(duty_related=False)], year=2025, rule_set=old_rules
                )
            )
            == 1
        )

    def test_discipline_of_another_year_does_not_count(self):
        assert (
            rules.discipline_grounds(
                [record(decided_on=datetime.date(2024, 12, 31))],
                year=2025,
                rule_set=rule_set(True, False),
            )
            == []
        )

    def test_a_ground_makes_the_self_assessment_not_completed(self, levels):
        result = rules.self_assessed_level(
            score=Decimal(95), conditions=ALL_MET, levels=levels, grounds=["kỷ luật"]
        )
        assert result.level.code == "KHTNV"


class TestR19Lateness:
    due = datetime.date(2025, 12, 20)

    def test_done_by_the_deadline_day_is_on_time(self):
        done = datetime.datetime(2025, 12, 20, 16, 59, tzinfo=datetime.UTC)  # 23:59 in Hà Nội
        assert not rules.is_late(done_at=done, due=self.due, today=datetime.date(2026, 1, 5))

    def test_done_after_it_is_late_even_if_seen_later(self):
        done = datetime.datetime(2025, 12, 20, 17, 1, tzinfo=datetime.UTC)  # 00:01 on 21/12
        assert rules.is_late(done_at=done, due=self.due, today=datetime.date(2025, 12, 21))

    def test_open_work_is_late_only_after_the_day(self):
        assert not rules.is_late(done_at=None, due=self.due, today=self.due)
        assert rules.is_late(done_at=None, due=self.due, today=datetime.date(2025, 12, 21))
        assert not rules.is_late(done_at=None, due=None, today=self.due)
