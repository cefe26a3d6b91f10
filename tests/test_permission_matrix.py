"""Issue 7, part 1: every URL × every role × inside/outside the role's scope × GET/POST.

URL names come from the resolver, so a new view without a row here fails
`test_every_url_has_expectations`. Outside objects sit in a second province, so even the
provincial board has an outside; the administrator sees both provinces.

Codes: 302 anonymous → login (and redirects after a successful POST), 403 inside the scope but
not the role, 404 outside the scope (as if missing), 405 a method the view does not take.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessment import cell_year as work
from assessment.collectives import collective_year_open
from assessment.dossier import dossier_scan_add
from assessment.grassroots import grassroots_year_open
from assessment.models import (
    CellMeeting,
    Commendation,
    CommendationKind,
    Complaint,
    ComplaintState,
    Decision,
    GrassrootsYear,
    InputKind,
    MemberAssessment,
    Period,
    PromptLevel,
    RemedialPlan,
    RemedialStep,
    ReviewInput,
)
from assessment.quarters import quarter_open
from assessment.working_groups import working_group_save
from members.models import Post, PostKind
from organizations.models import CollectiveKind, Kind, LeadershipCollective, Role
from reports.models import ExportJob, ExportState, ImportRun
from reports.submissions import report_submit

from .factories import MemberFactory, OrganizationFactory, assign, scan_upload

ROLES = ["anonymous", "member", "secretary", "committee", "district", "provincial", "admin"]
MANAGERS = {"committee": 200, "district": 200, "provincial": 200, "admin": 200}


def codes(
    anonymous=302,
    member=None,
    secretary=None,
    committee=None,
    district=None,
    provincial=None,
    admin=None,
    default=200,
):
    given = locals()
    return {role: default if given[role] is None else given[role] for role in ROLES}


READ = codes(member=404)  # anyone in scope reads; a member has no unit in scope
READ_OWN = codes()  # a member reads their own record
NOT_ALLOWED = codes(default=405)
UNIT_WRITE = codes(member=404, secretary=403)  # managers: a form (200, invalid on empty POST)
CELL_ENTRY_FORM = codes(member=404, committee=403, district=403, provincial=403)
CELL_ENTRY_REDIRECT = codes(
    member=404, committee=403, district=403, provincial=403, secretary=302, admin=302
)
CELL_RETURN = codes(
    member=404, secretary=403, district=403, provincial=403, committee=302, admin=302
)
DECIDE = codes(member=404, secretary=403, district=403, provincial=403)
DECIDE_CELLS = codes(member=404, secretary=404, district=403, provincial=403)
GRASSROOTS_READ = codes(member=404, secretary=404)
SUPERIOR = codes(member=404, secretary=404, committee=404, provincial=403)
# An export is its requester's (here the administrator's): everyone else gets 404.
OWN_JOB = codes(member=404, secretary=404, committee=404, district=404, provincial=404)
# Imports write anywhere in a province: the provincial board and the administrator only.
IMPORTER = codes(member=403, secretary=403, committee=403, district=403)
OWN_RUN = codes(member=404, secretary=404, committee=404, district=404)
# A superior committee's yearly report: its board, the province's board and the administrator.
SUPERIOR_READ = codes(member=404, secretary=404, committee=404)
# Opening and closing years: the provincial board and the administrator (a closed year answers
# with a message and a redirect, like the first close).
YEAR_MANAGER = codes(
    member=403, secretary=403, committee=403, district=403, provincial=302, admin=302
)
# A collective's own unit enters its work (G1's committee); its managing board reads it.
COLLECTIVE_ENTRY = GRASSROOTS_READ | {
    "committee": 302,
    "admin": 302,
    "district": 403,
    "provincial": 403,
}
RERATE = codes(member=403, secretary=403, district=403, provincial=403)  # the decider only
UNIT_RERATE = codes(member=404, secretary=404, committee=403, provincial=403)
COMPLAINANT = codes(secretary=403, committee=403, district=403, provincial=403)
SELF_REVIEW_POST = codes(
    member=302, secretary=302, admin=302, committee=403, district=403, provincial=403
)

# Issue 15: the cell's secretary and its grassroots committee register and follow up a cell.
FOLLOW = CELL_RETURN | {"secretary": 302}

# The read-only API: anonymous answers 401 (token authentication), any write 405.
API_READ = codes(anonymous=401)
API_UNIT_READ = codes(anonymous=401, member=404)
API_WRITE = codes(default=405, anonymous=401)

# name: (object kind, GET, POST)
EXPECTED = {
    "home": (None, codes(), NOT_ALLOWED | {"anonymous": 302}),
    "login": (None, codes(anonymous=200), codes(anonymous=200)),
    "logout": (None, codes(default=405, anonymous=405), codes(default=302)),
    "password_change": (None, codes(), codes()),
    "password_change_done": (None, codes(), NOT_ALLOWED | {"anonymous": 302}),
    "set_language": (None, codes(default=302), codes(default=302)),
    # Password reset: open to everyone (an empty POST shows the form again; a bad link says so).
    "password_reset": (None, codes(anonymous=200), codes(anonymous=200)),
    "password_reset_done": (None, codes(anonymous=200), codes(default=405, anonymous=405)),
    "password_reset_confirm": ("reset", codes(anonymous=200), codes(anonymous=200)),
    "password_reset_complete": (None, codes(anonymous=200), codes(default=405, anonymous=405)),
    "organizations:tree": (None, codes(), NOT_ALLOWED | {"anonymous": 302}),
    "organizations:notifications": (None, codes(), codes(default=302)),
    "organizations:audit": (
        None,
        codes(member=403, secretary=403, committee=403),
        NOT_ALLOWED | {"anonymous": 302},
    ),
    "organizations:subtree": ("unit", READ, NOT_ALLOWED | {"anonymous": 302}),
    "organizations:unit": ("unit", READ, NOT_ALLOWED | {"anonymous": 302}),
    "organizations:unit_create": ("unit", UNIT_WRITE, UNIT_WRITE),
    "organizations:unit_edit": ("unit", UNIT_WRITE, UNIT_WRITE),
    "members:member_create": ("unit", UNIT_WRITE, UNIT_WRITE),
    # Accounts for a unit's officers: the boards and the administrator.
    "members:officer_accounts": (
        "unit",
        codes(member=404, secretary=403, committee=403),
        codes(member=404, secretary=403, committee=403),
    ),
    "members:member": ("member", READ_OWN, NOT_ALLOWED | {"anonymous": 302}),
    "members:member_edit": (
        "member",
        codes(member=403, secretary=403),
        codes(member=403, secretary=403),
    ),
    "members:member_transfer": (
        "member",
        codes(member=403, secretary=403),
        codes(member=403, secretary=403),
    ),
    "assessment:cell_year": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    # Opening the cell's year (issue 12, fault 8): the secretary's explicit step.
    "assessment:cell_year_open": ("cell", NOT_ALLOWED | {"anonymous": 302}, CELL_ENTRY_REDIRECT),
    "assessment:inputs": ("cell", READ, CELL_ENTRY_FORM),
    "assessment:cell_report": ("cell", READ, CELL_ENTRY_REDIRECT),
    "assessment:meeting": ("cell", READ, CELL_ENTRY_FORM),
    "assessment:attendance": ("attendance", NOT_ALLOWED | {"anonymous": 302}, CELL_ENTRY_REDIRECT),
    "assessment:tally": ("cell", NOT_ALLOWED | {"anonymous": 302}, CELL_ENTRY_REDIRECT),
    "assessment:minutes": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    # Issue 17's documents (the .docx of each; the PDF goes through the same view and helper).
    "assessment:minutes_document": ("cell_doc", READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:cell_report_document": ("cell_doc", READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:notice_document": ("cell_doc", READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:self_review_document": (
        "assessment_doc",
        READ_OWN,
        NOT_ALLOWED | {"anonymous": 302},
    ),
    "assessment:decision_document": (
        "decision_doc",
        codes(member=404),
        NOT_ALLOWED | {"anonymous": 302},
    ),
    "assessment:submit": ("cell", NOT_ALLOWED | {"anonymous": 302}, CELL_ENTRY_REDIRECT),
    "assessment:return": ("cell", NOT_ALLOWED | {"anonymous": 302}, CELL_RETURN),
    "assessment:inbox": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:decide": ("cell", DECIDE, DECIDE),
    # An empty POST to a decision table (no formset data) is refused with the page again.
    "assessment:decide_cells": ("grassroots", DECIDE_CELLS, DECIDE_CELLS),
    "assessment:decide_cells_issue": (
        "grassroots",
        NOT_ALLOWED | {"anonymous": 302},
        DECIDE_CELLS | {"committee": 302, "admin": 302},
    ),
    "assessment:decide_preview": ("cell", NOT_ALLOWED | {"anonymous": 302}, DECIDE),
    "assessment:decide_cells_preview": (
        "grassroots",
        NOT_ALLOWED | {"anonymous": 302},
        DECIDE_CELLS,
    ),
    "assessment:decision_issue": (
        "cell",
        NOT_ALLOWED | {"anonymous": 302},
        DECIDE | {"committee": 302, "admin": 302},
    ),
    "assessment:decision_reopen": (
        "decision",
        NOT_ALLOWED | {"anonymous": 302},
        DECIDE | {"committee": 302, "admin": 302},
    ),
    "assessment:decision_pdf": ("decision", codes(member=404), NOT_ALLOWED | {"anonymous": 302}),
    "assessment:grassroots_year": (
        "grassroots",
        GRASSROOTS_READ,
        GRASSROOTS_READ | {"committee": 302, "admin": 302, "district": 403, "provincial": 403},
    ),
    "assessment:superior": ("superior", SUPERIOR, SUPERIOR),
    "assessment:superior_issue": (
        "superior",
        NOT_ALLOWED | {"anonymous": 302},
        SUPERIOR | {"district": 302, "admin": 302},
    ),
    "assessment:superior_return": (
        "superior_return",
        NOT_ALLOWED | {"anonymous": 302},
        SUPERIOR | {"district": 302, "admin": 302},
    ),
    "assessment:self_review": ("assessment", READ_OWN, SELF_REVIEW_POST),
    "assessment:member_status": (
        "assessment",
        NOT_ALLOWED | {"anonymous": 302},
        CELL_ENTRY_REDIRECT | {"member": 403},
    ),
    "assessment:rerate": ("assessment", RERATE, RERATE),
    # Issue 14 item 7: a committee above the grassroots gives prompts on its own page (its
    # board; the province's board on the province's page); the reviewee or the cell's
    # secretary answers (an empty POST shows the form again).
    "assessment:prompts": ("superior", SUPERIOR_READ, SUPERIOR),
    "assessment:prompt_answer": (
        "prompt",
        READ_OWN,
        codes(committee=403, district=403, provincial=403),
    ),
    "reports:summary": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "reports:summary_document": ("cell_doc", READ, NOT_ALLOWED | {"anonymous": 302}),
    "reports:progress": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "reports:export": ("export", NOT_ALLOWED | {"anonymous": 302}, READ),
    "reports:export_job": ("job", OWN_JOB, NOT_ALLOWED | {"anonymous": 302}),
    "reports:export_download": ("job", OWN_JOB, NOT_ALLOWED | {"anonymous": 302}),
    "reports:import_upload": (None, IMPORTER, IMPORTER),  # an empty POST shows the form again
    "reports:import_template": (None, IMPORTER, NOT_ALLOWED | {"anonymous": 302}),
    "reports:import_run": ("import_run", OWN_RUN, NOT_ALLOWED | {"anonymous": 302}),
    "reports:import_confirm": (
        "import_run",
        NOT_ALLOWED | {"anonymous": 302},
        OWN_RUN | {"provincial": 302, "admin": 302},
    ),
    "reports:calendar": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "reports:submission": ("superior", SUPERIOR_READ, NOT_ALLOWED | {"anonymous": 302}),
    "reports:submission_create": (
        "superior",
        SUPERIOR_READ | {"provincial": 403},
        SUPERIOR_READ | {"provincial": 403},  # an empty POST shows the form again
    ),
    "reports:submission_detail": ("submission", SUPERIOR_READ, NOT_ALLOWED | {"anonymous": 302}),
    "reports:deadline_aggregate": (
        "province",
        SUPERIOR_READ | {"district": 404},
        NOT_ALLOWED | {"anonymous": 302},
    ),
    "assessment:years": (None, codes(), YEAR_MANAGER | {"provincial": 200, "admin": 200}),
    "assessment:year_close": ("year", NOT_ALLOWED | {"anonymous": 302}, YEAR_MANAGER),
    "api:unit-list": (None, API_READ, API_WRITE),
    "api:unit-detail": ("unit", API_UNIT_READ, API_WRITE),
    "api:member-list": (None, API_READ, API_WRITE),
    "api:member-detail": ("member", API_READ, API_WRITE),
    "api:results": ("cell", API_UNIT_READ, API_WRITE),
    "api:unit_results": ("cell", API_UNIT_READ, API_WRITE),
    "api:summary": ("cell", API_UNIT_READ, API_WRITE),
    "api:schema": (None, codes(anonymous=200), codes(default=405, anonymous=405)),
    "api:docs": (None, codes(anonymous=200), codes(default=405, anonymous=405)),
    # Issue 16: the cell's meetings, their inspection and the meetings dashboard.
    "assessment:meetings": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:cell_meeting_new": ("cell", CELL_ENTRY_FORM, CELL_ENTRY_FORM),
    "assessment:cell_meeting": ("cell_meeting", READ, CELL_ENTRY_FORM),
    "assessment:meeting_inspection": ("cell", DECIDE, DECIDE),
    "reports:meetings_dashboard": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "reports:meetings_import": (None, IMPORTER, IMPORTER),  # an empty POST shows the form again
    # Issue 14: leadership collectives (G1's party committee inside, the other province's out).
    "assessment:unit_collectives": ("grassroots", GRASSROOTS_READ, GRASSROOTS_READ),
    "assessment:collective_year": ("collective", GRASSROOTS_READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:collective_open": (
        "collective",
        NOT_ALLOWED | {"anonymous": 302},
        COLLECTIVE_ENTRY,
    ),
    "assessment:collective_review": (
        "collective",
        NOT_ALLOWED | {"anonymous": 302},
        COLLECTIVE_ENTRY,
    ),
    # an empty meeting form is shown again with its errors
    "assessment:collective_meeting": (
        "collective",
        NOT_ALLOWED | {"anonymous": 302},
        COLLECTIVE_ENTRY | {"committee": 200, "admin": 200},
    ),
    "assessment:collective_submit": (
        "collective",
        NOT_ALLOWED | {"anonymous": 302},
        COLLECTIVE_ENTRY,
    ),
    # R28 row 3: the collective's unit marks it new or not yet classified (an empty POST
    # goes back to the collective's page with the form's error)
    "assessment:collective_status": (
        "collective",
        NOT_ALLOWED | {"anonymous": 302},
        COLLECTIVE_ENTRY,
    ),
    "assessment:collective_seat": (
        "collective",
        NOT_ALLOWED | {"anonymous": 302},
        GRASSROOTS_READ | {"committee": 302, "district": 302, "provincial": 302, "admin": 302},
    ),
    "assessment:collective_seats_from_posts": (
        "collective",
        NOT_ALLOWED | {"anonymous": 302},
        GRASSROOTS_READ | {"committee": 302, "district": 302, "provincial": 302, "admin": 302},
    ),
    # R5 on a collective's year: its managing board records a ground (an empty POST is told
    # what is missing); the collective's own unit reads it but does not record one.
    "assessment:collective_grounds": (
        "collective",
        NOT_ALLOWED | {"anonymous": 302},
        GRASSROOTS_READ | {"committee": 403, "provincial": 403, "district": 302, "admin": 302},
    ),
    "assessment:collectives_decide": ("superior", SUPERIOR, SUPERIOR),
    "assessment:collectives_issue": (
        "superior",
        NOT_ALLOWED | {"anonymous": 302},
        SUPERIOR | {"district": 302, "admin": 302},
    ),
    "assessment:collective_return": (
        "collective_return",
        NOT_ALLOWED | {"anonymous": 302},
        SUPERIOR | {"district": 302, "admin": 302},
    ),
    # Issue 14 item 6 (R27): the year's quarters (the provincial board opens them), a unit's
    # leaders in a quarter, a leader's quarter (the leader or the secretary writes it; steps by
    # the machine's roles: the writer submits, the committee decides) and its grounds (R5: the
    # committee that decides).
    "assessment:quarters": (
        "year_quarters",
        codes(),
        YEAR_MANAGER | {"provincial": 200, "admin": 200},
    ),
    "assessment:quarter_unit": ("quarter_unit", READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:quarter_assessment": ("quarter_assessment", READ_OWN, SELF_REVIEW_POST),
    "assessment:quarter_step": (
        "quarter_assessment",
        NOT_ALLOWED | {"anonymous": 302},
        codes(default=302, district=403, provincial=403),
    ),
    "assessment:quarter_grounds": (
        "quarter_assessment",
        NOT_ALLOWED | {"anonymous": 302},
        codes(default=403, anonymous=302, committee=302, admin=302),
    ),
    # Issue 14 items 2–3: the year's frameworks (anyone reads; the provincial board edits those of
    # its open year) and R5's grounds on a member's year (the committee that decides).
    "assessment:frameworks": ("year_quarters", codes(), NOT_ALLOWED | {"anonymous": 302}),
    "assessment:framework": (
        "year_framework",
        codes(),
        YEAR_MANAGER | {"provincial": 200, "admin": 200},
    ),
    "assessment:member_grounds": (
        "assessment",
        NOT_ALLOWED | {"anonymous": 302},
        codes(default=403, anonymous=302, committee=302, admin=302),
    ),
    # Issue 15 item 8: the dossier (R26). Anyone in scope reads it and its scans; whoever keeps
    # the unit (its secretary, the committees and boards above) files (an empty POST shows the
    # page again) and removes scans; another unit's scan answers 404.
    "reports:dossier": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "reports:dossier_upload": ("cell", NOT_ALLOWED | {"anonymous": 302}, READ),
    "reports:dossier_form04": ("cell_doc", READ, NOT_ALLOWED | {"anonymous": 302}),
    "reports:dossier_archive": (
        "cell",
        NOT_ALLOWED | {"anonymous": 302},
        codes(member=404, default=302),
    ),
    "reports:dossier_scan": ("scan", READ, NOT_ALLOWED | {"anonymous": 302}),
    "reports:dossier_scan_remove": (
        "fresh_scan",
        NOT_ALLOWED | {"anonymous": 302},
        codes(member=404, default=302),
    ),
    # Issue 15 item 7: working groups, read by whoever sees the superior committee, formed and
    # changed by its deciding board (an empty POST shows the form again, or redirects a row).
    "assessment:working_groups": ("superior", SUPERIOR_READ, SUPERIOR),
    "assessment:working_group": ("working_group", SUPERIOR, SUPERIOR),
    "assessment:working_group_unit": (
        "working_group_unit",
        NOT_ALLOWED | {"anonymous": 302},
        SUPERIOR | {"district": 302, "admin": 302},
    ),
    # Issue 15: commendations (the page and the list read; each step by its role).
    "assessment:commendations": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:commendation_export": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:commendation_propose": (
        "cell",
        NOT_ALLOWED | {"anonymous": 302},
        CELL_ENTRY_REDIRECT,
    ),
    "assessment:commendation_issue": (
        "grassroots",
        NOT_ALLOWED | {"anonymous": 302},
        DECIDE_CELLS | {"committee": 302, "admin": 302},
    ),
    "assessment:commendation_quota": (
        "cell",
        NOT_ALLOWED | {"anonymous": 302},
        YEAR_MANAGER | {"member": 404},
    ),
    "assessment:commendation_withdraw": (
        "commendation",
        NOT_ALLOWED | {"anonymous": 302},
        CELL_ENTRY_REDIRECT,
    ),
    "assessment:commendation_refuse": (
        "commendation",
        NOT_ALLOWED | {"anonymous": 302},
        CELL_RETURN,
    ),
    # Issue 15: registrations for the next year and the follow-up of those not completed.
    "assessment:registrations": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:registration_save": ("cell", NOT_ALLOWED | {"anonymous": 302}, FOLLOW),
    "assessment:member_registration": (
        "assessment",
        NOT_ALLOWED | {"anonymous": 302},
        SELF_REVIEW_POST,
    ),
    "assessment:follow_up": ("cell", READ, NOT_ALLOWED | {"anonymous": 302}),
    "assessment:remedial_plan_create": ("cell", NOT_ALLOWED | {"anonymous": 302}, FOLLOW),
    "assessment:remedial_step_done": ("remedial_step", NOT_ALLOWED | {"anonymous": 302}, FOLLOW),
    "assessment:remedial_plan_remedied": (
        "remedial_plan",
        NOT_ALLOWED | {"anonymous": 302},
        FOLLOW,
    ),
    "admin:index": (None, codes(default=302, admin=200), codes(default=302, admin=200)),
    # Issue 15: after the decision. A member's later rating (R14): read in scope, written by the
    # secretary (open, vote) and the committee (return); the committee decides on its page.
    "assessment:later_rating": (
        "assessment",
        READ_OWN,
        codes(member=403, district=403, provincial=403),
    ),
    "assessment:later_decide": ("grassroots", DECIDE_CELLS, DECIDE_CELLS),
    # R9 for a unit: the body whose decision holds the level (here G1's, by district A's board).
    "assessment:unit_rerate": ("grassroots", UNIT_RERATE, UNIT_RERATE),
    # A complaint is filed by the member themself, or the unit's own committee.
    "assessment:member_complaint": ("assessment", COMPLAINANT, COMPLAINANT),
    "assessment:unit_complaint": ("grassroots", DECIDE_CELLS, DECIDE_CELLS),
    # Read by whoever sees the contested result or the handler; answered by the handler.
    "assessment:complaint": ("complaint", READ_OWN, RERATE),
}
# Objects with no place in the tree: no outside to test.
GLOBAL_KINDS = {None, "year", "reset", "year_quarters", "year_framework"}
# The rest of Django's admin is the library's own, behind the same staff check as its index.
LIBRARY_NAMESPACES = {"admin"}


def url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_expectations():
    names = set(url_names())
    missing = {n for n in names if n not in EXPECTED and n.split(":")[0] not in LIBRARY_NAMESPACES}
    assert missing == set()
    assert set(EXPECTED) <= names


@dataclass
class Scope:
    unit: object
    cell: object
    member: object
    assessment: object
    decision: object = None
    grassroots: object = None
    superior: object = None
    job: object = None
    import_run: object = None
    submission: object = None
    province: object = None
    cell_meeting: object = None
    complaint: object = None
    collective: object = None
    collective_row: object = None
    scan: object = None
    make_scan: object = None  # a new scan of the scope's cell, for each removal tried
    working_group: object = None
    commendation: object = None
    remedial_plan: object = None
    prompt: object = None
    quarter_assessment: object = None


@pytest.fixture
def world(
    tree, period, alice_member, secretary, committee, district_board, provincial, administrator
):
    other_province = OrganizationFactory(code="Q", name="Tỉnh ủy khác", kind=Kind.PROVINCE)
    other_committee = OrganizationFactory(
        code="QG", name="Đảng bộ tỉnh khác", kind=Kind.GRASSROOTS_COMMITTEE, parent=other_province
    )
    other_cell = OrganizationFactory(code="QC", name="Chi bộ tỉnh khác", parent=other_committee)
    assign(administrator, Role.ADMINISTRATOR, other_province)
    inside_member = MemberFactory(cell=tree.c1, full_name="Trong Phạm Vi")
    outside_member = MemberFactory(cell=other_cell, full_name="Ngoài Phạm Vi")
    inside_year = work.cell_year_open(period=period, cell=tree.c1)
    outside_year = work.cell_year_open(period=period, cell=other_cell)
    users = {
        "member": alice_member.user,
        "secretary": secretary,
        "committee": committee,
        "district": district_board,
        "provincial": provincial,
        "admin": administrator,
    }
    inside_assessment = inside_year.assessments.get(member=inside_member)
    outside_assessment = outside_year.assessments.get(member=outside_member)
    inside_decision = decision(tree.g1, period, administrator, inside_assessment)
    outside_decision = decision(other_committee, period, administrator, outside_assessment)
    inside = Scope(
        tree.c1,
        tree.c1,
        inside_member,
        inside_assessment,
        inside_decision,
        tree.g1,
        tree.district_a,
    )
    for unit in (tree.g1, other_committee):
        grassroots_year_open(period=period, organization=unit)
    own = Scope(
        tree.c1,
        tree.c1,
        alice_member,
        inside_year.assessments.get(member=alice_member),
        inside_decision,
        tree.g1,
        tree.district_a,
    )
    outside = Scope(
        other_cell,
        other_cell,
        outside_member,
        outside_assessment,
        outside_decision,
        other_committee,
        other_province,
    )
    Period.objects.create(
        year=2024, rule_set=period.rule_set, assessment_date=datetime.date(2024, 12, 1)
    )
    inside.job = own.job = export_job(administrator, tree.c1, period)
    outside.job = export_job(administrator, other_cell, period)
    # An import run is its requester's: the provincial board's inside, the administrator's out.
    inside.import_run = own.import_run = ImportRun.objects.create(
        user=provincial, file_name="m.xlsx", dry_run=True, ok=True
    )
    inside.submission = own.submission = report_submit(
        unit=tree.district_a, period=period, by=administrator, signer_name="A", signer_title="B"
    )
    inside.province = own.province = tree.province
    outside.province = other_province
    outside.import_run = ImportRun.objects.create(
        user=administrator, file_name="m.xlsx", dry_run=True, ok=True
    )
    other_superior = OrganizationFactory(
        code="QS", name="Huyện ủy tỉnh khác", kind=Kind.SUPERIOR, parent=other_province
    )
    outside.submission = report_submit(
        unit=other_superior, period=period, by=administrator, signer_name="A", signer_title="B"
    )
    inside.cell_meeting = own.cell_meeting = CellMeeting.objects.create(
        cell=tree.c1, held_on=datetime.date(2025, 3, 3)
    )
    outside.cell_meeting = CellMeeting.objects.create(
        cell=other_cell, held_on=datetime.date(2025, 3, 3)
    )
    # Issue 15: each grassroots organization's level decided by its superior (a unit to re-rate
    # or contest), and a complaint against each decision.
    for unit, superior, scope in (
        (tree.g1, tree.district_a, inside),
        (other_committee, other_province, outside),
    ):
        units_decision = decision(superior, period, administrator, None, kind="units")
        GrassrootsYear.objects.filter(period=period, organization=unit).update(
            decision=units_decision
        )
        scope.complaint = Complaint.objects.create(
            decision=scope.decision,
            assessment=own.assessment if scope is inside else scope.assessment,
            handler=scope.decision.issuer,
            state=ComplaintState.RECEIVED,
            filed_on=datetime.date(2025, 12, 30),
            filed_by=administrator,
            text="Tôi không đồng ý với kết quả xếp loại",
        )
    own.complaint = inside.complaint
    for scope, unit in ((inside, tree.g1), (outside, other_committee)):
        scope.collective = LeadershipCollective.objects.create(
            organization=unit, kind=CollectiveKind.PARTY_COMMITTEE, name=f"BCH {unit.code}"
        )
        scope.collective_row = collective_year_open(
            period=period, collective=scope.collective, by=None
        )
    own.collective, own.collective_row = inside.collective, inside.collective_row
    for scope, cell, superior, unit in (
        (inside, tree.c1, tree.district_a, tree.g1),
        (outside, other_cell, other_province, other_committee),
    ):
        scope.make_scan = lambda cell=cell: dossier_scan_add(
            unit=cell, period=period, kind="minutes", upload=scan_upload(), by=administrator
        )
        scope.scan = scope.make_scan()
        scope.working_group = working_group_save(
            superior=superior,
            period=period,
            name="Tổ công tác số 1",
            officials=[("Nguyễn Văn An", "Phó Bí thư")],
            units=[unit],
            by=administrator,
        )
    own.scan, own.make_scan, own.working_group = inside.scan, inside.make_scan, inside.working_group
    inside.commendation = own.commendation = proposal(inside_assessment, tree.c1, tree.g1)
    outside.commendation = proposal(outside_assessment, other_cell, other_committee)
    inside.remedial_plan = own.remedial_plan = plan_for(inside_member, period)
    outside.remedial_plan = plan_for(outside_member, period)
    inside.prompt = own.prompt = prompt_to(own.assessment)
    outside.prompt = prompt_to(outside_assessment)
    # R27: leaders (by their posts) assessed in a quarter of the year
    for leader, unit in (
        (alice_member, tree.g1),
        (inside_member, tree.g1),
        (outside_member, other_committee),
    ):
        Post.objects.create(
            member=leader,
            kind=PostKind.PARTY,
            title="Bí thư",
            leadership=True,
            organization=unit,
            start=datetime.date(2020, 1, 1),
        )
    quarter = quarter_open(period=period, number=4, by=None)
    own.quarter_assessment = quarter.assessments.get(member=alice_member)
    inside.quarter_assessment = quarter.assessments.get(member=inside_member)
    outside.quarter_assessment = quarter.assessments.get(member=outside_member)
    return users, inside, own, outside


def proposal(assessment, cell, decider):
    """A cell's proposal for commendation, decided by `decider` (issue 15)."""
    return Commendation.objects.create(
        period=assessment.cell_year.period,
        kind=CommendationKind.EXCELLENT_MEMBER,
        assessment=assessment,
        unit=cell,
        proposer=cell,
        decider=decider,
    )


