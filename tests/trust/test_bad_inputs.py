"""Issue 7, item 3: a catalogue of bad inputs, each sent through the real interface (the test
client as the right role, or the import command), each answered with a Vietnamese message that
names its place (the field, or the sheet, row and column) and each leaving every row of the
domain, history included, as it was.

Assertions compare with the application's own message constants rendered in Vietnamese, so they
hold before and after the Vietnamese translations of new messages are added; Django's own
messages are checked to be on the right field and written in Vietnamese.

tests/reports/test_imports.py already covers many workbook rejections (unknown parent, a cycle
of two units, duplicate codes and cards, a bad birth date, a missing header, a text file, an
empty file, a workbook without rows, a 50 MB file at the command, a year without rules, an open
year, wrong reasons, wrong kinds, locked results); the import cases here try other inputs, or
the same kind of input through another door (the web upload), and are not repeated blindly.

A few inputs are tolerated on purpose and say so (a formula typed as a name is kept and exported
as text; workbook columns are found by header, whatever their order or spacing). A NUL
character anywhere in a form is refused before any view reads it (organizations/middleware.py).

The module ends by printing "bad inputs tried: N".
"""

import datetime
import html
import io
import re
import time
import tracemalloc
import zipfile
from contextlib import contextmanager

import openpyxl
import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from assessment import cell_year as work
from assessment import corrections, decisions, rules
from assessment import forms as assessment_forms
from members.models import (
    MSG_ADMISSION_FUTURE,
    MSG_BIRTH_AFTER_ADMISSION,
    MSG_CARD,
    MSG_FULL_BEFORE_ADMISSION,
    Member,
)
from organizations.models import CODE_VALIDATOR, MSG_DATES, MSG_PARENT_KIND, Kind, Organization
from reports import imports
from reports.exchange import workbook_export
from reports.exports import classification_list_xlsx
from reports.imports import HEADERS, MAX_FILE_BYTES
from reports.models import ImportRun

from ..assessment.tables import table_post
from ..assessment.test_decisions import accept_proposals, issue, submitted_cell
from ..reports.test_imports import workbook

pytestmark = pytest.mark.django_db

TRIED: list[str] = []
ONE_MB = "a" * (1024 * 1024)  # ASCII: a 1 MB field stays under Django's 2.5 MB request limit
FORMULA = "=cmd|' /C calc'!A0"
DOMAIN_APPS = {"organizations", "members", "assessment", "reports"}
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)


@pytest.fixture(autouse=True)
def _count(request):
    if not request.node.name.startswith("test_the_catalogue"):
        TRIED.append(request.node.name)


# --- What "nothing written" and "a Vietnamese message naming the place" mean --------------------


def _rows(model) -> list[tuple]:
    rows = model._base_manager.order_by("pk")
    if model._meta.label == "organizations.AuditEvent":
        rows = rows.exclude(action="import")
    return list(rows.values_list())


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the domain's tables, history and audit trail included. The record of an
    import attempt (ImportRun, and its "import" audit event) is left out: each attempt, refused
    ones too, is recorded by design (issue 7)."""
    return {
        model._meta.label: _rows(model)
        for model in apps.get_models()
        if model._meta.app_label in DOMAIN_APPS and model is not ImportRun
    }


@contextmanager
def nothing_written():
    before = snapshot()
    yield
    after = snapshot()
    assert [table for table in after if after[table] != before[table]] == []


def vi(message, /, **params) -> str:
    """A message as a Vietnamese user reads it."""
    with translation.override("vi"):
        return str(message % params) if params else str(message)


def assert_vietnamese(text: str) -> None:
    assert VIETNAMESE.search(text), f"not Vietnamese: {text!r}"


def django_message(field_class, code: str, **params) -> str:
    """One of Django's own form messages, in Vietnamese."""
    return vi(field_class.default_error_messages[code], **params)


def assert_field_error(response, field: str, expected: str | None = None) -> None:
    """The re-shown form has an error on `field`: `expected` (the app's message in Vietnamese),
    or, when None, one of Django's own messages, which must read in Vietnamese."""
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].errors
    assert field in errors, dict(errors)
    if expected is None:
        for error in errors[field]:
            assert_vietnamese(error)
    else:
        assert errors[field] == [expected]


