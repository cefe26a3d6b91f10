"""Issue 7, item 6: the audit trail records changes (who, when, from where, before and after),
sign-ins, failed sign-ins, exports and imports; the boards search their subtree's events; no
one edits or deletes an event through the app."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.decisions import Choice, member_levels_decide
from organizations.models import AuditAction, AuditEvent

from ..assessment.tables import table_post
from ..assessment.test_decisions import submitted_cell

pytestmark = pytest.mark.django_db


def test_a_level_change_is_recorded_with_actor_address_and_values(
    login, period, tree, secretary, committee, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 1, {"HTTNV": 1})
    assessment = cell_year.assessments.get()
    client = login(committee)
    url = reverse("assessment:decide", args=[2025, tree.c1.pk])
    response = client.post(
        url,
        table_post(
            client.get(url), {assessment.pk: {"level": level["HTNV"].pk, "note": "Còn hạn chế"}}
        ),
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code in (200, 302)
    event = AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_id=str(assessment.pk), actor=committee
    ).latest("at")
    assert event.address == "10.1.2.3"
    assert event.unit_path == tree.c1.path
    assert {"field": "decided_level", "old": None, "new": level["HTNV"].pk} in event.changes
    assert event.reason == "Còn hạn chế"


def test_sign_ins_and_failed_sign_ins_are_recorded(client, secretary):
    secretary.set_password("Mật-khẩu-đúng-2025")
    secretary.save()
    url = reverse("login")
    client.post(url, {"username": "secretary", "password": "sai"}, REMOTE_ADDR="10.9.9.9")
    client.post(url, {"username": "secretary", "password": "Mật-khẩu-đúng-2025"})
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (failed.object_repr, failed.address, failed.actor) == ("secretary", "10.9.9.9", None)
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).actor == secretary


def test_exports_are_recorded(login, period, tree, district_board):
    login(district_board).post(
        reverse("reports:export", args=[2025, tree.district_a.pk, "summary_pdf"])
    )
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.unit_path) == (district_board, tree.district_a.path)


def test_boards_search_their_subtree_and_others_are_refused(
    login, period, tree, secretary, committee, district_board, provincial, outsider_board, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 1, {"HTTNV": 1})
    member_levels_decide(
        cell_year=cell_year,
        choices={cell_year.assessments.get().pk: Choice(level["HTTNV"])},
        by=committee,
    ).raise_refusals()
    url = reverse("organizations:audit")
    page = login(provincial).get(url, {"q": "committee"})
    events = list(page.context["page"])
    assert any(e.actor_name == "committee" for e in events)
    assert all("committee" in f"{e.actor_name} {e.object_repr} {e.reason}" for e in events)
    assert login(district_board).get(url).context["page"].paginator.count > 0
    seen_by_b = login(outsider_board).get(url).context["page"].paginator.object_list
    assert seen_by_b.exists()  # district B's own events (its units were created)…
    assert not seen_by_b.filter(unit_path__startswith=tree.district_a.path).exists()  # not A's
    assert login(secretary).get(url).status_code == 403
    assert login(committee).get(url).status_code == 403
    filtered = login(provincial).get(url, {"action": "create", "from": "01/01/2000"})
    assert all(e.action == "create" for e in filtered.context["page"])


def test_no_one_edits_or_deletes_an_event(login, administrator, secretary):
    client = login(administrator)
    client.post(reverse("login"), {"username": "x", "password": "y"})
    event = AuditEvent.objects.first()
    change = reverse("admin:organizations_auditevent_change", args=[event.pk])
    delete = reverse("admin:organizations_auditevent_delete", args=[event.pk])
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    client = login(administrator)
    assert client.post(change, {"reason": "sửa"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, reason="").exists()


def test_every_historical_model_audits_its_bulk_writes():
    """Fault 9's kind: any model whose history can be written in bulk feeds the audit trail."""
    from django.apps import apps

    from organizations.audited_history import AuditedHistoryManager

    audited = [
        model
        for model in apps.get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    ]
    assert len(audited) >= 15
    for model in audited:
        assert isinstance(model.history, AuditedHistoryManager), model


def test_a_workbook_import_appears_in_the_audit_with_actor_and_before_after(
    tree, tmp_path, provincial, c1_members, login
):
    """Issue 12, fault 9: the import writes members in bulk; each creation and each change is
    in /audit/ with the importer, the time and the values before and after."""
    from members.models import Member
    from reports.imports import workbook_import

    from ..reports.test_imports import workbook

    member = c1_members[0]
    old_name = member.full_name
    path = workbook(
        tmp_path / "nhap.xlsx",
        DangVien=[
            (member.card_number, "Tên Mới", "17/05/1980", "Nam", "C1", "26/03/2010", "26/03/2011"),
            ("900000077", "Đảng Viên Mới", "01/02/1990", "Nữ", "C1", "03/02/2015", "03/02/2016"),
        ],
    )
    result = workbook_import(file=path, by=provincial)
    assert result.ok
    created = Member.objects.get(card_number="900000077")
    events = AuditEvent.objects.filter(actor=provincial)
    change = events.get(action=AuditAction.CHANGE, object_id=str(member.pk))
    assert {"field": "full_name", "old": old_name, "new": "Tên Mới"} in change.changes
    assert "nhap.xlsx" in change.reason
    assert change.unit_path == tree.c1.path and change.at is not None
    assert events.filter(action=AuditAction.CREATE, object_id=str(created.pk)).exists()
    page = login(provincial).get(reverse("organizations:audit"), {"q": "Tên Mới"})
    assert "Tên Mới" in page.content.decode()  # on /audit/, searchable


