"""The admin's import and export of units and members (issue 19, item 7), through
django-import-export's real views: upload → preview with row errors → confirm; export."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import Member
from organizations.models import Kind, Organization
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
CSV = "0"  # the format's index in the admin's list (csv, xlsx, tsv, json, yaml, html)
UNITS = "/quan-tri/organizations/organization/"
MEMBERS = "/quan-tri/members/member/"


def upload(client, base, rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = SimpleUploadedFile("sua.csv", out.getvalue().encode(), content_type="text/csv")
    return client.post(f"{base}import/", {"resource": "0", "format": CSV, "import_file": data})


def confirm(client, base, preview):
    form = preview.context["confirm_form"]
    return client.post(f"{base}process_import/", form.initial)


def row_errors(preview) -> dict[int, str]:
    result = preview.context["result"]
    return {row.number: " ".join(str(e) for e in row.error.messages) for row in result.invalid_rows}


def test_units_import_previews_then_writes_in_the_tree(client, administrator, tree):
    client.force_login(administrator)
    assert client.get(f"{UNITS}import/").status_code == 200
    preview = upload(
        client,
        UNITS,
        [
            ["code", "name", "kind", "parent", "active_from", "active_to"],
            ["G9", "Đảng bộ xã G9", Kind.GRASSROOTS_COMMITTEE, "A", "", ""],
            ["C9", "Chi bộ thôn 9", Kind.SUBORDINATE_CELL, "G9", "", ""],
            ["C1", "Chi bộ thôn Một", Kind.SUBORDINATE_CELL, "G1", "", ""],
        ],
    )
    assert preview.status_code == 200
    assert not preview.context["result"].has_validation_errors()
    assert not Organization.objects.filter(code__in=["G9", "C9"]).exists()  # a preview only
    assert "Chi bộ thôn 9" in preview.content.decode()
    done = confirm(client, UNITS, preview)
    assert done.status_code == 302
    g9 = Organization.objects.get(code="G9")
    assert tree.district_a.contains(g9) and g9.depth == tree.district_a.depth + 1
    c9 = Organization.objects.get(code="C9")
    assert g9.contains(c9) and c9.depth == g9.depth + 1
    assert Organization.objects.get(code="C1").name == "Chi bộ thôn Một"
    assert g9.history.first().history_user == administrator


def test_units_import_names_every_bad_row_and_writes_nothing(client, administrator, tree):
    client.force_login(administrator)
    preview = upload(
        client,
        UNITS,
        [
            ["code", "name", "kind", "parent", "active_from", "active_to"],
            ["G9", "Đảng bộ xã G9", Kind.GRASSROOTS_COMMITTEE, "A", "", ""],
            ["X1", "Không cha", Kind.SUBORDINATE_CELL, "KHONGCO", "", ""],
            ["X2", "Sai loại", Kind.SUBORDINATE_CELL, "P", "", ""],
            ["C1", "Chi bộ thôn 1", Kind.SUBORDINATE_CELL, "G2", "", ""],
        ],
    )
    errors = row_errors(preview)
    assert set(errors) == {2, 3, 4}
    assert "KHONGCO" in errors[2]
    assert "cây" in errors[4]  # moving is the tree's job
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert not Organization.objects.filter(code__in=["G9", "X1", "X2"]).exists()
    assert tree.g1.contains(Organization.objects.get(code="C1"))


def test_units_export_names_each_units_parent(client, administrator, tree):
    client.force_login(administrator)
    answer = client.post(
        f"{UNITS}export/",
        {
            "resource": "0",
            "format": CSV,
            **{f"unitresource_{f}": "on" for f in ["code", "name", "kind", "parent"]},
        },
    )
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    parents = {row["code"]: row["parent"] for row in rows}
    assert parents["C1"] == "G1" and parents["G1"] == "A" and parents["P"] == ""


def test_members_round_trip_with_a_transfer_refused(client, administrator, tree):
    MemberFactory(cell=tree.c1, card_number="8100000001", full_name="Nguyễn Văn Cũ")
    client.force_login(administrator)
    exported = client.post(
        f"{MEMBERS}export/",
        {
            "resource": "0",
            "format": CSV,
            **{
                f"memberresource_{f}": "on"
                for f in ["card_number", "full_name", "cell", "gender", "admission_date"]
            },
        },
    )
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows == [
        {
            "card_number": "8100000001",
            "full_name": "Nguyễn Văn Cũ",
            "cell": "C1",
            "gender": "male",
            "admission_date": rows[0]["admission_date"],
        }
    ]
    header = ["card_number", "full_name", "gender", "cell", "admission_date"]
    bad = upload(
        client,
        MEMBERS,
        [
            header,
            ["8100000001", "Nguyễn Văn Mới", "male", "C2", "2010-03-26"],
            ["8100000002", "Trần Thị Hai", "female", "KHONGCO", "2012-01-05"],
            ["8100000003", "Lê Văn Ba", "male", "G1", "2012-01-05"],
        ],
    )
    errors = row_errors(bad)
    assert set(errors) == {1, 2, 3}
    assert "chuyển sinh hoạt" in errors[1] and "KHONGCO" in errors[2]
    assert Member.objects.count() == 1
    good = upload(
        client,
        MEMBERS,
        [
            header,
            ["8100000001", "Nguyễn Văn Mới", "male", "C1", "2010-03-26"],
            ["8100000002", "Trần Thị Hai", "female", "C2", "2012-01-05"],
        ],
    )
    assert row_errors(good) == {}
    assert confirm(client, MEMBERS, good).status_code == 302
    renamed = Member.objects.get(card_number="8100000001")
    assert renamed.full_name == "Nguyễn Văn Mới"
    assert renamed.history.first().history_user == administrator
    assert Member.objects.get(card_number="8100000002").cell == tree.c2