def plan_for(member, period):
    """A remedial plan with one step (issue 15), for the member's cell to follow."""
    plan = RemedialPlan.objects.create(
        period=period, member=member, unit=member.cell, shortcomings="Chưa gương mẫu", owner="A"
    )
    RemedialStep.objects.create(plan=plan, text="Sinh hoạt đầy đủ", due=datetime.date(2026, 3, 1))
    return plan


def prompt_to(assessment):
    return ReviewInput.objects.create(
        cell_year=assessment.cell_year,
        assessment=assessment,
        kind=InputKind.PROMPT,
        issuing_level=PromptLevel.SUPERIOR,
        source="Ban Thường vụ Huyện ủy",
        given_on=datetime.date(2025, 11, 20),
        text="Làm rõ trách nhiệm",
    )


def export_job(user, unit, period):
    """A finished export of `unit`, requested by `user`: only its requester downloads it."""
    job = ExportJob.objects.create(
        user=user, unit=unit, period=period, kind="summary_pdf", state=ExportState.DONE
    )
    job.file.save("matrix.pdf", ContentFile(b"%PDF-1.4"))
    return job


def decision(issuer, period, by, listed, kind="members"):
    row = Decision.objects.create(
        period=period,
        issuer=issuer,
        kind=kind,
        number=1,
        signed_on=datetime.date(2025, 12, 28),
        signer_name="Trần Văn Bí",
        signer_title="Bí thư",
        quota_cap_percent=20,
        issued_by=by,
    )
    if listed is not None:
        MemberAssessment.objects.filter(pk=listed.pk).update(decision=row)
    return row