def test_drawing_a_roster_appears_in_the_audit(period, tree, secretary, c1_members):
    """The roster of a cell's year is written in bulk: one audit event per member's record."""
    from assessment import cell_year as work

    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    assessments = list(cell_year.assessments.all())
    assert len(assessments) == len(c1_members)
    for assessment in assessments:
        event = AuditEvent.objects.get(
            action=AuditAction.CREATE, object_id=str(assessment.pk), object_repr=str(assessment)
        )
        assert event.unit_path == tree.c1.path and event.at is not None


SCORES_91_5 = {
    "politics_ethics": "15",
    "capacity_attitude": "10",
    "self_criticism": "5",
    "volume": "29",
    "progress": "18",
    "quality": "14,5",
}
ALL_CONDITIONS = {
    "all_tasks_on_time": True,
    "exceeded_30_percent": True,
    "shortcomings_remedied": True,
}


def self_reviews_saved(period, cell, secretary, n):
    """n members of `cell` whose self-reviews `secretary` entered (91,5 points, conditions
    met): each a change event of a member's assessment."""
    from assessment import cell_year as work
    from tests.factories import MemberFactory

    MemberFactory.create_batch(n, cell=cell)
    cell_year = work.cell_year_open(period=period, cell=cell)
    saved = []
    for assessment in cell_year.assessments.filter(self_score__isnull=True):
        saved.append(
            work.self_review_save(
                assessment=assessment,
                texts={"strengths": "Tốt"},
                scores=SCORES_91_5,
                conditions=ALL_CONDITIONS,
                by=secretary,
                version=assessment.version,
            )
        )
    return saved


def test_the_before_and_after_column_speaks_vietnamese(login, period, tree, secretary, provincial):
    """The column names each field as the model does (translated), a level and a user by
    their names, a number as 91,5, the conditions met by their rule set's labels with Có or
    Không: no attribute name, id or Python repr (the demo showed "self_level: — → 48")."""
    secretary.first_name, secretary.last_name = "Nguyễn Thị Bí Thư", ""
    secretary.save()
    [saved] = self_reviews_saved(period, tree.c1, secretary, 1)
    page = login(provincial).get(reverse("organizations:audit"), {"q": saved.member.full_name})
    html = page.content.decode()
    assert saved.self_score == Decimal("91.5")
    assert "Mức tự xếp loại</span>: — → " + saved.self_level.name_vi in html
    assert "Điểm tự chấm</span>: — → 91,5" in html
    assert "Người nhập bản kiểm điểm</span>: — → " + secretary.get_full_name() in html
    assert "Hoàn thành 100% nhiệm vụ đúng tiến độ: Có" in html
    for raw in ("self_level", "self_score", "self_review_entered_by", "conditions", "91.5"):
        assert raw not in html, raw
    assert "{&#x27;" not in html and "True" not in html  # no Python repr of a dict
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_id=str(saved.pk))
    stored = {c["field"]: c["new"] for c in event.changes}  # the raw values are kept
    assert (stored["self_level"], stored["self_score"]) == (saved.self_level_id, "91.5")


def test_a_date_is_shown_as_dd_mm_yyyy(login, period, tree, secretary, committee, provincial):
    submitted_cell(period, tree.c1, secretary, 1, {"HTTNV": 1})  # the meeting held 10/12/2025
    html = login(provincial).get(reverse("organizations:audit")).content.decode()
    assert "Ngày</span>: — → 10/12/2025" in html
    assert "2025-12-10" not in html and "held_on" not in html


def test_attendance_is_named_present_or_absent_not_true(login, period, tree, secretary, provincial):
    submitted_cell(period, tree.c1, secretary, 1, {"HTTNV": 1})  # its member present
    html = login(provincial).get(reverse("organizations:audit")).content.decode()
    assert ": có mặt" in html
    assert " True" not in html and " False" not in html


def test_the_audit_page_reads_names_in_bulk(login, period, tree, secretary, provincial):
    """The page's query count does not grow with its rows (STYLE.md rule 7): one query per
    kind of object named, whatever the number of events."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(provincial)
    url = reverse("organizations:audit")
    self_reviews_saved(period, tree.c1, secretary, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, {"action": AuditAction.CHANGE}).status_code == 200
    self_reviews_saved(period, tree.c2, secretary, 6)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"action": AuditAction.CHANGE})
    shown = page.context["page"].object_list
    assert sum(e.object_type == "đánh giá, xếp loại đảng viên" for e in shown) >= 7
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
