"""Issue 19 item 5: the words users read. No rule codes ("R18", "R10–R12") or internal codes
(`chi_bo_truc_thuoc`) on the pages (a tooltip may keep them), every count names what it counts,
a message is said once."""

import html
import re

import pytest
from django.apps import apps
from django.urls import reverse

from assessment import decisions
from assessment.models import CellYear, Level
from tests.assessment.tables import table_post
from tests.assessment.test_decisions import decided_cell, submitted_cell
from tests.reports.test_dashboard import lv, year  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

RULE_CODE = re.compile(r"\bR\d{1,2}\b")


def internal_codes() -> set[str]:
    """Every stored choice value that is a code rather than a word (it holds an underscore)."""
    return {
        value
        for model in apps.get_models()
        for field in model._meta.get_fields()
        for value, _label in getattr(field, "choices", None) or []
        if isinstance(value, str) and "_" in value
    }


def visible_text(response) -> str:
    """What a reader sees: the page without tags (so without attributes such as title)."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_plain_words(response) -> None:
    assert response.status_code == 200
    text = visible_text(response)
    assert RULE_CODE.findall(text) == []
    codes = internal_codes()
    assert codes  # the check has something to look for
    shown = sorted(c for c in codes if re.search(rf"(?<![\w/-]){re.escape(c)}(?![\w/-])", text))
    assert shown == []


@pytest.mark.usefixtures("year")
@pytest.mark.parametrize("language", ["vi", "en"])
def test_pages_of_the_year_show_no_rule_or_internal_codes(
    login, tree, secretary, committee, outsider_board, provincial, language
):
    y = 2025
    pages = [
        (secretary, reverse("assessment:cell_year", args=[y, tree.c1.pk])),
        (secretary, reverse("assessment:meeting", args=[y, tree.c1.pk])),
        (secretary, reverse("organizations:unit", args=[tree.c1.pk])),
        (secretary, reverse("home")),
        (committee, reverse("assessment:decide", args=[y, tree.c2.pk])),
        (committee, reverse("assessment:decide_cells", args=[y, tree.g1.pk])),
        (committee, reverse("assessment:grassroots_year", args=[y, tree.g1.pk])),
        (committee, reverse("assessment:inbox", args=[y, tree.g1.pk])),
        (outsider_board, reverse("assessment:superior", args=[y, tree.district_b.pk])),
        (provincial, reverse("reports:summary", args=[y, tree.province.pk])),
        (provincial, reverse("reports:progress", args=[y, tree.province.pk])),
        (provincial, reverse("organizations:tree")),
        (provincial, reverse("assessment:years")),
    ]
    for user, url in pages:
        client = login(user)
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        response = client.get(url)
        try:
            assert_plain_words(response)
        except AssertionError as error:
            raise AssertionError(f"{url}: {error}") from error


def test_a_rule_check_is_said_once_and_keeps_its_code_in_a_tooltip(
    login, period, tree, secretary, committee
):
    submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})  # members not decided yet
    response = login(committee).get(reverse("assessment:decide_cells", args=[2025, tree.g1.pk]))
    assert_plain_words(response)
    text = visible_text(response)
    assert text.count(str(decisions.MSG_MEMBERS_FIRST)) == 1
    assert 'title="R8"' in response.content.decode()


def test_the_cells_quota_counts_party_organizations_and_follows_the_page(
    login, period, tree, secretary, committee
):
    decided_cell(period, tree.c1, secretary, committee, 2, {"HTTNV": 2})
    decided_cell(period, tree.c2, secretary, committee, 2, {"HTTNV": 2})
    client = login(committee)
    page = client.get(reverse("assessment:decide_cells", args=[2025, tree.g1.pk]))
    preview_url = reverse("assessment:decide_cells_preview", args=[2025, tree.g1.pk])
    assert f'hx-post="{preview_url}"' in page.content.decode()  # the box follows the menus
    assert "0 tổ chức đảng hoàn thành xuất sắc nhiệm vụ trên cơ sở 2 tổ chức đảng" in (
        visible_text(page)
    )
    assert "đảng viên hoàn thành xuất sắc" not in visible_text(page)

    excellent = Level.objects.get(rule_set__code="QD366-2025", code="HTXSNV")
    first = page.context["rows"][0][0].cell_year
    what_if = table_post(page, {first.pk: {"level": excellent.pk}})
    preview = client.post(preview_url, what_if, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200
    assert preview.context["quota"].excellent == 1
    # 2025 (R11): the base is those rated good, the other cell
    assert "1 tổ chức đảng hoàn thành xuất sắc nhiệm vụ trên cơ sở 1 tổ chức đảng" in (
        visible_text(preview)
    )
    assert 'data-testid="quota-exceeded"' in preview.content.decode()  # 1 of 1 > 20 %
    assert not CellYear.objects.filter(decided_level=excellent).exists()  # nothing written


def test_the_members_quota_counts_members(login, period, tree, secretary, committee):
    submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    response = login(committee).get(reverse("assessment:decide", args=[2025, tree.c1.pk]))
    assert "0 đảng viên hoàn thành xuất sắc nhiệm vụ trên cơ sở 3 đảng viên" in (
        visible_text(response)
    )


def test_a_cells_decision_over_the_quota_names_party_organizations(
    period, tree, secretary, committee
):
    import datetime

    from django.core.exceptions import ValidationError

    decided_cell(period, tree.c1, secretary, committee, 2, {"HTTNV": 2})
    excellent = Level.objects.get(rule_set__code="QD366-2025", code="HTXSNV")
    [row] = decisions.cell_rows(tree.g1, period)
    decisions.cell_levels_decide(
        grassroots=tree.g1,
        period=period,
        choices={row.cell_year.pk: decisions.Choice(level=excellent, note="Nổi bật")},
        by=committee,
    )
    with pytest.raises(ValidationError) as refused:
        decisions.cells_decision_issue(
            grassroots=tree.g1,
            period=period,
            signed_on=datetime.date(2025, 12, 30),
            signer_name="Trần Văn Bí",
            signer_title="Bí thư Đảng ủy",
            by=committee,
        )
    [message] = refused.value.messages
    # 2025 (R11): the base is those rated good, none here
    assert message.startswith("1 tổ chức đảng hoàn thành xuất sắc nhiệm vụ trên cơ sở 0 tổ chức")
    assert RULE_CODE.findall(message) == []


def test_the_quorum_count_says_what_it_counts(login, period, tree, secretary):
    submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    response = login(secretary).get(reverse("assessment:cell_year", args=[2025, tree.c1.pk]))
    assert "3/3 đảng viên chính thức có mặt" in visible_text(response)


LABELS = re.compile(r"<(label|th|legend|button|h[1-6])\b([^>]*)>(.*?)</\1>", re.S)


def lower_case_labels(response) -> list[str]:
    """Visible labels, column heads, headings and buttons that start in lower case."""
    found = []
    for _tag, attrs, inner in LABELS.findall(response.content.decode()):
        if "visually-hidden" in attrs:
            continue
        text = html.unescape(re.sub(r"<[^>]+>", " ", inner)).strip()
        if text and text[0].isalpha() and text[0].islower():
            found.append(text[:60])
    return found


@pytest.mark.usefixtures("year")
@pytest.mark.parametrize("language", ["vi", "en"])
def test_labels_start_in_sentence_case(
    login, tree, secretary, committee, outsider_board, provincial, language
):
    y = 2025
    pages = [
        (secretary, reverse("assessment:cell_year", args=[y, tree.c1.pk])),
        (secretary, reverse("assessment:meeting", args=[y, tree.c1.pk])),
        (committee, reverse("assessment:cell_year", args=[y, tree.c2.pk])),  # return form
        (committee, reverse("assessment:decide", args=[y, tree.c2.pk])),
        (committee, reverse("assessment:decide_cells", args=[y, tree.g1.pk])),
        (committee, reverse("assessment:grassroots_year", args=[y, tree.g1.pk])),
        (outsider_board, reverse("assessment:superior", args=[y, tree.district_b.pk])),
        (provincial, reverse("reports:summary", args=[y, tree.province.pk])),
        (provincial, reverse("reports:progress", args=[y, tree.province.pk])),
        (provincial, reverse("assessment:years")),
        (provincial, reverse("organizations:audit")),
        # Issue 15: commendations, registrations, follow-up.
        (committee, reverse("assessment:commendations", args=[y, tree.g1.pk])),
        (provincial, reverse("assessment:commendations", args=[y, tree.province.pk])),
        (secretary, reverse("assessment:registrations", args=[y + 1, tree.c1.pk])),
        (committee, reverse("assessment:follow_up", args=[y, tree.g1.pk])),
    ]
    found = {}
    for user, url in pages:
        client = login(user)
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        response = client.get(url)
        assert response.status_code == 200, url
        if lower := lower_case_labels(response):
            found[url] = lower
    assert found == {}