def flashed(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def label(text) -> str:
    return vi(capfirst(text))


# --- Units -----------------------------------------------------------------------------------

UNIT = {"code": "C9", "name": "Chi bộ thôn 9", "kind": Kind.SUBORDINATE_CELL}


def _kinds(kind, parent) -> dict[str, str]:
    with translation.override("vi"):
        return {"kind": str(kind.label), "parent": str(parent.label)}


UNIT_CASES = [
    ("unit-code-taken-other-case", {"code": "c1"}, "code", None),
    ("unit-code-with-accents", {"code": "Chi bộ 9"}, "code", vi(CODE_VALIDATOR.message)),
    ("unit-name-missing", {"name": "  "}, "name", django_message(forms.CharField, "required")),
    ("unit-name-1-mb", {"name": ONE_MB}, "name", None),
    ("unit-kind-unknown", {"kind": "chi_bo_ma"}, "kind", None),
    (
        "unit-kind-may-not-sit-under-parent",
        {"kind": Kind.GRASSROOTS_CELL},
        "kind",
        vi(MSG_PARENT_KIND, **_kinds(Kind.GRASSROOTS_CELL, Kind.GRASSROOTS_COMMITTEE)),
    ),
    (
        "unit-date-31-02",
        {"active_from": "31/02/2025"},
        "active_from",
        django_message(forms.DateField, "invalid"),
    ),
    (
        "unit-end-before-start",
        {"active_from": "01/07/2025", "active_to": "30/06/2025"},
        "active_to",
        vi(MSG_DATES),
    ),
]


@pytest.mark.parametrize(
    ("data", "field", "expected"), [c[1:] for c in UNIT_CASES], ids=[c[0] for c in UNIT_CASES]
)
def test_the_unit_form_refuses(login, tree, district_board, data, field, expected):
    client = login(district_board)
    with nothing_written():
        response = client.post(reverse("organizations:unit_create", args=[tree.g1.pk]), UNIT | data)
    assert_field_error(response, field, expected)


def test_the_unit_form_refuses_a_code_taken_by_another_unit_on_edit(login, tree, district_board):
    client = login(district_board)
    with nothing_written():
        response = client.post(
            reverse("organizations:unit_edit", args=[tree.c1.pk]),
            {"code": "c2", "name": "Chi bộ thôn 1"},
        )
    assert_field_error(response, "code")


def test_the_ui_cannot_move_a_unit_under_its_own_descendant(login, tree, provincial):
    """There is no move in the interface: the edit form has no parent, and a parent posted
    anyway is ignored (the import refuses moves, see the import cases)."""
    client = login(provincial)
    response = client.post(
        reverse("organizations:unit_edit", args=[tree.g1.pk]),
        {"code": "G1", "name": "Đảng bộ xã G1", "parent": tree.c1.pk, "path": tree.c1.path},
    )
    assert response.status_code == 302
    g1 = Organization.objects.get(pk=tree.g1.pk)
    assert (g1.path, Organization.objects.get_parent(g1)) == (tree.g1.path, tree.district_a)


# --- Members ---------------------------------------------------------------------------------


def member_data(cell, /, **overrides) -> dict:
    return {
        "card_number": "93012345678",
        "full_name": "Phạm Thị Hoa",
        "birth_date": "17/05/1990",
        "gender": "female",
        "cell": cell.pk,
        "admission_date": "03/02/2015",
        "full_membership_date": "03/02/2016",
    } | overrides


TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
MEMBER_CASES = [
    ("member-card-with-letters", {"card_number": "12AB5678"}, "card_number", vi(MSG_CARD)),
    ("member-card-taken", {"card_number": "TAKEN"}, "card_number", None),
    ("member-name-missing", {"full_name": ""}, "full_name", None),
    ("member-name-1-mb", {"full_name": ONE_MB}, "full_name", None),
    (
        "member-admission-31-02",
        {"admission_date": "31/02/2025"},
        "admission_date",
        django_message(forms.DateField, "invalid"),
    ),
    (
        "member-admission-in-the-future",
        {"admission_date": TOMORROW, "full_membership_date": ""},
        "admission_date",
        vi(MSG_ADMISSION_FUTURE),
    ),
    (
        "member-full-before-admission",
        {"full_membership_date": "02/02/2015"},
        "full_membership_date",
        vi(MSG_FULL_BEFORE_ADMISSION),
    ),
    (
        "member-born-after-admission",
        {"birth_date": "04/02/2015"},
        "birth_date",
        vi(MSG_BIRTH_AFTER_ADMISSION),
    ),
    ("member-cell-is-a-committee", {"cell": "G1"}, "cell", None),
]


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [c[1:] for c in MEMBER_CASES],
    ids=[c[0] for c in MEMBER_CASES],
)
def test_the_member_form_refuses(login, tree, committee, c1_members, data, field, expected):
    if data.get("card_number") == "TAKEN":
        data = data | {"card_number": c1_members[0].card_number}
    if data.get("cell") == "G1":
        data = data | {"cell": tree.g1.pk}
    client = login(committee)
    with nothing_written():
        response = client.post(
            reverse("members:member_create", args=[tree.g1.pk]), member_data(tree.c1, **data)
        )
    assert_field_error(response, field, expected)


def test_the_member_form_refuses_a_card_taken_by_another_member_on_edit(
    login, tree, committee, c1_members
):
    first, second = c1_members[:2]
    client = login(committee)
    with nothing_written():
        response = client.post(
            reverse("members:member_edit", args=[first.pk]),
            member_data(tree.c1, card_number=second.card_number),
        )
    assert_field_error(response, "card_number")


