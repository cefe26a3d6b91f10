import datetime

import pytest
from django.core.exceptions import ValidationError

from assessment import cell_year as work
from assessment import progress
from assessment.models import AssessmentStatus, CellState, InputKind, Tally
from members.models import DisciplineRecord, Member, StatusKind, StatusPeriod
from members.services import member_transfer
from reports.summary import summary_build

from ..factories import MemberFactory, cell_documents_write

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]
MEETING_DAY = datetime.date(2025, 12, 10)


@pytest.fixture
def cell_year(period, tree):
    return work.cell_year_open(period=period, cell=tree.c1)


def members(tree, n, **kw):
    return MemberFactory.create_batch(n, cell=tree.c1, **kw)


def hold_meeting(cell_year, by, present, absent=()):
    meeting = work.meeting_for(cell_year)
    work.meeting_save(
        meeting=meeting,
        by=by,
        version=None,
        data={
            "held_on": MEETING_DAY,
            "place": "Hội trường thôn",
            "chair": "Nguyễn Văn Chủ",
            "recorder": "Lê Thị Ghi",
        },
    )
    for member in present:
        work.attendance_set(meeting=meeting, member=member, present=True, absence_reason="", by=by)
    for member in absent:
        work.attendance_set(
            meeting=meeting, member=member, present=False, absence_reason="Ốm", by=by
        )
    return meeting


def test_r13_roster_derives_kpl_reasons(period, tree):
    exempt, suspended, newcomer, regular = members(tree, 4)
    StatusPeriod.objects.create(
        member=exempt, kind=StatusKind.EXEMPTION, start=datetime.date(2024, 1, 1), reason="Tuổi cao"
    )
    StatusPeriod.objects.create(
        member=suspended,
        kind=StatusKind.SUSPENSION,
        start=datetime.date(2025, 10, 1),
        reason="Điều tra",
    )
    newcomer.admission_date = datetime.date(2025, 8, 1)
    newcomer.full_membership_date = None
    newcomer.save()
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    statuses = {a.member: (a.status, a.reason_code) for a in cell_year.assessments.all()}
    assert statuses == {
        exempt: ("kpl", "mien_sinh_hoat"),
        suspended: ("kpl", "dinh_chi"),
        newcomer: ("kpl", "moi_ket_nap"),
        regular: ("assess", ""),
    }


def test_a_member_admitted_after_the_assessment_date_is_not_on_that_years_roster(period, tree):
    member, later = members(tree, 2)
    later.admission_date = period.assessment_date + datetime.timedelta(days=1)
    later.full_membership_date = None
    later.save()
    waiting = Member.objects.filter(pk__in=[member.pk, later.pk])
    assert list(progress.not_on_roster(waiting, period)) == [member]  # the later one: not due
    due = summary_build(unit=tree.c1, period=period).rows[0].sections["members"].as_json()
    assert (due["total"], due["pending"]["by_reason"]) == (1, {"chua_kiem_diem": 1})

    cell_year = work.cell_year_open(period=period, cell=tree.c1)

    assert [a.member for a in cell_year.assessments.all()] == [member]
    assert not progress.not_on_roster(waiting, period).exists()
    drawn = summary_build(unit=tree.c1, period=period).rows[0].sections["members"].as_json()
    assert drawn["total"] == 1


def test_attendance_writes_history_only_when_a_tap_changes_something(period, tree, secretary):
    from organizations.models import AuditAction, AuditEvent

    [member] = members(tree, 1)
    meeting = work.meeting_for(work.cell_year_open(period=period, cell=tree.c1))
    for _tap in range(3):  # a fast typist taps "present" three times
        row = work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    assert row.history.count() == 1 and row.history.first().history_user == secretary
    work.attendance_set(
        meeting=meeting, member=member, present=False, absence_reason=" Ốm ", by=secretary
    )
    row.refresh_from_db()
    assert (row.present, row.absence_reason, row.history.count()) == (False, "Ốm", 2)
    changes = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_id=str(row.pk))
    assert [len(e.changes) for e in changes] == [2]  # present and the reason, none empty


def test_r13_the_roster_follows_later_changes_unless_set_by_hand(period, tree, secretary):
    first, second = members(tree, 2)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    by_hand = cell_year.assessments.get(member=second)
    work.member_status_set(
        assessment=by_hand,
        status=AssessmentStatus.PENDING,
        reason_code="om_dau",
        note="Nằm viện",
        by=secretary,
    )
    for member in (first, second):
        StatusPeriod.objects.create(
            member=member, kind=StatusKind.SUSPENSION, start=datetime.date(2025, 11, 1), reason="x"
        )
    work.cell_year_open(period=period, cell=tree.c1)
    assert cell_year.assessments.get(member=first).reason_code == "dinh_chi"
    assert cell_year.assessments.get(member=second).status == AssessmentStatus.PENDING


