"""Every comparison of the rule modules at the edge the regulation names, and one step either side
(issue 20): `assessment/rules.py` and `assessment/quota.py`. Each era-specific clause is tried in an
era where it applies and in one where it does not, with that era's own rule set read from
fixtures/rule_sets through the real loader (unsaved: no database, so `make mutation` stays fast).

Issue 13's corrections (R6 state-employee level, the 2018–2024 era starts, the 2011 "from two
thirds up") are asserted as the regulation says, with the source the rule sets' notes record.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from assessment import quota, rules
from members.models import DisciplineRecord, StatusKind, StatusPeriod
from tests.assessment import rule_sets_in_memory as mem

D = datetime.date


# --- R13: who is not classified (Quy định 366 art. 4; DOMAIN.md R13) -----------------------------


LONG_AGO = D(2010, 1, 1)
MAY_2025 = D(2025, 5, 1)


def status(*periods, admission=LONG_AGO, year=2025, months=6, transfer_kpl=False, on=None):
    return rules.derived_status(
        admission_date=admission,
        statuses=[StatusPeriod(kind=k, start=s, end=e) for k, s, e in periods],
        assessment_date=on or D(year, 12, 1),
        year=year,
        min_months_since_admission=months,
        temporary_transfer_not_classified=transfer_kpl,
    )


EXEMPT, SUSPENDED, AWAY = (
    StatusKind.EXEMPTION,
    StatusKind.SUSPENSION,
    StatusKind.TEMPORARY_TRANSFER,
)
KPL_EXEMPT = rules.Status("kpl", "mien_sinh_hoat")


class TestR13StatusPeriodsTouchingTheYear:
    """R13: a status period counts when it overlaps the assessment year, even by one day."""

    def test_r13_no_period_at_all_is_assessed(self):
        assert status() == rules.ASSESS == rules.Status("assess", "")

    def test_r13_a_period_starting_on_the_last_day_of_the_year_counts(self):
        assert status((EXEMPT, D(2025, 12, 31), None)) == KPL_EXEMPT

    def test_r13_a_period_starting_the_day_after_the_year_does_not(self):
        assert status((EXEMPT, D(2026, 1, 1), None)) == rules.ASSESS

    def test_r13_a_period_ending_on_the_first_day_of_the_year_counts(self):
        assert status((EXEMPT, D(2020, 1, 1), D(2025, 1, 1))) == KPL_EXEMPT

    def test_r13_a_period_ending_the_day_before_the_year_does_not(self):
        assert status((EXEMPT, D(2020, 1, 1), D(2024, 12, 31))) == rules.ASSESS

    def test_r13_a_period_inside_the_year_counts(self):
        assert status((EXEMPT, D(2025, 3, 1), D(2025, 4, 1))) == KPL_EXEMPT

    def test_r13_an_open_ended_period_started_years_ago_counts(self):
        assert status((SUSPENDED, D(2001, 1, 1), None)) == rules.Status("kpl", "dinh_chi")

    def test_r13_the_year_is_the_one_asked_for(self):
        period = (EXEMPT, D(2024, 6, 1), D(2024, 6, 30))
        assert status(period, year=2024) == KPL_EXEMPT
        assert status(period, year=2025) == rules.ASSESS
        assert status(period, year=2023, on=D(2023, 12, 1)) == rules.ASSESS


class TestR13ReasonsInOrder:
    """R13: one reason code per member, exemption first, then suspension, then admission."""

    def test_r13_exempted_and_suspended_is_exempted(self):
        both = [(SUSPENDED, D(2025, 2, 1), None), (EXEMPT, D(2025, 5, 1), None)]
        assert status(*both) == KPL_EXEMPT

    def test_r13_suspended_and_newly_admitted_is_suspended(self):
        assert status((SUSPENDED, D(2025, 9, 1), None), admission=D(2025, 11, 1)) == rules.Status(
            "kpl", "dinh_chi"
        )

    def test_r13_newly_admitted_and_away_is_newly_admitted(self):
        got = status((AWAY, D(2025, 9, 1), None), admission=D(2025, 11, 1), transfer_kpl=True)
        assert got == rules.Status("kpl", "moi_ket_nap")


class TestR13AdmittedLessThanSixMonths:
    """R13 (Quy định 124, Quy định 366): admitted less than 6 months before the assessment date."""

    def test_r13_admitted_exactly_six_months_before_is_assessed(self):
        assert status(admission=D(2025, 6, 1)) == rules.ASSESS

    def test_r13_admitted_one_day_later_is_not_classified(self):
        assert status(admission=D(2025, 6, 2)) == rules.Status("kpl", "moi_ket_nap")

    def test_r13_admitted_one_day_earlier_is_assessed(self):
        assert status(admission=D(2025, 5, 31)) == rules.ASSESS

    def test_r13_the_months_are_the_rule_sets(self):
        assert status(admission=D(2025, 9, 1), months=3) == rules.ASSESS
        assert status(admission=D(2025, 9, 2), months=3).reason == "moi_ket_nap"
        assert status(admission=D(2025, 12, 1), months=0) == rules.ASSESS


class TestR13TemporaryTransferByEra:
    """R13: a temporary transfer is not classified where the era's rules say so (up to 2018);
    from 2019 (Hướng dẫn 21 §II.B.6) and 2025 (Hướng dẫn 43, 7.6) the official cell rates them."""

    away = (AWAY, D(2025, 2, 1), None)

    def era_status(self, year, *periods):
        rule_set = mem.for_year(year).rule_set
        return status(
            *periods,
            year=year,
            months=rule_set.min_months_since_admission,
            transfer_kpl=rule_set.temporary_transfer_not_classified,
            on=D(year, 12, 1),
        )

    def test_r13_2017_a_temporary_transfer_is_not_classified(self):
        away = (AWAY, D(2017, 2, 1), None)
        assert self.era_status(2017, away) == rules.Status("kpl", "chuyen_tam_thoi")

    def test_r13_2025_the_official_cell_rates_a_temporary_transfer(self):
        assert self.era_status(2025, self.away) == rules.ASSESS

    def test_r13_2020_hd21_the_official_cell_rates_a_temporary_transfer(self):
        assert self.era_status(2020, (AWAY, D(2020, 2, 1), None)) == rules.ASSESS

    def test_r13_the_flag_alone_does_not_make_anyone_not_classified(self):
        assert status(transfer_kpl=True) == rules.ASSESS
        assert status((EXEMPT, D(2026, 1, 1), None), transfer_kpl=True) == rules.ASSESS


# --- R18: counting, quorum, votes (Quy định 294, 9.3.2; Điều lệ art. 10) --------------------------


class TestR18CountedMembers:
    def test_r18_full_members_minus_away_minus_absent_exempted(self):
        assert rules.counted_voters(full_members=20, temporarily_away=2, exempted_absent=3) == 15

    def test_r18_everyone_away_counts_zero(self):
        assert rules.counted_voters(full_members=2, temporarily_away=1, exempted_absent=1) == 0

    def test_r18_the_count_is_never_negative(self):
        assert rules.counted_voters(full_members=1, temporarily_away=2, exempted_absent=3) == 0

    def test_r18_nobody_away_counts_every_full_member(self):
        assert rules.counted_voters(full_members=1, temporarily_away=0, exempted_absent=0) == 1

    def test_r18_qd294_a_suspended_member_does_not_count_among_10_full_members(self):
        """Quy định 294, 9.3.2 and R13: a suspended member (đình chỉ sinh hoạt) neither attends
        nor votes, so a cell of 10 full members with one suspended counts 9."""
        counted = rules.counted_voters(
            full_members=10, temporarily_away=0, exempted_absent=0, suspended=1
        )
        assert counted == 9
        assert (
            rules.counted_voters(
                full_members=10, temporarily_away=1, exempted_absent=1, suspended=1
            )
            == 7
        )


class TestR18Quorum:
    """R18: valid with at least two thirds of the counted members present."""

    @pytest.mark.parametrize(
        ("present", "counted", "met"),
        [(6, 9, True), (5, 9, False), (7, 9, True), (1, 1, True), (0, 1, False), (0, 0, False)],
    )
    def test_r18_two_thirds_at_the_edge(self, present, counted, met):
        assert rules.quorum_met(present=present, counted=counted, numerator=2, denominator=3) is met

    def test_r18_the_fraction_is_the_rule_sets(self):
        # 3 of 4 is three quarters: enough for a half, not for four fifths
        assert rules.quorum_met(present=3, counted=4, numerator=3, denominator=4)
        assert not rules.quorum_met(present=3, counted=4, numerator=4, denominator=5)
        assert not rules.quorum_met(present=2, counted=4, numerator=3, denominator=4)

    def test_r18_nobody_counted_is_never_a_quorum(self):
        assert not rules.quorum_met(present=3, counted=0, numerator=2, denominator=3)


class TestR18VoteErrors:
    def test_r18_votes_equal_to_those_present_are_accepted(self):
        assert rules.vote_errors({"HTXSNV": 4, "HTTNV": 6}, present=10) == []

    def test_r18_one_vote_fewer_than_those_present_is_accepted(self):
        assert rules.vote_errors({"HTXSNV": 4, "HTTNV": 5}, present=10) == []

    def test_r18_one_vote_more_than_those_present_is_refused(self):
        with translation.override("en"):
            assert rules.vote_errors({"HTXSNV": 5, "HTTNV": 6}, present=10) == [
                "11 votes in all, but only 10 full members are present."
            ]

    def test_r18_zero_and_blank_votes_are_accepted(self):
        assert rules.vote_errors({"HTXSNV": 0, "HTTNV": None, "HTNV": 3}, present=3) == []
        assert rules.vote_errors({}, present=0) == []

    def test_r18_each_negative_level_is_named_and_the_sum_is_not_checked_then(self):
        with translation.override("en"):
            errors = rules.vote_errors({"HTXSNV": -1, "HTTNV": 9, "HTNV": -2}, present=1)
        assert errors == [
            "“HTXSNV”: the number of votes cannot be negative.",
            "“HTNV”: the number of votes cannot be negative.",
        ]


def test_r14_r19_review_work_may_be_dated_in_the_year_or_the_next():
    """R14, R19: meetings before 15/01 and the not yet classified in the next first quarter."""
    assert rules.review_dates(2025) == (D(2025, 1, 1), D(2026, 12, 31))


class TestR18CumulativeMajority:
    """R18 (Decision): the highest level whose votes for it or higher exceed its threshold share
    of the counted members: more than half (Điều lệ art. 10) unless the rule set says otherwise."""

    levels = mem.for_year(2025).member_levels()

    def propose(self, counted, **votes):
        level = rules.proposed_level(votes, self.levels, counted=counted)
        return level.code if level else None

    @pytest.mark.parametrize(
        ("votes", "counted", "code"),
        [(5, 10, None), (6, 10, "HTXSNV"), (4, 10, None), (5, 9, "HTXSNV"), (4, 9, None)],
    )
    def test_r18_more_than_half_at_the_edge(self, votes, counted, code):
        assert self.propose(counted, HTXSNV=votes) == code

    def test_r18_votes_for_higher_levels_count_toward_lower_ones_at_the_edge(self):
        assert self.propose(10, HTXSNV=3, HTTNV=2, HTNV=1) == "HTNV"
        assert self.propose(10, HTXSNV=3, HTTNV=3) == "HTTNV"
        assert self.propose(10, HTXSNV=3, HTTNV=2) is None

    def test_r18_blank_votes_count_as_none(self):
        assert self.propose(3, HTXSNV=None, HTTNV=2) == "HTTNV"

    def test_r18_the_lowest_level_needs_a_majority_too(self):
        assert self.propose(10, KHTNV=6) == "KHTNV"
        assert self.propose(10, KHTNV=5) is None

    def test_r18_nobody_counted_is_no_proposal(self):
        assert self.propose(0, HTXSNV=1) is None
        assert self.propose(-1, HTXSNV=1) is None

    def test_r18_one_counted_member_one_vote_proposes(self):
        assert self.propose(1, HTXSNV=1) == "HTXSNV"

    def test_r18_2011_excellent_needs_two_thirds_of_the_counted(self):
        """Hướng dẫn 07 (2011): “from two thirds up” for the top levels (DOMAIN.md R18; the rule
        set's notes): 6 of 9, the exact two thirds, is enough; 5 of 9 is not."""
        levels = mem.for_year(2011).unit_levels()
        assert rules.proposed_level({"TSVM": 7}, levels, counted=9).code == "TSVM"
        assert rules.proposed_level({"TSVM": 6}, levels, counted=9).code == "TSVM"
        assert rules.proposed_level({"TSVM": 5}, levels, counted=9).code == "HTTNV"
        assert rules.proposed_level({"TSVM": 4}, levels, counted=9) is None

    def test_r18_2025_has_no_two_thirds_level(self):
        assert self.propose(9, HTXSNV=5) == "HTXSNV"

    def test_r18_dieu_le_art_10_a_level_without_the_flag_needs_more_than_its_share(self):
        """Điều lệ art. 10 ("more than half") is the default: a level that does not say its
        threshold is "from … up" needs more than the share, so exactly half proposes nothing."""
        level = SimpleNamespace(code="X", vote_threshold_numerator=1, vote_threshold_denominator=2)
        assert rules.proposed_level({"X": 5}, [level], counted=10) is None
        assert rules.proposed_level({"X": 6}, [level], counted=10) is level

    @pytest.mark.parametrize(
        ("votes", "counted", "at_least", "reached"),
        [
            (6, 9, True, True),  # Hướng dẫn 07 (2011): "from two thirds up", 6 of 9 is enough
            (5, 9, True, False),
            (6, 9, False, False),  # "more than two thirds": 6 of 9 is not more
            (7, 9, False, True),
        ],
    )
    def test_r18_hd07_two_thirds_from_up_and_more_than_at_6_of_9(
        self, votes, counted, at_least, reached
    ):
        assert (
            rules.threshold_reached(votes, counted, numerator=2, denominator=3, at_least=at_least)
            is reached
        )


# --- R18: the draft report 3 working days before the meeting (Hướng dẫn 43) ---------------------

MONDAY, FRIDAY = D(2025, 12, 1), D(2025, 12, 5)


class TestR18ReportNotice:
    """Hướng dẫn 43: the collective's draft report goes to the members at least 3 working days
    before the review meeting; working days are Monday to Friday, strictly between the two."""

    def test_r18_hd43_monday_to_friday_is_3_working_days_and_in_time(self):
        assert rules.working_days_between(MONDAY, FRIDAY) == 3
        assert rules.report_sent_in_time(sent_on=MONDAY, meeting_on=FRIDAY) is True

    def test_r18_hd43_tuesday_to_friday_is_2_working_days_and_late(self):
        tuesday = D(2025, 12, 2)
        assert rules.working_days_between(tuesday, FRIDAY) == 2
        assert rules.report_sent_in_time(sent_on=tuesday, meeting_on=FRIDAY) is False

    def test_r18_hd43_the_weekend_is_not_counted(self):
        thursday, monday = D(2025, 12, 4), D(2025, 12, 8)
        assert rules.working_days_between(thursday, monday) == 1  # Friday only
        assert rules.working_days_between(FRIDAY, monday) == 0
        # sent on Wednesday, meeting the next Tuesday: Thursday, Friday, Monday
        assert rules.report_sent_in_time(sent_on=D(2025, 12, 3), meeting_on=D(2025, 12, 9))

    def test_r18_hd43_the_same_day_or_a_report_after_the_meeting_has_no_working_day(self):
        assert rules.working_days_between(MONDAY, MONDAY) == 0
        assert rules.working_days_between(FRIDAY, MONDAY) == 0
        assert rules.report_sent_in_time(sent_on=FRIDAY, meeting_on=MONDAY) is False

    def test_r18_hd43_unknown_until_both_dates_are_known(self):
        assert rules.report_sent_in_time(sent_on=None, meeting_on=FRIDAY) is None
        assert rules.report_sent_in_time(sent_on=MONDAY, meeting_on=None) is None
        assert rules.report_sent_in_time(sent_on=None, meeting_on=None) is None


# --- R26: the cell submits with its documents (Quy định 366 art. 17) ----------------------------


class TestR26SubmissionDocuments:
    def missing(self, *, report_written, without_review=()):
        with translation.override("en"):
            return rules.submission_documents_missing(
                report_written=report_written, without_review=list(without_review)
            )

    def test_r26_qd366_art_17_report_and_every_self_review_nothing_missing(self):
        assert self.missing(report_written=True) == []

    def test_r26_qd366_art_17_no_form_01_is_named(self):
        assert self.missing(report_written=False) == ["the cell's report (form 01) is not written"]

    def test_r26_qd366_art_17_members_without_a_self_review_are_named(self):
        assert self.missing(report_written=True, without_review=["Lê Văn A", "Trần Thị B"]) == [
            "these members have neither a self-review nor a not-classified or not-yet-classified "
            "status: Lê Văn A, Trần Thị B"
        ]

    def test_r26_qd366_art_17_both_missing_are_both_said(self):
        assert self.missing(report_written=False, without_review=["Lê Văn A"]) == [
            "the cell's report (form 01) is not written",
            "these members have neither a self-review nor a not-classified or not-yet-classified "
            "status: Lê Văn A",
        ]


# --- R3: the self-assessed level (Quy định 366 art. 10–11) ---------------------------------------

ALL_MET = {
    "all_tasks_on_time": True,
    "exceeded_30_percent": True,
    "shortcomings_remedied": True,
    "all_tasks_done_20_late": True,
}


class TestR3Bands:
    levels = mem.for_year(2025).member_levels()

    def assess(self, score, grounds=(), **conditions):
        return rules.self_assessed_level(
            score=None if score is None else Decimal(score),
            conditions=ALL_MET | conditions,
            levels=self.levels,
            grounds=grounds,
        )

    @pytest.mark.parametrize(
        ("score", "code"),
        [
            ("90.01", "HTXSNV"),
            ("90", "HTXSNV"),
            ("89.99", "HTTNV"),
            ("70.01", "HTTNV"),
            ("70", "HTTNV"),
            ("69.99", "HTNV"),
            ("50.01", "HTNV"),
            ("50", "HTNV"),
            ("49.99", "KHTNV"),
        ],
    )
    def test_r3_each_band_at_its_edge_and_one_step_either_side(self, score, code):
        result = self.assess(score)
        assert (result.level.code, result.notes, result.gap) == (code, [], False)

    def test_r3_no_score_is_no_level(self):
        result = self.assess(None)
        assert (result.level, result.notes, result.gap) == (None, [], False)

    def test_r3_a_missing_condition_counts_as_not_met(self):
        result = rules.self_assessed_level(
            score=Decimal(95), conditions={"all_tasks_on_time": True}, levels=self.levels
        )
        assert (result.level.code, len(result.notes), result.gap) == ("HTTNV", 1, False)

    def test_r3_the_quota_and_organization_conditions_are_not_checked_for_a_member(self):
        result = self.assess("95", quota=False, no_subordinate_discipline=False)
        assert result.level.code == "HTXSNV"

    def test_r3_the_first_failing_condition_is_named(self):
        with translation.override("en"):
            result = self.assess("95", exceeded_30_percent=False, shortcomings_remedied=False)
        assert result.level.code == "HTTNV"
        assert result.notes == [
            "The score reaches “Excellently completed tasks” but this condition is not met: "
            "At least 30% of tasks exceeded what was asked"
        ]

    def test_r3_conditions_are_named_in_vietnamese_by_default(self):
        with translation.override("vi"):
            result = self.assess("95", all_tasks_on_time=False)
        assert result.level.code == "HTNV"
        assert "Hoàn thành 100% nhiệm vụ đúng tiến độ" in result.notes[0]
        assert len(result.notes) == 2  # excellent and good both fail on it

    def test_r3_decision_gap_at_fifty_points_with_the_condition_failing(self):
        with translation.override("en"):
            result = self.assess("50", all_tasks_done_20_late=False)
        assert (result.level.code, result.gap) == ("KHTNV", True)
        # The gap is a flag (data), its words are made only when shown (issue 12, fault 7)
        assert str(rules.MSG_GAP) not in result.notes
        assert len(result.notes) == 1

    def test_r3_no_gap_one_step_below_fifty(self):
        result = self.assess("49.99", all_tasks_done_20_late=False)
        assert (result.level.code, result.notes, result.gap) == ("KHTNV", [], False)

    def test_r3_r4_a_ground_makes_not_completed_and_is_named(self):
        with translation.override("en"):
            result = self.assess("100", grounds=["kỷ luật", "suy thoái"])
        assert (result.level.code, result.gap) == ("KHTNV", False)
        assert result.notes == [
            "Ground for not completed: kỷ luật",
            "Ground for not completed: suy thoái",
        ]

    def test_r3_a_ground_decides_even_without_a_score(self):
        assert self.assess(None, grounds=["x"]).level.code == "KHTNV"


class TestR3LegacyBands:
    """Hướng dẫn 27 (2014–2017): organizations scored out of 100, below 50 points yếu kém."""

    def test_hd27_organizations_at_fifty_points(self):
        levels = mem.for_year(2015).unit_levels()
        fifty = rules.self_assessed_level(score=Decimal(50), conditions={}, levels=levels)
        below = rules.self_assessed_level(score=Decimal("49.99"), conditions={}, levels=levels)
        assert (fifty.level.code, below.level.code, below.gap) == ("HTNV", "YEU_KEM", False)
        top = rules.self_assessed_level(score=Decimal(90), conditions={}, levels=levels)
        assert top.level.code == "TSVM"

    def test_hd27_a_level_without_a_band_is_not_reached_by_score(self):
        levels = mem.for_year(2015).member_levels()  # HTXSNV has no band
        result = rules.self_assessed_level(score=Decimal(100), conditions={}, levels=levels)
        assert result.level.code == "HTTNV"

    def test_a_lowest_level_with_a_band_of_its_own_leaves_no_gap(self):
        levels = [
            SimpleNamespace(
                code="A",
                name="A",
                score_min=Decimal(50),
                conditions=[{"code": "c", "en": "c", "vi": "c"}],
            ),
            SimpleNamespace(code="B", name="B", score_min=Decimal(0), conditions=[]),
        ]
        with translation.override("en"):
            result = rules.self_assessed_level(score=Decimal(60), conditions={}, levels=levels)
        assert (result.level.code, result.gap) == ("B", False)
        assert result.notes == ["The score reaches “A” but this condition is not met: c"]


# --- R4: discipline in the year, by era ----------------------------------------------------------


def record(decided_on=MAY_2025, form="khien_trach", duty=True, remedied=False):
    return DisciplineRecord(
        decided_on=decided_on,
        form=form,
        duty_related=duty,
        self_discovered_and_remedied=remedied,
        reason="x",
    )


def grounds(records, year):
    return rules.discipline_grounds(records, year=year, rule_set=mem.for_year(year).rule_set)


class TestR4DisciplineInTheYear:
    def test_r4_decided_on_the_first_and_last_day_of_the_year_counts(self):
        first, last = record(D(2025, 1, 1)), record(D(2025, 12, 31))
        assert len(grounds([first, last], 2025)) == 2

    def test_r4_decided_the_day_before_or_after_the_year_does_not(self):
        assert grounds([record(D(2024, 12, 31)), record(D(2026, 1, 1))], 2025) == []

    def test_r4_the_ground_names_the_form_and_date(self):
        with translation.override("en"):
            assert grounds([record(D(2025, 3, 9), form="canh_cao")], 2025) == [
                "Disciplined in the year (Warning, 09/03/2025)."
            ]

    def test_r4_a_record_without_a_known_form_is_not_discipline(self):
        assert grounds([record(form=""), record(form="phe_binh"), record()], 2025) != []
        assert len(grounds([record(form=""), record(form="phe_binh"), record()], 2025)) == 1

    def test_r4_a_skipped_record_does_not_stop_the_count(self):
        skipped = [record(D(2024, 1, 1)), record(duty=False), record(form="")]
        assert len(grounds([*skipped, record()], 2025)) == 1

    def test_r4_no_records_no_grounds(self):
        assert grounds([], 2025) == []


class TestR4ByEra:
    """R4: 2025– (Quy định 366) duty-related only, and remedy does not clear it; 2023–2024
    (Quy định 124) any discipline unless self-discovered and remedied; 2019–2022 (Hướng dẫn 21)
    any discipline, no exception."""

    def test_r4_2025_discipline_unrelated_to_duties_is_not_a_ground(self):
        assert grounds([record(duty=False)], 2025) == []

    def test_r4_2023_discipline_unrelated_to_duties_is_a_ground(self):
        assert len(grounds([record(D(2023, 5, 1), duty=False)], 2023)) == 1

    def test_r4_2025_a_remedied_fault_still_counts(self):
        assert len(grounds([record(remedied=True)], 2025)) == 1

    def test_r4_2023_qd124_a_self_discovered_remedied_fault_is_cleared(self):
        assert grounds([record(D(2023, 5, 1), remedied=True)], 2023) == []
        assert len(grounds([record(D(2023, 5, 1))], 2023)) == 1

    def test_r4_2023_qd124_a_cleared_fault_does_not_clear_the_next_one(self):
        cleared, counted = record(D(2023, 5, 1), remedied=True), record(D(2023, 6, 1))
        assert len(grounds([cleared, counted], 2023)) == 1

    def test_r4_2020_hd21_a_remedied_fault_still_counts(self):
        assert len(grounds([record(D(2020, 5, 1), remedied=True)], 2020)) == 1


# --- R6, R7, R8: checks at decision time ---------------------------------------------------------


class TestR6StateLevel:
    """R6 (Hướng dẫn 21 §2.3a and successors): excellent as a member only if excellent as an
    employee; a not completed state rating makes the member not completed."""

    rs = mem.for_year(2025)

    def errors(self, party, state, year=2025, state_employee=True):
        rs = mem.for_year(year)
        return rules.state_level_errors(
            party_level=rs.level(party),
            state_level=None if state is None else rs.level(state),
            capped=frozenset(rs.rule_set.state_level_caps),
            state_employee=state_employee,
        )

    def test_r6_excellent_beside_excellent_passes(self):
        assert self.errors("HTXSNV", "HTXSNV") == []

    def test_r6_good_beside_excellent_passes(self):
        assert self.errors("HTTNV", "HTXSNV") == []

    def test_r6_completed_beside_not_completed_is_refused_and_says_so(self):
        with translation.override("en"):
            assert self.errors("HTNV", "KHTNV") == [
                "The state level “Did not complete tasks” is not completed, so the party level "
                "must be not completed."
            ]

    def test_r6_not_completed_beside_not_completed_passes(self):
        assert self.errors("KHTNV", "KHTNV") == []

    def test_r6_not_a_state_employee_is_not_checked(self):
        assert self.errors("HTXSNV", None, state_employee=False) == []
        assert self.errors("HTXSNV", "HTTNV", state_employee=False) == []

    def test_r6_a_state_employee_without_a_state_level_cannot_be_excellent(self):
        with translation.override("en"):
            assert self.errors("HTXSNV", None) == [str(rules.MSG_STATE_LEVEL_MISSING)]
        assert self.errors("HTTNV", None) == []

    def test_r6_good_beside_good_passes(self):
        assert self.errors("HTTNV", "HTTNV") == []

    def test_r6_excellent_beside_good_is_refused(self):
        with translation.override("en"):
            assert self.errors("HTXSNV", "HTTNV") == [
                "A member who works in the state system can be excellent only if rated excellent "
                "as an employee; the state level is “Well completed tasks”."
            ]

    def test_r6_excellent_beside_completed_is_refused(self):
        with translation.override("en"):
            assert self.errors("HTXSNV", "HTNV") == [
                "A member who works in the state system can be excellent only if rated excellent "
                "as an employee; the state level is “Completed tasks”."
            ]

    def test_r6_hd21_2_3a_checked_unless_the_member_is_outside_the_state_system(self):
        """Hướng dẫn 21 §2.3a: the check is the rule; only a member known to be outside the
        state system is spared it (the argument defaults to checking)."""
        rs = mem.for_year(2025)
        with translation.override("en"):
            assert rules.state_level_errors(
                party_level=rs.level("HTXSNV"),
                state_level=rs.level("HTTNV"),
                capped=frozenset(rs.rule_set.state_level_caps),
            ) == [
                "A member who works in the state system can be excellent only if rated excellent "
                "as an employee; the state level is “Well completed tasks”."
            ]

    def test_r6_2017_before_hd21_has_no_state_level_check(self):
        levels = mem.for_year(2017)
        assert (
            rules.state_level_errors(
                party_level=levels.level("HTXSNV"),
                state_level=levels.level("KHTNV"),
                capped=frozenset(levels.rule_set.state_level_caps),
            )
            == []
        )


class TestR8Head:
    """R8 (Quy định 366 art. 12): a head's level may not exceed the collective's."""

    rs = mem.for_year(2025)

    def errors(self, head, unit):
        return rules.head_level_errors(
            head_level=self.rs.level(head), unit_level=unit and self.rs.level(unit)
        )

    def test_r8_one_level_above_the_unit_is_refused(self):
        with translation.override("en"):
            assert self.errors("HTXSNV", "HTTNV") == [
                "The head's level may not be above the level of the unit they head."
            ]

    def test_r8_the_same_level_passes(self):
        assert self.errors("HTTNV", "HTTNV") == []

    def test_r8_one_level_below_passes(self):
        assert self.errors("HTNV", "HTTNV") == []

    def test_r8_an_undecided_unit_is_not_checked(self):
        assert self.errors("HTXSNV", None) == []


class TestR7ExcellentUnit:
    """R7: 2019–2022 (Hướng dẫn 21) all below at least completed and at least 80 % at least
    good; 2025– (Quy định 366) no subordinate unit or leadership member disciplined."""

    def errors(self, year, codes, disciplined=0):
        rs = mem.for_year(year)
        with translation.override("en"):
            return rules.excellent_unit_errors(
                rule_set=rs.rule_set,
                levels_below=[rs.level(code) for code in codes],
                disciplined_below=disciplined,
            )

    def test_r7_2020_exactly_80_percent_good_passes(self):
        assert self.errors(2020, ["HTXSNV", "HTTNV", "HTTNV", "HTTNV", "HTNV"]) == []

    def test_r7_2020_one_step_below_80_percent_is_refused_with_the_share(self):
        six_of_nine = ["HTXSNV"] + ["HTTNV"] * 5 + ["HTNV"] * 3
        assert self.errors(2020, six_of_nine) == [
            "Only 66.67% of the units or members below are rated good or above; 80% is required."
        ]
        seven_of_nine = ["HTXSNV"] * 7 + ["HTNV"] * 2
        assert self.errors(2020, seven_of_nine) == [
            "Only 77.78% of the units or members below are rated good or above; 80% is required."
        ]

    def test_r7_2020_one_step_above_80_percent_passes(self):
        assert self.errors(2020, ["HTTNV"] * 9 + ["HTNV"]) == []

    def test_r7_2020_one_not_completed_below_is_refused(self):
        codes = ["HTXSNV"] * 9 + ["KHTNV"]
        assert self.errors(2020, codes) == ["1 units or members below are rated below completed."]

    def test_r7_2020_completed_below_is_not_below_completed(self):
        assert self.errors(2020, ["HTXSNV"] * 4 + ["HTNV"]) == []

    def test_r7_2020_nothing_below_has_nothing_to_refuse(self):
        assert self.errors(2020, []) == []

    def test_r7_2025_drops_the_hd21_prerequisites(self):
        assert self.errors(2025, ["KHTNV", "KHTNV", "HTNV"]) == []

    def test_r7_2025_one_disciplined_below_is_refused(self):
        assert self.errors(2025, [], disciplined=1) == [
            "1 subordinate units or leadership members were disciplined this year."
        ]
        assert self.errors(2025, [], disciplined=0) == []

    def test_r7_2020_discipline_below_is_not_the_hd21_test(self):
        assert self.errors(2020, ["HTXSNV"], disciplined=2) == []

    def test_r7_2017_has_no_prerequisite(self):
        assert self.errors(2017, ["KHTNV"], disciplined=3) == []


# --- R19: late work -------------------------------------------------------------------------------


class TestR19Late:
    """R19: late means after the deadline's day in Việt Nam (UTC+7)."""

    due = D(2025, 12, 20)

    def at(self, day, hour, minute):
        return datetime.datetime(2025, 12, day, hour, minute, tzinfo=datetime.UTC)

    def test_r19_done_at_the_last_minute_of_the_day_is_on_time(self):
        assert not rules.is_late(done_at=self.at(20, 16, 59), due=self.due, today=D(2026, 1, 1))

    def test_r19_done_at_the_first_minute_of_the_next_day_is_late(self):
        assert rules.is_late(done_at=self.at(20, 17, 0), due=self.due, today=self.due)

    def test_r19_done_the_day_before_is_on_time(self):
        assert not rules.is_late(done_at=self.at(19, 0, 0), due=self.due, today=self.due)

    def test_r19_open_work_on_the_day_is_not_late_and_the_next_day_is(self):
        assert not rules.is_late(done_at=None, due=self.due, today=self.due)
        assert rules.is_late(done_at=None, due=self.due, today=D(2025, 12, 21))
        assert not rules.is_late(done_at=None, due=self.due, today=D(2025, 12, 19))

    @pytest.mark.parametrize(
        ("due", "unit_due"),
        [
            (D(2025, 12, 31), D(2026, 1, 15)),  # the year's end: 15/01 of the next year
            (D(2025, 12, 20), D(2026, 1, 15)),
            (D(2025, 7, 1), D(2026, 1, 15)),  # a deadline in the second half of the year
            (D(2025, 6, 30), D(2025, 6, 30)),  # in the first half: already after 15/01
            (D(2026, 2, 1), D(2026, 2, 1)),  # the next year's deadlines (form 04) stay
            (D(2026, 1, 10), D(2026, 1, 15)),  # never earlier than 15/01
        ],
    )
    def test_r19_hd43_4_1_a_unit_whose_year_ends_later_has_until_15_01(self, due, unit_due):
        assert rules.unit_due(due, year_ends_later=True) == unit_due

    def test_r19_hd43_4_1_other_units_keep_the_deadline_before_31_12(self):
        assert rules.unit_due(D(2025, 12, 31), year_ends_later=False) == D(2025, 12, 31)
        assert rules.unit_due(D(2026, 2, 1), year_ends_later=False) == D(2026, 2, 1)

    def test_r19_hd43_4_1_no_deadline_stays_none(self):
        assert rules.unit_due(None, year_ends_later=True) is None
        assert rules.unit_due(None, year_ends_later=False) is None

    def test_r19_no_deadline_is_never_late(self):
        assert not rules.is_late(done_at=self.at(31, 0, 0), due=None, today=D(2030, 1, 1))
        assert not rules.is_late(done_at=None, due=None, today=D(2030, 1, 1))


# --- R10–R12, R24: the quota and the percent -----------------------------------------------------


class TestR24Percent:
    """R24: from stored counts, half up to two decimals."""

    @pytest.mark.parametrize(
        ("part", "whole", "expected"),
        [
            (1, 32, "3.13"),  # 3.125: half up (half-even would give 3.12)
            (1, 160, "0.63"),  # 0.625: half up (half-even would give 0.62)
            (3, 32, "9.38"),  # 9.375
            (1, 3, "33.33"),
            (2, 3, "66.67"),
            (1, 1, "100.00"),
            (0, 7, "0.00"),
        ],
    )
    def test_r24_ties_round_half_up(self, part, whole, expected):
        value = quota.percent(part, whole)
        assert value == Decimal(expected) and str(value) == expected

    def test_r24_an_empty_base_has_no_percent(self):
        assert quota.percent(0, 0) is None


class TestR10Quota:
    """R10 (Quy định 366 art. 11): excellent ≤ 20 % of the base, 25 % by a recorded decision."""

    def test_r10_exactly_20_percent_passes_and_one_more_is_refused(self):
        at = quota.quota_check(excellent=4, good=16, cap_percent=20)
        over = quota.quota_check(excellent=5, good=16, cap_percent=20)
        assert (at.base, at.allowed, at.ok) == (20, 4, True)
        assert (over.base, over.allowed, over.ok) == (21, 4, False)

    def test_r10_one_below_the_cap_passes(self):
        assert quota.quota_check(excellent=3, good=17, cap_percent=20).ok

    def test_r10_the_cap_is_floored_not_rounded(self):
        # 24 × 20 % = 4.8: four allowed, five refused
        check = quota.quota_check(excellent=5, good=19, cap_percent=20)
        assert (check.allowed, check.ok, check.ratio) == (4, False, Decimal("20.83"))

    def test_r10_a_raised_cap_of_25_percent(self):
        check = quota.quota_check(excellent=5, good=15, cap_percent=Decimal(25))
        assert (check.allowed, check.ok, check.cap_percent) == (5, True, Decimal(25))
        assert not quota.quota_check(excellent=6, good=15, cap_percent=25).ok

    def test_r10_no_one_rated_gives_an_empty_base(self):
        check = quota.quota_check(excellent=0, good=0, cap_percent=20)
        assert (check.base, check.allowed, check.ratio, check.ok) == (0, 0, None, True)

    def test_r10_excellent_without_good_is_over_the_cap(self):
        assert not quota.quota_check(excellent=1, good=0, cap_percent=20).ok

    def test_r11_good_only_base_and_its_ratio(self):
        """R11 (Quy định 366 art. 11, literal reading): the ratio is over those rated good."""
        check = quota.quota_check(excellent=1, good=4, cap_percent=20, denominator=quota.GOOD_ONLY)
        assert (check.base, check.ratio, check.allowed, check.ok) == (4, Decimal("25.00"), 0, False)
        at = quota.quota_check(excellent=1, good=5, cap_percent=20, denominator=quota.GOOD_ONLY)
        assert (at.base, at.allowed, at.ok) == (5, 1, True)

    def test_r11_good_or_above_is_the_default_and_its_ratio(self):
        check = quota.quota_check(excellent=1, good=4, cap_percent=20)
        assert (check.base, check.ratio, check.ok) == (5, Decimal("20.00"), True)
        named = quota.quota_check(
            excellent=1, good=4, cap_percent=20, denominator=quota.GOOD_OR_ABOVE
        )
        assert named == check

    def test_r11_qd366_art_11_the_check_and_its_labels_name_the_base_in_use(self):
        """R11: every label that names the ratio says its base (good only under Quy định 366
        art. 11; good or above 2019–2022)."""
        good = quota.quota_check(excellent=1, good=5, cap_percent=20, denominator=quota.GOOD_ONLY)
        above = quota.quota_check(excellent=1, good=5, cap_percent=20)
        with translation.override("en"):
            assert (good.denominator, good.base_label) == (quota.GOOD_ONLY, "those rated good")
            assert (above.denominator, above.base_label) == (
                quota.GOOD_OR_ABOVE,
                "those rated good or above (excellent + good)",
            )
            assert quota.ratio_label(quota.GOOD_ONLY) == "Excellent as % of those rated good"
            assert quota.ratio_label(quota.GOOD_OR_ABOVE) == (
                "Excellent as % of those rated good or above"
            )

    def test_r10_before_qd132_organizations_have_no_quota_bac_binh_2017(self):
        """R10: before Quy định 132 (2018) organizations had no cap on the top level (Bắc Bình
        2017: 11 clean and strong of 21 rated good or above): the figures are kept, never over."""
        free = quota.quota_check(excellent=11, good=10, cap_percent=20, applies=False)
        assert (free.applies, free.allowed, free.ok) == (False, 4, True)
        capped = quota.quota_check(excellent=11, good=10, cap_percent=20)
        assert (capped.applies, capped.ok) == (True, False)

    def test_r10_negative_counts_and_unknown_bases_are_refused(self):
        for excellent, good in ((-1, 0), (0, -1)):
            with pytest.raises(ValueError, match="^counts cannot be negative$"):
                quota.quota_check(excellent=excellent, good=good, cap_percent=20)
        with pytest.raises(ValueError, match="^unknown quota denominator 'all'$"):
            quota.quota_check(excellent=0, good=0, cap_percent=20, denominator="all")
