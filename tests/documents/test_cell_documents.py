"""Issue 17: the minutes, the self-review (2A/2B/2C), the collective's report (01) and the notice
of results, in the party's format as PDF and .docx, the same in Vietnamese and English."""

import datetime

import pytest
from django.urls import reverse

from assessment import cell_year as work
from assessment.forms import MeetingForm

from ..assessment.test_decisions import accept_proposals, issue, submitted_cell
from ..factories import MemberFactory
from .conftest import pdf_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def cell_of_20(period, tree, secretary):
    """Cell C1: 20 full members (2 absent with reasons), 1 probationary member, one member not
    yet classified (ill); a secret ballot counted by a committee."""
    tree.g1.official_name, tree.g1.place_name = "Đảng ủy xã Tân Hòa", "Tân Hòa"
    tree.g1.save()
    full = [MemberFactory(cell=tree.c1, full_name=f"Đảng Viên {i:02d}") for i in range(1, 21)]
    MemberFactory(
        cell=tree.c1,
        full_name="Dự Bị Mới",
        admission_date=datetime.date(2025, 3, 1),
        full_membership_date=None,
    )
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = work.meeting_for(cell_year)
    work.meeting_save(
        meeting=meeting,
        by=secretary,
        version=None,
        data={
            "held_on": datetime.date(2025, 12, 10),
            "started_at": datetime.time(14, 0),
            "ended_at": datetime.time(16, 30),
            "place": "Hội trường nhà văn hóa thôn 1",
            "chair": "Đảng Viên 01",
            "recorder": "Đảng Viên 02",
            "guests": "Đồng chí Lê Văn Khách, Đảng ủy viên phụ trách chi bộ",
            "ballot_form": "secret",
            "counting_committee": "Đảng Viên 03 (trưởng ban), Đảng Viên 04, Đảng Viên 05",
            "ballots_issued": 18,
            "ballots_valid": 18,
            "discussion": "Các đồng chí góp ý thẳng thắn vào báo cáo và từng bản kiểm điểm.",
        },
    )
    for i, member in enumerate(full):
        work.attendance_set(
            meeting=meeting,
            member=member,
            present=i < 18,
            absence_reason="Ốm, có đơn" if i == 18 else "Đi công tác",
            by=secretary,
        )
    ill = cell_year.assessments.get(member=full[19])
    work.member_status_set(
        assessment=ill, status="cpl", reason_code="om_dau", note="Nằm viện", by=secretary
    )
    for assessment in [None, *cell_year.assessments.to_assess()]:
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"HTXSNV": 3, "HTTNV": 12, "HTNV": 3},
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    return cell_year


def test_the_minutes_of_a_20_member_cell_with_a_secret_ballot(login, cell_of_20, secretary, both):
    login(secretary)
    pages, docx = both("assessment:minutes_document", [2025, cell_of_20.cell.pk], "minutes-20")
    text = " ".join(" ".join(pages).split())  # a wrapped line reads as one
    for part in (
        "ĐẢNG BỘ XÃ TÂN HÒA",  # the superior line: the grassroots committee's party body
        "CHI BỘ THÔN 1",
        "Tân Hòa, ngày 10 tháng 12 năm 2025",  # the place name, not the meeting room
        "BIÊN BẢN",
        "14 giờ 00 phút",
        "Hội trường nhà văn",
        "Lê Văn Khách",
        "đảng viên chính thức: 20, đảng viên dự bị: 1",
        "Ốm, có đơn",
        "Đi công tác",
        "Dự Bị Mới",
        "Ốm đau",
        "Các đồng chí góp ý thẳng thắn",
        "bỏ phiếu kín",
        "Ban kiểm phiếu: Đảng Viên 03 (trưởng ban)",
        "Số phiếu phát ra: 18; số phiếu hợp lệ: 18; số phiếu không hợp lệ: 0",
        "16 giờ 30 phút",
        "THƯ KÝ HỘI NGHỊ",
        "CHỦ TRÌ HỘI NGHỊ",
    ):
        assert part in text and part in docx, part
    # 12 votes of 20 full members that count (none away, none exempted): 60 %.
    assert "60,00" in text and "15,00" in text
    # the signatures share their page with the last lines
    assert "16 giờ 30 phút" in pages[-1] and "CHỦ TRÌ HỘI NGHỊ" in pages[-1]


def test_english_interface_prints_the_same_vietnamese_minutes(client, login, cell_of_20, secretary):
    login(secretary)
    url = reverse("assessment:minutes_document", args=[2025, cell_of_20.cell.pk, "pdf"])
    vietnamese = pdf_pages(client.get(url).content)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log out" in client.get(reverse("home")).content.decode()  # the interface is English
    english = pdf_pages(client.get(url).content)
    assert english == vietnamese
    assert "ngày 10 tháng 12 năm 2025" in english[0] and "day 10" not in english[0]


def test_the_meeting_form_refuses_an_end_before_the_start_and_too_many_valid_ballots(
    cell_of_20,
):
    meeting = cell_of_20.meeting
    form = MeetingForm(
        {
            "held_on": "10/12/2025",
            "started_at": "16:00",
            "ended_at": "15:00",
            "ballot_form": "secret",
            "ballots_issued": "10",
            "ballots_valid": "11",
        },
        instance=meeting,
    )
    assert not form.is_valid()
    assert "ended_at" in form.errors and "ballots_valid" in form.errors


def test_the_self_review_report_and_notice_print_what_was_entered(
    login, period, tree, secretary, committee, both
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    assessment = cell_year.assessments.select_related("member").first()
    assessment.strengths = "Hoàn thành tốt công việc chuyên môn."
    assessment.shortcomings = "Đôi lúc chưa chủ động."
    assessment.form_code = "2A"
    assessment.save()
    cell_year.report_strengths = "Chi bộ duy trì sinh hoạt đều đặn."
    cell_year.save()
    client = login(secretary)
    pages, docx = both("assessment:self_review_document", [assessment.pk], "self-review-2a")
    text = "\n".join(pages)
    for part in (
        "Mẫu 2A",
        "BẢN KIỂM ĐIỂM CÁ NHÂN",
        assessment.member.full_name,
        "Hoàn thành tốt công việc chuyên môn.",
        "Đôi lúc chưa chủ động.",
        "NGƯỜI TỰ KIỂM ĐIỂM",
    ):
        assert part in text and part in docx, part
    pages, docx = both("assessment:cell_report_document", [2025, tree.c1.pk], "report-01")
    text = "\n".join(pages)
    for part in (
        "Mẫu 01",
        "BÁO CÁO",
        "Số",
        "-BC/CB",
        "Chi bộ duy trì sinh hoạt đều đặn.",
        "T/M CHI BỘ",
        "Nơi nhận:",
    ):
        assert part in text and part in docx, part
    notice = reverse("assessment:notice_document", args=[2025, tree.c1.pk, "pdf"])
    assert client.get(notice).status_code == 404  # nothing decided yet
    accept_proposals(cell_year, committee)
    decision = issue(cell_year, committee)
    pages, docx = both("assessment:notice_document", [2025, tree.c1.pk], "notice")
    text = "\n".join(pages)
    for part in (
        "THÔNG BÁO",
        "-TB/ĐU",
        "Quyết định số 01-QĐ/ĐU",
        "T/M ĐẢNG ỦY",
        decision.signer_name,
        assessment.member.full_name,
    ):
        assert part in text and part in docx, part