TRANSFER_CASES = [
    ("transfer-to-a-committee", {"to_cell": "G1"}, "to_cell"),
    ("transfer-to-an-unknown-unit", {"to_cell": "999999"}, "to_cell"),
    ("transfer-date-31-02", {"on": "31/02/2025"}, "on"),
    ("transfer-without-reason", {"reason": " "}, "reason"),
    ("transfer-reason-1-mb", {"reason": ONE_MB}, "reason"),
]


@pytest.mark.parametrize(
    ("data", "field"), [c[1:] for c in TRANSFER_CASES], ids=[c[0] for c in TRANSFER_CASES]
)
def test_the_transfer_form_refuses(login, tree, committee, c1_members, data, field):
    if data.get("to_cell") == "G1":
        data = {"to_cell": tree.g1.pk}
    client = login(committee)
    with nothing_written():
        response = client.post(
            reverse("members:member_transfer", args=[c1_members[0].pk]),
            {"to_cell": tree.c2.pk, "on": "15/06/2025", "reason": "Chuyển nơi cư trú"} | data,
        )
    assert_field_error(response, field)


# --- The cell's year: self-review, status, inputs, report, meeting, attendance, votes --------


@pytest.fixture
def cell_work(period, tree, secretary, c1_members):
    """C1's open year: three full members, all present at a meeting held on 10/12/2025."""
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = work.meeting_for(cell_year)
    work.meeting_save(
        meeting=meeting,
        data={"held_on": datetime.date(2025, 12, 10), "chair": "A", "recorder": "B"},
        by=secretary,
        version=None,
    )
    for member in c1_members:
        work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    cell_year.refresh_from_db()
    meeting.refresh_from_db()
    assessments = list(cell_year.assessments.order_by("member__full_name", "pk"))
    return cell_year, meeting, assessments


SCORE_CASES = [
    (
        "self-score-above-the-maximum",
        {"score_politics_ethics": "16"},
        "score_politics_ethics",
        None,
    ),
    ("self-score-negative", {"score_progress": "-1"}, "score_progress", None),
    ("self-score-in-words", {"score_quality": "mười lăm"}, "score_quality", None),
    ("self-review-text-1-mb", {"strengths": ONE_MB}, "strengths", None),
]


@pytest.mark.parametrize(
    ("data", "field", "expected"), [c[1:] for c in SCORE_CASES], ids=[c[0] for c in SCORE_CASES]
)
def test_the_self_review_refuses(login, cell_work, secretary, data, field, expected):
    assessments = cell_work[2]
    client = login(secretary)
    with nothing_written():
        response = client.post(
            reverse("assessment:self_review", args=[assessments[0].pk]),
            {"version": assessments[0].version, "strengths": "Hoàn thành công việc"} | data,
        )
    assert_field_error(response, field, expected)


STATUS_CASES = [
    ("status-without-reason", {"note": "  "}, label(_("reason"))),
    ("status-unknown-reason-code", {"reason_code": "nghi_phep"}, label(_("reason code"))),
    ("status-kpl-with-a-cpl-reason", {"status": "kpl"}, vi(work.MSG_REASON_CODE)),
    ("status-note-1-mb", {"note": ONE_MB}, label(_("reason"))),
]


@pytest.mark.parametrize(
    ("data", "expected"), [c[1:] for c in STATUS_CASES], ids=[c[0] for c in STATUS_CASES]
)
def test_the_status_form_refuses(login, cell_work, secretary, data, expected):
    """The status form's errors are shown as messages above the roster: each names its field
    (by its label), or is the rule's own message."""
    assessments = cell_work[2]
    client = login(secretary)
    with nothing_written():
        response = client.post(
            reverse("assessment:member_status", args=[assessments[0].pk]),
            {"status": "cpl", "reason_code": "om_dau", "note": "Ốm dài ngày"} | data,
            follow=True,
        )
    (message,) = flashed(response)
    assert_vietnamese(message)
    assert expected in message


REVIEW_DATES = vi(
    assessment_forms.MSG_DATE_OUTSIDE_YEARS, year=2025, first="01/01/2025", last="31/12/2026"
)


INPUT_CASES = [
    ("input-content-missing", {"text": ""}, "text", None),
    ("input-date-31-02", {"given_on": "31/02/2025"}, "given_on", None),
    ("input-date-in-1900", {"given_on": "01/01/1900"}, "given_on", REVIEW_DATES),
    ("input-content-1-mb", {"text": ONE_MB}, "text", None),
    ("input-kind-unknown", {"kind": "thu_nac_danh"}, "kind", None),
]


@pytest.mark.parametrize(
    ("data", "field", "expected"), [c[1:] for c in INPUT_CASES], ids=[c[0] for c in INPUT_CASES]
)
def test_the_review_input_form_refuses(login, tree, cell_work, secretary, data, field, expected):
    client = login(secretary)
    with nothing_written():
        response = client.post(
            reverse("assessment:inputs", args=[2025, tree.c1.pk]),
            {
                "kind": "feedback",
                "source": "Hội Cựu chiến binh",
                "given_on": "20/11/2025",
                "text": "Gương mẫu",
            }
            | data,
        )
    assert_field_error(response, field, expected)