def test_r14_a_status_by_hand_needs_a_reason_and_a_valid_code(cell_year, tree, secretary):
    members(tree, 1)
    cell_year = work.cell_year_open(period=cell_year.period, cell=tree.c1)
    assessment = cell_year.assessments.get()
    with pytest.raises(ValidationError):
        work.member_status_set(
            assessment=assessment, status="cpl", reason_code="om_dau", note=" ", by=secretary
        )
    with pytest.raises(ValidationError):
        work.member_status_set(
            assessment=assessment, status="cpl", reason_code="dinh_chi", note="x", by=secretary
        )
    work.member_status_set(
        assessment=assessment,
        status="cpl",
        reason_code="di_xa",
        note="Công tác nước ngoài",
        by=secretary,
    )
    history = assessment.history.first()
    assert (history.status, history.history_user, history.history_change_reason) == (
        "cpl",
        secretary,
        "Công tác nước ngoài",
    )
    assert history.prev_record.status == "assess"


def test_self_review_scores_give_the_level_and_record_who_entered_it(cell_year, tree, secretary):
    [member] = members(tree, 1)
    cell_year = work.cell_year_open(period=cell_year.period, cell=tree.c1)
    assessment = cell_year.assessments.get(member=member)
    scores = {
        "politics_ethics": 15,
        "capacity_attitude": 10,
        "self_criticism": 5,
        "volume": 29,
        "progress": 18,
        "quality": 18,
    }
    conditions = {
        "all_tasks_on_time": True,
        "exceeded_30_percent": True,
        "shortcomings_remedied": True,
    }
    saved = work.self_review_save(
        assessment=assessment,
        texts={"strengths": "Tốt"},
        scores=scores,
        conditions=conditions,
        by=secretary,
        version=assessment.version,
    )
    assert (saved.self_score, saved.self_level.code) == (95, "HTXSNV")
    assert saved.self_review_entered_by == secretary
    assert saved.form_code == "2B"


def test_r4_discipline_in_the_year_caps_the_self_assessment(cell_year, tree, secretary):
    [member] = members(tree, 1)
    DisciplineRecord.objects.create(
        member=member,
        decided_on=datetime.date(2025, 4, 1),
        form="khien_trach",
        duty_related=True,
        reason="x",
    )
    assessment = work.cell_year_open(period=cell_year.period, cell=tree.c1).assessments.get()
    saved = work.self_review_save(
        assessment=assessment,
        texts={},
        scores=dict.fromkeys(
            [
                "politics_ethics",
                "capacity_attitude",
                "self_criticism",
                "volume",
                "progress",
                "quality",
            ],
            5,
        ),
        conditions={},
        by=secretary,
        version=None,
    )
    assert saved.self_level.code == "KHTNV"
    assert "01/04/2025" in saved.self_level_notes[0]


def test_a_score_above_the_items_maximum_is_refused(cell_year, tree, secretary):
    members(tree, 1)
    assessment = work.cell_year_open(period=cell_year.period, cell=tree.c1).assessments.get()
    with pytest.raises(ValidationError) as error:
        work.self_review_save(
            assessment=assessment,
            texts={},
            scores={"self_criticism": 6},
            conditions={},
            by=secretary,
            version=None,
        )
    assert "scores" in error.value.message_dict
    assessment.refresh_from_db()
    assert assessment.scores == {}


def test_r15_probationary_members_are_assessed_but_do_not_vote(period, tree, secretary):
    full = members(tree, 3)
    probationary = MemberFactory(
        cell=tree.c1, admission_date=datetime.date(2025, 1, 5), full_membership_date=None
    )
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    assert cell_year.assessments.get(member=probationary).status == AssessmentStatus.ASSESS
    summary = work.meeting_summary(hold_meeting(cell_year, secretary, present=full))
    assert probationary not in summary.voters
    assert (summary.full_members, summary.counted, summary.present) == (3, 3, 3)