def args_for(kind, scope):
    if kind == "fresh_scan":  # a removal removes: each role tries its own scan
        return [scope.make_scan().pk]
    return {
        None: [],
        "unit": [scope.unit.pk],
        "member": [scope.member.pk],
        "cell": [2025, scope.cell.pk],
        "attendance": [2025, scope.cell.pk, scope.member.pk],
        "assessment": [scope.assessment.pk],
        "decision": [scope.decision.pk],
        "decision_doc": [scope.decision.pk, "docx"],
        "cell_doc": [2025, scope.cell.pk, "docx"],
        "assessment_doc": [scope.assessment.pk, "docx"],
        "grassroots": [2025, scope.grassroots.pk],
        "superior": [2025, scope.superior.pk],
        "superior_return": [2025, scope.superior.pk, scope.grassroots.pk],
        "export": [2025, scope.unit.pk, "summary_pdf"],
        "job": [scope.job.pk],
        "import_run": [scope.import_run.pk],
        "year": [2024],
        "reset": ["MQ", "set-password"],
        "submission": [scope.submission.pk],
        "province": [2025, scope.province.pk],
        "cell_meeting": [2025, scope.cell.pk, scope.cell_meeting.pk],
        "complaint": [scope.complaint.pk],
        "collective": [2025, scope.collective.pk],
        "collective_return": [2025, scope.superior.pk, scope.collective_row.pk],
        "scan": [scope.scan.pk],
        "working_group": [2025, scope.working_group.pk],
        "working_group_unit": [2025, scope.working_group.units.get().pk],
        "commendation": [scope.commendation.pk],
        "remedial_plan": [scope.remedial_plan.pk],
        "remedial_step": [scope.remedial_plan.steps.get().pk],
        "prompt": [scope.prompt.pk],
        "year_quarters": [2025],
        "year_framework": [2025, "leader"],
        "quarter_unit": [2025, 4, scope.unit.pk],
        "quarter_assessment": [scope.quarter_assessment.pk],
    }[kind]