REPORT_CASES = [
    ("cell-report-text-1-mb", {"report_strengths": ONE_MB}, "report_strengths", None),
    (
        "cell-report-sent-in-1900",
        {"report_sent_on": "01/01/1900"},
        "report_sent_on",
        REVIEW_DATES,
    ),
    ("cell-report-unknown-level", {"self_level": "999999"}, "self_level", None),
]


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [c[1:] for c in REPORT_CASES],
    ids=[c[0] for c in REPORT_CASES],
)
def test_the_cell_report_refuses(login, tree, cell_work, secretary, data, field, expected):
    cell_year = cell_work[0]
    client = login(secretary)
    with nothing_written():
        response = client.post(
            reverse("assessment:cell_report", args=[2025, tree.c1.pk]),
            {"version": cell_year.version, "report_strengths": "Đoàn kết"} | data,
        )
    assert_field_error(response, field, expected)


MEETING_CASES = [
    ("meeting-in-1900", {"held_on": "01/01/1900"}, "held_on", REVIEW_DATES),
    ("meeting-date-31-02", {"held_on": "31/02/2025"}, "held_on", None),
    ("meeting-chair-1-mb", {"chair": ONE_MB}, "chair", None),
    ("meeting-ballot-unknown", {"ballot_form": "bo_phieu_online"}, "ballot_form", None),
]


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [c[1:] for c in MEETING_CASES],
    ids=[c[0] for c in MEETING_CASES],
)
def test_the_meeting_form_refuses(login, tree, cell_work, secretary, data, field, expected):
    meeting = cell_work[1]
    client = login(secretary)
    with nothing_written():
        response = client.post(
            reverse("assessment:meeting", args=[2025, tree.c1.pk]),
            {
                "version": meeting.version,
                "held_on": "10/12/2025",
                "place": "Nhà văn hóa thôn",
                "chair": "Nguyễn Văn A",
                "recorder": "Trần Thị B",
                "ballot_form": "hands",
            }
            | data,
        )
    assert_field_error(response, field, expected)


def test_attendance_refuses_a_null_character(login, tree, cell_work, secretary):
    """PostgreSQL cannot store U+0000: refused with a message, not a 500."""
    assessments = cell_work[2]
    client = login(secretary)
    with nothing_written():
        response = client.post(
            reverse("assessment:attendance", args=[2025, tree.c1.pk, assessments[0].member_id]),
            {"absence_reason": "Ốm\x00"},
            HTTP_HX_REQUEST="true",
        )
    # refused before any view reads it (organizations/middleware.py), naming the field
    assert response.status_code == 400
    assert "absence_reason" in response.context["message"]
    assert_vietnamese(response.context["message"])


def test_the_self_review_refuses_a_null_character(login, tree, cell_work, secretary):
    assessments = cell_work[2]
    client = login(secretary)
    with nothing_written():
        response = client.post(
            reverse("assessment:self_review", args=[assessments[0].pk]),
            {"causes": "Chủ quan\x00"},
        )
    assert response.status_code == 400
    assert "causes" in response.context["message"]
    assert_vietnamese(response.context["message"])


def _whole_number(level: str) -> str:
    return vi(_("“%(level)s”: the number of votes must be a whole number."), level=level)


