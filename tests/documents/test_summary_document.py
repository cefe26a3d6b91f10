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


def test_a_deputy_head_signs_kt_truong_ban(login, period, tree, provincial, client):
    from django.urls import reverse

    from .conftest import docx_text

    login(provincial)
    url = reverse("reports:summary_document", args=[2025, tree.province.pk, "docx"])
    names = {"preparer": "Lê Thị Lập", "signer_title": "Phó Trưởng ban", "signer_name": "Võ Văn Ký"}
    text = docx_text(client.get(url, names).content)
    for part in ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Võ Văn Ký", "Lê Thị Lập"):
        assert part in text, part
    assert "K/T" not in docx_text(client.get(url, {"signer_name": "Võ Văn Trưởng"}).content)