def test_r18_away_members_and_absent_exempted_members_do_not_count(period, tree, secretary):
    present = members(tree, 6)
    away, exempt_absent, exempt_present = members(tree, 3)
    StatusPeriod.objects.create(
        member=away,
        kind=StatusKind.TEMPORARY_TRANSFER,
        start=datetime.date(2025, 3, 1),
        reason="Học tập",
    )
    for member in (exempt_absent, exempt_present):
        StatusPeriod.objects.create(
            member=member,
            kind=StatusKind.EXEMPTION,
            start=datetime.date(2024, 1, 1),
            reason="Tuổi cao",
        )
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    summary = work.meeting_summary(
        hold_meeting(
            cell_year, secretary, present=[*present, exempt_present], absent=[exempt_absent]
        )
    )
    assert (summary.full_members, summary.counted, summary.present) == (9, 7, 7)
    assert summary.quorum


def test_r18_quorum_boundary(period, tree, secretary):
    everyone = members(tree, 9)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    summary = work.meeting_summary(
        hold_meeting(cell_year, secretary, present=everyone[:6], absent=everyone[6:])
    )
    assert summary.quorum  # 6 of 9 is exactly two thirds
    meeting = cell_year.meeting
    work.attendance_set(
        meeting=meeting, member=everyone[5], present=False, absence_reason="", by=secretary
    )
    assert not work.meeting_summary(meeting).quorum


def test_r18_votes_above_those_present_are_rejected_and_nothing_is_saved(period, tree, secretary):
    everyone = members(tree, 5)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = hold_meeting(cell_year, secretary, present=everyone[:4], absent=everyone[4:])
    assessment = cell_year.assessments.first()
    with pytest.raises(ValidationError) as error:
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"HTXSNV": 3, "HTTNV": 2},
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    assert "4" in error.value.messages[0]
    with pytest.raises(ValidationError):
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"HTXSNV": -1},
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    assert not Tally.objects.filter(assessment=assessment).exists()


def test_r18_the_proposal_follows_the_cumulative_majority(period, tree, secretary):
    everyone = members(tree, 10)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = hold_meeting(cell_year, secretary, present=everyone)
    first, second = cell_year.assessments.all()[:2]
    work.tally_save(
        meeting=meeting,
        assessment=first,
        votes={"HTXSNV": 4, "HTTNV": 2, "HTNV": 4},
        commendation_proposed=False,
        by=secretary,
        version=None,
    )
    work.tally_save(
        meeting=meeting,
        assessment=second,
        votes={"HTXSNV": 5, "HTTNV": 0},
        commendation_proposed=False,
        by=secretary,
        version=None,
    )
    proposals = work.meeting_summary(meeting).proposals
    assert proposals[first.pk].code == "HTTNV"
    assert proposals[second.pk] is None  # 5 of 10 is not a majority: vote again


def test_a_stale_tally_save_is_a_conflict_and_keeps_the_newer_votes(
    period, tree, secretary, committee, settings
):
    settings.HISTORY_COALESCE_SECONDS = 0  # one history row per save (see test_quiet_history)
    everyone = members(tree, 5)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = hold_meeting(cell_year, secretary, present=everyone)
    assessment = cell_year.assessments.first()
    tally = work.tally_save(
        meeting=meeting,
        assessment=assessment,
        votes={"HTXSNV": 1},
        commendation_proposed=False,
        by=secretary,
        version=None,
    )
    seen = tally.version
    work.tally_save(
        meeting=meeting,
        assessment=assessment,
        votes={"HTXSNV": 4},
        commendation_proposed=False,
        by=secretary,
        version=seen,
    )
    with pytest.raises(work.Conflict) as conflict:
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"HTTNV": 5},
            commendation_proposed=False,
            by=committee,
            version=seen,
        )
    assert conflict.value.current.votes == {"HTXSNV": 4}
    tally = Tally.objects.get(assessment=assessment)
    assert tally.votes == {"HTXSNV": 4}
    assert [h.votes for h in tally.history.all()][:2] == [{"HTXSNV": 4}, {"HTXSNV": 1}]
    assert tally.history.first().history_user == secretary


def test_a_stale_self_review_save_is_a_conflict(cell_year, tree, secretary, alice_member):
    assessment = work.cell_year_open(period=cell_year.period, cell=tree.c1).assessments.get()
    seen = assessment.version
    work.self_review_save(
        assessment=assessment,
        texts={"strengths": "Bản của tôi"},
        scores={},
        conditions={},
        by=alice_member.user,
        version=seen,
    )
    with pytest.raises(work.Conflict) as conflict:
        work.self_review_save(
            assessment=assessment,
            texts={"strengths": "Bản giấy"},
            scores={},
            conditions={},
            by=secretary,
            version=seen,
        )
    assert conflict.value.current.strengths == "Bản của tôi"