TALLY_CASES = [
    (
        "votes-negative",
        {"votes_HTXSNV": "-1"},
        vi(rules.MSG_VOTES_NEGATIVE, level="HTXSNV"),
    ),
    (
        "votes-ten-to-the-twelfth",
        {"votes_HTTNV": str(10**12)},
        vi(rules.MSG_VOTES_ABOVE_PRESENT, votes=10**12, present=3),
    ),
    (
        "votes-more-than-present",
        {"votes_HTXSNV": "2", "votes_HTTNV": "2"},
        vi(rules.MSG_VOTES_ABOVE_PRESENT, votes=4, present=3),
    ),
    ("votes-in-letters", {"votes_HTTNV": "ba"}, _whole_number("HTTNV")),
    ("votes-with-a-decimal", {"votes_HTNV": "2,5"}, _whole_number("HTNV")),
    (
        "commendation-without-an-excellent-majority",
        {"votes_HTTNV": "3", "commendation": "on"},
        vi(work.MSG_COMMENDATION),
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [c[1:] for c in TALLY_CASES], ids=[c[0] for c in TALLY_CASES]
)
def test_the_tally_refuses(login, tree, cell_work, secretary, data, expected):
    """htmx POST of one row: the error shows in that person's row, and no vote is stored."""
    assessments = cell_work[2]
    subject = assessments[0]
    client = login(secretary)
    with nothing_written():
        response = client.post(
            reverse("assessment:tally", args=[2025, tree.c1.pk]),
            {"subject": subject.pk, "version": "0"} | data,
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    content = response.content.decode()
    state = re.search(
        rf'data-testid="tally-state-{subject.pk}".*?</div>\s*</template>', content, re.S
    )
    assert state and html.escape(expected) in state.group(0), content


def test_the_tally_refuses_a_subject_that_is_not_a_number(login, tree, cell_work, secretary):
    client = login(secretary)
    with nothing_written():
        response = client.post(
            reverse("assessment:tally", args=[2025, tree.c1.pk]),
            {"subject": "abc", "votes_HTXSNV": "1"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 404


# --- Decisions: levels, the decision form, re-rating ----------------------------------------


@pytest.fixture
def decided(period, tree, secretary, committee, level):
    """C2 submitted with three members proposed good, the committee's levels recorded, no
    decision issued yet."""
    cell_year = submitted_cell(period, tree.c2, secretary, 3, {"HTTNV": 3})
    accept_proposals(cell_year, committee)
    return cell_year


def decision_field(name: str) -> str:
    return vi(assessment_forms.DecisionIssueForm.base_fields[name].label)


DOCUMENT = {"signed_on": "28/12/2025", "signer_name": "Trần Văn Bí", "signer_title": "Bí thư"}
DECISION_CASES = [
    ("decision-date-31-02", {"signed_on": "31/02/2025"}, decision_field("signed_on")),
    ("decision-date-in-words", {"signed_on": "hôm qua"}, decision_field("signed_on")),
    ("decision-date-missing", {"signed_on": ""}, decision_field("signed_on")),
    ("decision-signer-1-mb", {"signer_name": ONE_MB}, decision_field("signer_name")),
    (
        "decision-cap-in-letters",
        {"raised_cap_percent": "hai lăm"},
        decision_field("raised_cap_percent"),
    ),
    (
        "decision-cap-negative",
        {"raised_cap_percent": "-5"},
        decision_field("raised_cap_percent"),
    ),
    (
        "decision-cap-30-percent",
        {"raised_cap_percent": "30", "quota_raise_reference": "QĐ 12-QĐ/HU"},
        vi(decisions.MSG_CAP_TOO_HIGH, max="25"),
    ),
    (
        "decision-raised-cap-without-reference",
        {"raised_cap_percent": "22"},
        vi(decisions.MSG_CAP_REFERENCE),
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [c[1:] for c in DECISION_CASES], ids=[c[0] for c in DECISION_CASES]
)
def test_the_decision_form_refuses(login, tree, decided, committee, data, expected):
    """The decision form's errors are listed as messages above the table: each names its
    field, or says what is wrong with the cap in the rule's own words."""
    client = login(committee)
    with nothing_written():
        response = client.post(
            reverse("assessment:decision_issue", args=[2025, tree.c2.pk]),
            DOCUMENT | data,
            follow=True,
        )
    (message,) = flashed(response)
    assert_vietnamese(message)
    assert expected in message


def test_a_decided_level_other_than_the_proposal_needs_a_reason(
    login, tree, decided, committee, level
):
    row = decided.assessments.order_by("pk").first()
    client = login(committee)
    url = reverse("assessment:decide", args=[2025, tree.c2.pk])
    data = table_post(client.get(url), {row.pk: {"level": level["HTNV"].pk, "note": "   "}})
    with nothing_written():
        response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["errors"] == {row.pk: [vi(decisions.MSG_NOTE_NEEDED)]}
    assert html.escape(vi(decisions.MSG_NOTE_NEEDED)) in response.content.decode()


def test_a_decision_note_with_a_null_character_is_refused(login, tree, decided, committee, level):
    row = decided.assessments.order_by("pk").first()
    client = login(committee)
    url = reverse("assessment:decide", args=[2025, tree.c2.pk])
    page = client.get(url)
    data = table_post(page, {row.pk: {"level": level["HTNV"].pk, "note": "Sai\x00"}})
    field = next(f for f in page.context["table"].forms if f.initial["id"] == row.pk)
    with nothing_written():
        response = client.post(url, data)
    # refused before any view reads it (organizations/middleware.py), naming the field
    assert response.status_code == 400
    assert field.add_prefix("note") in response.content.decode()
    assert_vietnamese(response.context["message"])


@pytest.fixture
def locked(decided, committee):
    issue(decided, committee)
    return decided.assessments.order_by("pk").first()


@pytest.mark.parametrize(
    "reason", ["Sai\x00", ONE_MB], ids=["reopen-reason-null-character", "reopen-reason-1-mb"]
)
def test_a_reopening_reason_that_cannot_be_kept_is_refused(login, locked, committee, reason):
    client = login(committee)
    with nothing_written():
        response = client.post(
            reverse("assessment:decision_reopen", args=[locked.decision_id]),
            {"reason": reason},
            follow=True,
        )
    if "\x00" in reason:
        assert response.status_code == 400  # organizations/middleware.py, naming the field
        assert_vietnamese(response.context["message"])
    else:
        (message,) = flashed(response)
        assert_vietnamese(message)
        assert "5000" in message or "5.000" in message


RERATE_CASES = [
    ("rerate-to-the-same-level", {"level": "HTTNV"}, "level", vi(corrections.MSG_SAME_LEVEL)),
    ("rerate-without-reason", {"reason": "  "}, "reason", None),
    ("rerate-date-31-02", {"signed_on": "31/02/2026"}, "signed_on", None),
    ("rerate-grounds-of-another-era", {"grounds": "later_discipline"}, "grounds", None),
]


@pytest.mark.parametrize(
    ("data", "field", "expected"), [c[1:] for c in RERATE_CASES], ids=[c[0] for c in RERATE_CASES]
)
def test_the_rerating_form_refuses(login, locked, committee, level, data, field, expected):
    if "level" in data:
        data = data | {"level": level[data["level"]].pk}
    client = login(committee)
    with nothing_written():
        response = client.post(
            reverse("assessment:rerate", args=[locked.pk]),
            {
                "grounds": "wrong",
                "level": level["HTNV"].pk,
                "reason": "Phát hiện sai sót khi thẩm định",
                "signed_on": "02/03/2026",
                "signer_name": "Trần Văn Bí",
                "signer_title": "Bí thư Đảng ủy",
            }
            | data,
        )
    assert_field_error(response, field, expected)


# --- Formula injection: stored as text, exported as text -------------------------------------


def _exported_cell(data: bytes, sheet: str, text: str):
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for row in book[sheet].iter_rows() for c in row if c.value == text]
    assert cells, f"{text!r} not in {sheet}"
    return cells[0]


def test_a_formula_typed_as_a_member_name_stays_text(login, tree, period, committee):
    client = login(committee)
    response = client.post(
        reverse("members:member_create", args=[tree.g1.pk]),
        member_data(tree.c1, full_name=FORMULA),
    )
    assert response.status_code == 302
    member = Member.objects.get(card_number="93012345678")
    assert member.full_name == FORMULA
    exported = _exported_cell(workbook_export(unit=tree.province, year=2025), "DangVien", FORMULA)
    assert (exported.data_type, exported.quotePrefix) == ("s", True)
    work.cell_year_open(period=period, cell=tree.c1)
    listed = io.BytesIO()
    classification_list_xlsx(unit=tree.province, period=period, out=listed)
    cell = _exported_cell(listed.getvalue(), "DanhSach", FORMULA)
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


# --- Workbook imports ------------------------------------------------------------------------

MEMBER_ROW = ("900000001", "Phạm Văn Một", "02/01/1985", "Nam", "C1", "03/04/2010", "")


def at(sheet: str, row: int, column: str, message, **params) -> str:
    """An import error as the user reads it: sheet, row and column, then the message."""
    return vi(imports.MSG_AT, sheet=sheet, row=row, column=column, message=vi(message, **params))


def command_refuses(path) -> list[str]:
    """Run the import command on `path`: it must fail, write nothing, and record the attempt."""
    runs, err = ImportRun.objects.count(), io.StringIO()
    with nothing_written(), pytest.raises(CommandError):
        call_command("import_workbook", str(path), stdout=io.StringIO(), stderr=err)
    assert ImportRun.objects.count() == runs + 1
    assert ImportRun.objects.latest("pk").ok is False
    return err.getvalue().splitlines()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def web_refuses(client, media, name: str, content: bytes) -> tuple[ImportRun, str]:
    """Upload through the web page: a dry run that lists the errors and keeps no file."""
    with nothing_written():
        response = client.post(
            reverse("reports:import_upload"), {"file": SimpleUploadedFile(name, content)}
        )
    assert response.status_code == 302
    run = ImportRun.objects.latest("pk")
    assert run.ok is False
    page = client.get(response["Location"])
    assert 'data-testid="import-confirm"' not in page.content.decode()
    assert not (media / "imports" / f"{run.pk}.xlsx").exists()
    return run, page.content.decode()


def zip_bomb(path, megabytes: int = 300):
    """A real workbook whose members sheet holds one cell of `megabytes` MB of text: a few
    hundred kilobytes on disk."""
    book = openpyxl.Workbook()
    book.active.title = "DangVien"
    book.active.append(list(HEADERS["DangVien"]))
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(plain)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with bomb.open(info.filename, "w") as part:
                part.write(head + b'<row r="2"><c r="B2" t="inlineStr"><is><t>')
                chunk = b"A" * (1024 * 1024)
                for _ in range(megabytes):
                    part.write(chunk)
                part.write(b"</t></is></c></row></sheetData>" + tail)
    return path


def test_the_import_refuses_a_zip_bomb_quickly_and_in_little_memory(tree, tmp_path):
    path = zip_bomb(tmp_path / "bom.xlsx")
    sheet = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    assert path.stat().st_size < 2 * 1024 * 1024 and sheet.file_size > 300 * 1024 * 1024
    err = io.StringIO()
    with nothing_written():
        tracemalloc.start()
        started = time.monotonic()
        try:
            with pytest.raises(CommandError):
                call_command("import_workbook", str(path), stdout=io.StringIO(), stderr=err)
            elapsed, (_, peak) = time.monotonic() - started, tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert elapsed < 5, elapsed
    assert peak < 32 * 1024 * 1024, peak
    with translation.override("vi"):
        sizes = {
            "part": sheet.filename,
            "size": filesizeformat(sheet.file_size),
            "packed": filesizeformat(sheet.compress_size),
        }
    assert err.getvalue().splitlines() == [vi(imports.MSG_PACKED_TOO_TIGHTLY, **sizes)]
    assert ImportRun.objects.get().ok is False


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh-chup.xlsx", PNG),
        ("danh-sach.xlsx", "Số thẻ đảng viên,Họ và tên\n900000001,Phạm Văn Một\n".encode()),
    ],
    ids=["import-png-renamed-xlsx", "import-csv-renamed-xlsx"],
)
def test_the_upload_refuses_a_file_that_is_not_a_workbook(
    login, tree, media, provincial, name, content
):
    run, page = web_refuses(login(provincial), media, name, content)
    assert [e["message"] for e in run.errors] == [vi(imports.MSG_NOT_XLSX)]
    assert html.escape(vi(imports.MSG_NOT_XLSX)) in page


def test_the_upload_refuses_50_mb_before_reading_it(login, tree, media, provincial):
    """A zip header then zeros: refused on its size, not opened (it would be "not a workbook")."""
    content = imports.XLSX_MAGIC + bytes(MAX_FILE_BYTES - len(imports.XLSX_MAGIC))
    started = time.monotonic()
    run, page = web_refuses(login(provincial), media, "lon.xlsx", content)
    assert time.monotonic() - started < 20
    with translation.override("vi"):
        size = filesizeformat(MAX_FILE_BYTES)
    expected = vi(imports.MSG_TOO_LARGE, size=size, max=size)
    assert [e["message"] for e in run.errors] == [expected]
    assert html.escape(expected) in page


def test_the_import_refuses_a_workbook_that_unpacks_to_too_much(tree, tmp_path, monkeypatch):
    """Parts packed plausibly but too large together: the limit is lowered to a small valid
    workbook's size rather than writing half a gigabyte in a test."""
    path = workbook(tmp_path / "x.xlsx", DangVien=[MEMBER_ROW])
    total = sum(part.file_size for part in zipfile.ZipFile(path).infolist())
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", total - 1)
    with translation.override("vi"):
        sizes = {"size": filesizeformat(total), "max": filesizeformat(total - 1)}
    assert command_refuses(path) == [vi(imports.MSG_UNPACKED_TOO_LARGE, **sizes)]


def test_the_import_refuses_an_empty_workbook(tree, tmp_path):
    path = tmp_path / "rong.xlsx"
    openpyxl.Workbook().save(path)  # one sheet, "Sheet", and nothing in it
    assert command_refuses(path) == [
        vi(imports.MSG_NO_SHEETS, sheets=", ".join(HEADERS)),
    ]


def test_the_upload_refuses_an_admission_in_the_future(login, tree, media, provincial, tmp_path):
    row = (*MEMBER_ROW[:5], TOMORROW, "")
    path = workbook(tmp_path / "x.xlsx", DangVien=[row])
    run, page = web_refuses(login(provincial), media, "x.xlsx", path.read_bytes())
    message = vi(MSG_ADMISSION_FUTURE)
    assert run.errors == [
        {"sheet": "DangVien", "row": 2, "column": "Ngày vào Đảng", "message": message}
    ]
    assert html.escape(message) in page and "<td>Ngày vào Đảng</td>" in page


LONG_NAME = "Nguyễn " * 6000  # 42,000 characters: a cell may hold more than a field takes
IMPORT_CASES = [
    (
        "import-admission-31-02",
        {"DangVien": [(*MEMBER_ROW[:5], "31/02/2025", "")]},
        at("DangVien", 2, "Ngày vào Đảng", imports.MSG_BAD_DATE, value="31/02/2025"),
    ),
    (
        "import-born-after-admission",
        {"DangVien": [(*MEMBER_ROW[:2], "04/04/2010", *MEMBER_ROW[3:])]},
        at("DangVien", 2, "Ngày sinh", MSG_BIRTH_AFTER_ADMISSION),
    ),
    (
        "import-card-with-letters",
        {"DangVien": [("90000ABC", *MEMBER_ROW[1:])]},
        at("DangVien", 2, "Số thẻ đảng viên", MSG_CARD),
    ),
    (
        "import-name-of-42000-characters",
        {"DangVien": [(MEMBER_ROW[0], LONG_NAME.strip(), *MEMBER_ROW[2:])]},
        at("DangVien", 2, "Họ và tên", imports.MSG_TOO_LONG, max=120),
    ),
    (
        "import-unknown-cell-code",
        {"DangVien": [(*MEMBER_ROW[:4], "KHONG_CO", *MEMBER_ROW[5:])]},
        at("DangVien", 2, "Mã chi bộ", imports.MSG_UNKNOWN_UNIT, code="KHONG_CO"),
    ),
    (
        "import-unit-its-own-parent",
        {"ToChuc": [("X1", "Đảng bộ bộ phận X1", "dang_bo_bo_phan", "X1")]},
        at("ToChuc", 2, "Mã cấp trên", imports.MSG_CYCLE, cycle="X1 → X1"),
    ),
    (
        "import-moves-a-unit-under-its-own-descendant",
        {"ToChuc": [("G1", "Đảng bộ xã G1", "dang_bo_co_so", "C1")]},
        at("ToChuc", 2, "Mã cấp trên", imports.MSG_PARENT_CHANGED, code="G1", parent="Huyện ủy A"),
    ),
    (
        "import-year-1800",
        {"KetQua": [(1800, "dang_vien", "MEMBER", "HTTNV", "")]},
        at("KetQua", 2, "Năm", imports.MSG_BAD_YEAR, value="1800"),
    ),
    (
        "import-unknown-level-code",  # cf. test_it_rejects_an_unknown_level_code_for_the_year
        {"KetQua": [(2025, "dang_vien", "MEMBER", "XUAT_SAC", "")]},
        at(
            "KetQua",
            2,
            "Xếp loại",
            imports.MSG_UNKNOWN_LEVEL,
            value="XUAT_SAC",
            rule_set="QD366-2025",
            choices="HTXSNV, HTTNV, HTNV, KHTNV, KPL, CPL",
        ),
    ),
    (
        "import-kpl-with-an-unknown-reason",
        {"KetQua": [(2025, "dang_vien", "MEMBER", "KPL", "nghi_phep")]},
        at(
            "KetQua",
            2,
            "Lý do",
            imports.MSG_BAD_REASON,
            value="nghi_phep",
            mark="KPL",
            choices=", ".join(rules.KPL_REASONS),
        ),
    ),
]


@pytest.mark.parametrize(
    ("sheets", "expected"), [c[1:] for c in IMPORT_CASES], ids=[c[0] for c in IMPORT_CASES]
)
def test_the_import_command_refuses(tree, c1_members, tmp_path, sheets, expected):
    card = c1_members[0].card_number
    sheets = {
        name: [tuple(card if v == "MEMBER" else v for v in row) for row in rows]
        for name, rows in sheets.items()
    }
    assert command_refuses(workbook(tmp_path / "x.xlsx", **sheets)) == [expected]


def _members_sheet(path, headers, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DangVien"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(
    "headers",
    [
        list(reversed(HEADERS["DangVien"])),
        [f"  {h.replace(' ', '  ', 1).replace(' ', chr(0xA0), 1)} " for h in HEADERS["DangVien"]],
    ],
    ids=["import-headers-in-another-order", "import-headers-with-extra-spaces"],
)
def test_the_import_reads_columns_by_header_not_by_place_or_spacing(tree, tmp_path, headers):
    """Tolerated rather than refused: the columns are found by their header, whatever the order
    or the spaces around and inside it, and each value lands in its own field."""
    values = dict(zip(HEADERS["DangVien"], MEMBER_ROW, strict=True))
    ordered = [values[" ".join(h.split())] for h in headers]
    path = _members_sheet(tmp_path / "x.xlsx", headers, [ordered])
    call_command("import_workbook", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    member = Member.objects.get(card_number="900000001")
    assert (member.full_name, member.cell, member.birth_date, member.admission_date) == (
        "Phạm Văn Một",
        tree.c1,
        datetime.date(1985, 1, 2),
        datetime.date(2010, 4, 3),
    )


def test_a_formula_in_an_imported_name_is_stored_and_exported_as_text(tree, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DangVien"
    sheet.append(list(HEADERS["DangVien"]))
    sheet.append(list(MEMBER_ROW))
    sheet["B2"].value = FORMULA
    sheet["B2"].data_type = "s"  # a text cell that merely starts with "=", as Excel keeps it
    path = tmp_path / "x.xlsx"
    book.save(path)

    call_command("import_workbook", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert Member.objects.get(card_number="900000001").full_name == FORMULA
    exported = _exported_cell(workbook_export(unit=tree.province, year=2025), "DangVien", FORMULA)
    assert (exported.data_type, exported.quotePrefix) == ("s", True)


# --- The count --------------------------------------------------------------------------------


def test_the_catalogue_tried_at_least_30_bad_inputs(capsys):
    """Runs last (pytest keeps the file's order): every test above tried one bad input."""
    with capsys.disabled():
        print(f"\nbad inputs tried: {len(TRIED)}")
    assert len(TRIED) >= 30
