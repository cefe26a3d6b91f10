"""Issue 7, item 5: two people saving the same record at the same moment.

Each request runs in a thread of its own with its own database connection, through HTTP (the
test client), and both are in flight together: the test holds the row lock the saves need until
both requests wait for it. For one self-review, one tally (its first save and a later one) and one
decision, exactly one save wins and the other person is shown the conflict in Vietnamese, with
the newer values; nothing is overwritten silently. Two committee members issuing one decision
at once get one decision number; two cells' decisions issued at once get consecutive numbers.
"""

import html
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from assessment import cell_year as work
from assessment import decisions
from assessment.models import Decision, Tally
from organizations.models import Role

from ..assessment.test_decisions import accept_proposals, submitted_cell
from ..factories import MemberFactory, UserFactory, assign
from .conftest import signed_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOWN: list[str] = []
ISSUED = "Decision %(decision)s was issued."
DECISION_FORM = {
    "signed_on": "28/12/2025",
    "signer_name": "Trần Văn Bí",
    "signer_title": "Bí thư Đảng ủy",
}


@pytest.fixture(scope="module", autouse=True)
def conflicts_shown():
    yield
    print(f"\nconflicts shown: {len(SHOWN)}")


def vietnamese(message) -> str:
    with translation.override("vi"):
        text = str(message)
    with translation.override("en"):
        assert text != str(message), "not translated"
    return text


def page(response) -> str:
    return html.unescape(response.content.decode())


def waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction the statistics views keep the snapshot taken at first reading.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _in_a_thread(request):
    try:
        return request()
    finally:
        connections.close_all()  # the thread's own connection


def at_once(requests, *, behind):
    """Send each request from a thread of its own while this test holds the row lock of `behind`,
    which every request needs to save: once all of them wait for it, both have read what they
    read and are in flight together. Then let them go, and return their responses."""
    with ThreadPoolExecutor(len(requests)) as pool:
        with transaction.atomic():
            type(behind).objects.select_for_update().get(pk=behind.pk)
            futures = [pool.submit(_in_a_thread, request) for request in requests]
            deadline = time.monotonic() + 60
            while waiting_for_a_lock() < len(requests):
                assert time.monotonic() < deadline, "the requests did not reach the lock"
                assert not any(f.done() for f in futures), [f.result() for f in futures]
                time.sleep(0.05)
        return [future.result(timeout=120) for future in futures]


def one_saved_one_refused(responses, saved) -> tuple[int, int]:
    outcomes = [bool(saved(response)) for response in responses]
    assert sorted(outcomes) == [False, True], [r.status_code for r in responses]
    return outcomes.index(True), outcomes.index(False)


def colleague(username: str, role: str, unit):
    """A second person with the same role on the same unit."""
    user = UserFactory(username=username)
    assign(user, role, unit)
    return user


def test_two_saves_of_one_self_review_end_in_one_success_and_one_conflict(
    period, tree, secretary, alice_member
):
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    own = cell_year.assessments.get(member=alice_member)
    url = reverse("assessment:self_review", args=[own.pk])
    clients = [signed_in(alice_member.user), signed_in(secretary)]  # she types, he enters paper
    seen = {int(re.search(r'name="version" value="(\d+)"', page(c.get(url)))[1]) for c in clients}
    assert seen == {own.version}
    texts = ["Bản của đảng viên", "Bản nhập từ giấy"]
    responses = at_once(
        [
            lambda client=client, text=text: client.post(
                url, {"version": own.version, "strengths": text}
            )
            for client, text in zip(clients, texts, strict=True)
        ],
        behind=cell_year,
    )
    saved, refused = one_saved_one_refused(responses, lambda r: r.status_code == 302)
    shown = page(responses[refused])
    assert responses[refused].status_code == 200
    assert vietnamese(work.MSG_CONFLICT) in shown
    assert texts[saved] in shown and texts[refused] not in shown  # the newer text, to check
    before = own.version
    own.refresh_from_db()
    assert (own.strengths, own.version) == (texts[saved], before + 1)
    assert not own.history.filter(strengths=texts[refused]).exists()
    SHOWN.append("self-review")