def test_the_matrix(client, world):
    users, inside, own, outside = world
    checked, failures = 0, []
    for name, (kind, get_codes, post_codes) in EXPECTED.items():
        for role in ROLES:
            scopes = [("inside", own if role == "member" else inside)]
            if kind not in GLOBAL_KINDS and role != "anonymous":
                scopes.append(("outside", outside))
            for scope_name, scope in scopes:
                url = reverse(name, args=args_for(kind, scope))
                for method, expected_by_role in (("GET", get_codes), ("POST", post_codes)):
                    expected = expected_by_role[role]
                    if scope_name == "outside" and role != "admin" and expected != 405:
                        expected = 404
                    client.logout()
                    if role != "anonymous":
                        client.force_login(users[role])
                    answer = getattr(client, method.lower())(url).status_code
                    checked += 1
                    if answer != expected:
                        failures.append(
                            f"{method} {name} {role} {scope_name}: {answer} (expected {expected})"
                        )
    print(f"\npermission matrix: {checked} cases (URL, role, scope, method) checked")
    assert failures == [], "\n".join(failures)
    assert checked > 400


# Issue 14 item 7: a prompt to a leadership collective (G1's party committee inside, the other
# province's outside) is read by whoever sees the collective and answered by whoever enters its
# work (G1's committee; an empty POST shows the form again); the same URL as a member's prompt.
COLLECTIVE_PROMPT = (
    GRASSROOTS_READ,
    GRASSROOTS_READ | {"district": 403, "provincial": 403},
)


