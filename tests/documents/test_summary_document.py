"""Issue 17: the summary table and Biểu 6F headed by the organization board, as PDF and .docx."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_summary_is_the_organization_boards_document(login, period, tree, provincial, both):
    tree.province.official_name, tree.province.place_name = "Tỉnh ủy Thử nghiệm", "Thử Nghiệm"
    tree.province.save()
    login(provincial)
    pages, docx = both("reports:summary_document", [2025, tree.province.pk], "summary")
    text = "\n".join(pages)
    for part in (
        "TỈNH ỦY THỬ NGHIỆM",
        "BAN TỔ CHỨC",
        "-BC/BTCTU",
        "Thử Nghiệm, ngày",
        "BIỂU TỔNG HỢP",
        "BIỂU 6F-BTCTW",
        "NGƯỜI LẬP BIỂU",
        "TRƯỞNG BAN",
    ):
        assert part in text and part in docx, part
    assert "NGƯỜI LẬP BIỂU" in pages[-1] and "Tỷ lệ phần trăm" in pages[-1]