def complete_meeting(period, tree, secretary, n=4):
    everyone = members(tree, n)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = hold_meeting(cell_year, secretary, present=everyone)
    for assessment in cell_year.assessments.all():
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"HTTNV": n},
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    cell_documents_write(cell_year, secretary)
    return cell_year, meeting


def test_submission_needs_a_green_checklist(period, tree, secretary):
    cell_year, meeting = complete_meeting(period, tree, secretary)
    with pytest.raises(ValidationError):  # the cell itself has no proposal yet
        work.cell_submit(cell_year=cell_year, by=secretary)
    work.tally_save(
        meeting=meeting,
        assessment=None,
        votes={"HTXSNV": 4},
        commendation_proposed=True,
        by=secretary,
        version=None,
    )
    submitted = work.cell_submit(cell_year=cell_year, by=secretary)
    assert submitted.state == CellState.SUBMITTED
    assert submitted.proposed_level.code == "HTXSNV"
    # Issue 15: the meeting's tick became the cell's proposal in the commendations' workflow
    proposal = submitted.commendations.get()
    assert (proposal.kind, proposal.state, proposal.proposer) == (
        "exemplary_unit",
        "proposed",
        tree.c1,
    )
    assert {a.proposed_level.code for a in submitted.assessments.all()} == {"HTTNV"}


def test_submitted_work_refuses_changes_at_the_service_level(period, tree, secretary, committee):
    cell_year, meeting = complete_meeting(period, tree, secretary)
    work.tally_save(
        meeting=meeting,
        assessment=None,
        votes={"HTTNV": 4},
        commendation_proposed=False,
        by=secretary,
        version=None,
    )
    work.cell_submit(cell_year=cell_year, by=secretary)
    assessment = cell_year.assessments.first()
    with pytest.raises(ValidationError) as error:
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"HTXSNV": 4},
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    assert error.value.code == "closed"
    with pytest.raises(ValidationError):
        work.self_review_save(
            assessment=assessment, texts={}, scores={}, conditions={}, by=secretary, version=None
        )
    with pytest.raises(ValidationError):
        work.member_status_set(
            assessment=assessment, status="cpl", reason_code="khac", note="x", by=secretary
        )

    returned = work.cell_return(cell_year=cell_year, reason="Thiếu biên bản", by=committee)
    assert returned.state == CellState.RETURNED and returned.is_editable()
    latest = returned.history.first()
    assert (latest.history_user, latest.history_change_reason) == (committee, "Thiếu biên bản")
    work.tally_save(
        meeting=meeting,
        assessment=assessment,
        votes={"HTXSNV": 4},
        commendation_proposed=False,
        by=secretary,
        version=None,
    )


def test_r17_a_return_needs_a_reason_and_a_submitted_cell(period, tree, committee):
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    with pytest.raises(ValidationError):
        work.cell_return(cell_year=cell_year, reason="x", by=committee)


def test_r16_a_transferred_member_brings_inputs_to_the_new_cell(period, tree, secretary, committee):
    [member] = members(tree, 1)
    old = work.cell_year_open(period=period, cell=tree.c1)
    assessment = old.assessments.get()
    work.review_input_add(
        cell_year=old,
        assessment=assessment,
        by=secretary,
        kind=InputKind.RESIDENCE,
        source="Chi bộ khu dân cư số 2",
        given_on=datetime.date(2025, 11, 20),
        text="Gương mẫu",
    )
    member_transfer(
        member=member, to_cell=tree.c2, on=datetime.date(2025, 12, 1), reason="x", by=committee
    )
    new = work.cell_year_open(period=period, cell=tree.c2)
    moved = new.assessments.get()
    assert moved.pk == assessment.pk
    assert [i.text for i in moved.inputs.all()] == ["Gương mẫu"]
    assert list(new.inputs.values_list("text", flat=True)) == ["Gương mẫu"]
    assert not old.assessments.exists()


def test_a_closed_year_is_read_only(period, tree, secretary):
    members(tree, 1)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    period.state = "closed"
    period.save()
    cell_year.refresh_from_db()
    with pytest.raises(ValidationError):
        work.meeting_save(
            meeting=work.meeting_for(cell_year), data={"place": "x"}, by=secretary, version=None
        )