def test_the_matrix_of_a_prompt_to_a_collective(client, world):
    users, inside, own, outside = world
    prompts = {
        scope_name: ReviewInput.objects.create(
            collective_year=scope.collective_row,
            kind=InputKind.PROMPT,
            issuing_level=PromptLevel.SUPERIOR,
            source="Ban Thường vụ",
            given_on=datetime.date(2025, 11, 20),
            text="Làm rõ trách nhiệm của tập thể",
        )
        for scope_name, scope in (("inside", inside), ("outside", outside))
    }
    failures, checked = [], 0
    for role in ROLES:
        for scope_name in ("inside", "outside") if role != "anonymous" else ("inside",):
            url = reverse("assessment:prompt_answer", args=[prompts[scope_name].pk])
            for method, expected_by_role in zip(("GET", "POST"), COLLECTIVE_PROMPT, strict=True):
                expected = expected_by_role[role]
                if scope_name == "outside" and role not in ("admin", "anonymous"):
                    expected = 404
                client.logout()
                if role != "anonymous":
                    client.force_login(users[role])
                answer = getattr(client, method.lower())(url).status_code
                checked += 1
                if answer != expected:
                    failures.append(f"{method} {role} {scope_name}: {answer} (expected {expected})")
    assert failures == [], "\n".join(failures)
    assert checked == 26