@pytest.mark.parametrize("earlier_saves", [0, 1], ids=["first-save", "later-save"])
def test_two_saves_of_one_tally_end_in_one_success_and_one_conflict(
    period, tree, secretary, earlier_saves
):
    members = MemberFactory.create_batch(3, cell=tree.c1)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = work.meeting_for(cell_year)
    for member in members:
        work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    subject = cell_year.assessments.order_by("member__full_name").first()
    for _ in range(earlier_saves):
        work.tally_save(
            meeting=meeting,
            assessment=subject,
            votes={"HTTNV": 1},
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    second = colleague("secretary2", Role.CELL_SECRETARY, tree.c1)
    clients = [signed_in(secretary), signed_in(second)]
    row = rf'id="tally-state-{subject.pk}"[^>]*><input type="hidden" name="version" value="(\d+)"'
    meeting_url = reverse("assessment:meeting", args=[2025, tree.c1.pk])
    seen = {int(re.search(row, page(c.get(meeting_url)))[1]) for c in clients}
    assert len(seen) == 1  # both read the same version
    version = seen.pop()
    assert (version == 0) == (not earlier_saves)  # 0: no votes yet
    votes = [{"votes_HTXSNV": "2"}, {"votes_HTTNV": "3"}]
    url = reverse("assessment:tally", args=[2025, tree.c1.pk])
    responses = at_once(
        [
            lambda client=client, v=v: client.post(
                url,
                {"subject": subject.pk, "version": version, **v},
                HTTP_HX_REQUEST="true",
            )
            for client, v in zip(clients, votes, strict=True)
        ],
        behind=cell_year,
    )
    conflict = vietnamese(work.MSG_CONFLICT)
    saved, refused = one_saved_one_refused(responses, lambda r: conflict not in page(r))
    assert responses[refused].status_code == 200 and conflict in page(responses[refused])
    tally = Tally.objects.get(meeting=meeting, assessment=subject)  # one row, whoever created it
    stored = [{k.removeprefix("votes_"): int(n) for k, n in v.items()} for v in votes]
    assert tally.votes == stored[saved]
    assert not tally.history.filter(votes=stored[refused]).exists()
    if earlier_saves:
        assert tally.version == version + 1
    SHOWN.append(f"tally ({'first' if not earlier_saves else 'later'} save)")


def test_two_committee_members_issuing_one_decision_at_once_get_one_number(
    period, tree, secretary, committee
):
    cell_year = submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    accept_proposals(cell_year, committee)
    people = [committee, colleague("committee2", Role.GRASSROOTS_COMMITTEE, tree.g1)]
    clients = [signed_in(person) for person in people]
    url = reverse("assessment:decision_issue", args=[2025, tree.c1.pk])
    responses = at_once(
        [lambda c=client: c.post(url, DECISION_FORM, follow=True) for client in clients],
        behind=cell_year,
    )
    decision = Decision.objects.get()  # one decision, one number
    assert decision.number == 1
    with translation.override("vi"):
        issued = gettext(ISSUED) % {"decision": decision}
    locked = vietnamese(decisions.MSG_LOCKED) % {"decision": decision}
    saved, refused = one_saved_one_refused(responses, lambda r: issued in page(r))
    assert locked in page(responses[refused])
    assert decision.issued_by == people[saved]
    SHOWN.append("decision")


def test_two_cells_decisions_issued_at_once_get_consecutive_numbers(
    period, tree, secretary, committee
):
    cells = [tree.c1, tree.c2]
    for cell in cells:
        accept_proposals(submitted_cell(period, cell, secretary, 2, {"HTTNV": 2}), committee)
    people = [committee, colleague("committee2", Role.GRASSROOTS_COMMITTEE, tree.g1)]
    clients = [signed_in(person) for person in people]
    responses = at_once(
        [
            lambda c=client, cell=cell: c.post(
                reverse("assessment:decision_issue", args=[2025, cell.pk]),
                DECISION_FORM,
                follow=True,
            )
            for client, cell in zip(clients, cells, strict=True)
        ],
        behind=tree.g1,  # the issuer's row: the lock that serializes numbering
    )
    issued = {d.assessments.first().cell_year.cell_id: d for d in Decision.objects.all()}
    assert sorted(d.number for d in issued.values()) == [1, 2]
    with translation.override("vi"):
        for response, cell in zip(responses, cells, strict=True):
            assert gettext(ISSUED) % {"decision": issued[cell.pk]} in page(response)