def test_r20_only_an_excellent_proposal_may_carry_a_commendation(period, tree, secretary):
    everyone = members(tree, 4)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = hold_meeting(cell_year, secretary, present=everyone)
    assessment = cell_year.assessments.first()
    with pytest.raises(ValidationError) as error:
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"HTTNV": 4},
            commendation_proposed=True,
            by=secretary,
            version=None,
        )
    assert "commendation_proposed" in error.value.message_dict
    tally = work.tally_save(
        meeting=meeting,
        assessment=assessment,
        votes={"HTXSNV": 4},
        commendation_proposed=True,
        by=secretary,
        version=None,
    )
    assert tally.commendation_proposed


def checklist(cell_year):
    summary = work.meeting_summary(work.meeting_for(cell_year))
    return {item.label: item for item in work.submission_checklist(cell_year, summary)}


def test_r13_a_member_away_is_rated_once_the_host_cell_has_commented(period, tree, secretary):
    present = members(tree, 3)
    [away] = members(tree, 1)
    StatusPeriod.objects.create(
        member=away,
        kind=StatusKind.TEMPORARY_TRANSFER,
        start=datetime.date(2025, 2, 1),
        reason="Học tập",
        host_unit="Chi bộ Trường Chính trị",
    )
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    hold_meeting(cell_year, secretary, present=present)
    item = checklist(cell_year)[str(work.MSG_CHECK_HOST_COMMENT)]
    assert not item.ok and away.full_name in item.detail
    work.review_input_add(
        cell_year=cell_year,
        assessment=cell_year.assessments.get(member=away),
        by=secretary,
        kind=InputKind.HOST_COMMENT,
        source="Chi bộ Trường Chính trị",
        given_on=datetime.date(2025, 12, 1),
        text="Hoàn thành tốt nhiệm vụ học tập",
    )
    assert checklist(cell_year)[str(work.MSG_CHECK_HOST_COMMENT)].ok


def test_the_checklist_catches_votes_above_a_later_attendance(period, tree, secretary):
    everyone = members(tree, 4)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = hold_meeting(cell_year, secretary, present=everyone)
    assessment = cell_year.assessments.first()
    work.tally_save(
        meeting=meeting,
        assessment=assessment,
        votes={"HTTNV": 4},
        commendation_proposed=False,
        by=secretary,
        version=None,
    )
    assert checklist(cell_year)[str(work.MSG_CHECK_TALLIES)].ok
    work.attendance_set(
        meeting=meeting, member=everyone[0], present=False, absence_reason="", by=secretary
    )
    item = checklist(cell_year)[str(work.MSG_CHECK_TALLIES)]
    assert not item.ok and assessment.member.full_name in item.detail


def test_two_first_saves_of_an_empty_row_end_in_a_conflict(period, tree, secretary, committee):
    """Version 0 means "I saw an empty row": a tally someone else created meanwhile wins."""
    everyone = members(tree, 4)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = hold_meeting(cell_year, secretary, present=everyone)
    assessment = cell_year.assessments.first()
    work.tally_save(
        meeting=meeting,
        assessment=assessment,
        votes={"HTXSNV": 4},
        commendation_proposed=False,
        by=secretary,
        version=0,
    )
    with pytest.raises(work.Conflict) as conflict:
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"HTTNV": 1},
            commendation_proposed=False,
            by=committee,
            version=0,
        )
    assert conflict.value.current.votes == {"HTXSNV": 4}


def test_levels_attach_sets_the_three_levels_reading_only_those_not_given(
    cell_year, tree, django_assert_num_queries
):
    members(tree, 2)
    year = work.cell_year_open(period=cell_year.period, cell=tree.c1)
    levels = {level.code: level for level in year.period.rule_set.levels.all()}

    def records():  # as read from the database, the first one rated (not saved: no counts)
        first, second = year.assessments.order_by("pk")
        first.self_level_id, first.proposed_level_id = levels["HTXSNV"].pk, levels["HTTNV"].pk
        first.decided_level_id = levels["HTNV"].pk
        return [first, second]

    rows = records()
    with django_assert_num_queries(0):
        work.levels_attach(rows, levels.values())
        assert [(r.self_level, r.proposed_level, r.decided_level) for r in rows] == [
            (levels["HTXSNV"], levels["HTTNV"], levels["HTNV"]),
            (None, None, None),
        ]
    rows = records()
    with django_assert_num_queries(1):  # those not given, together
        work.levels_attach(rows, [levels["HTTNV"]])
    with django_assert_num_queries(0):
        assert (rows[0].self_level.code, rows[0].decided_level.code) == ("HTXSNV", "HTNV")
        assert rows[1].decided_level is None
