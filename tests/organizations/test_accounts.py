"""Accounts (issue 19, item 3): password reset by e-mail end to end (Django's locmem mail), its
throttle, the first-sign-in password change, and accounts for a unit's officers in bulk."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from members.models import Member
from organizations.accounts import SESSION_KEY
from organizations.models import Assignment, Profile, Role
from organizations.views_accounts import MSG_RESET_THROTTLED
from tests.conftest import PASSWORD
from tests.factories import MemberFactory, UserFactory

NEW_PASSWORD = "Cay-Tre-Xanh-2026"
LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)")


@pytest.fixture(autouse=True)
def fresh_throttle():
    """django-ratelimit counts in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lan(db):
    return UserFactory(username="lan", email="Lan.Nguyen@example.vn")


def log_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_password_reset_end_to_end(client, lan):
    assert client.get("/accounts/reset/").status_code == 200
    answer = client.post("/accounts/reset/", {"email": "lan.nguyen@example.vn"})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Lan.Nguyen@example.vn"]
    assert "lan" in message.body
    link = LINK.search(message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"

    assert log_in(client, "lan", PASSWORD).status_code == 200  # the old password: refused
    assert log_in(client, "lan", NEW_PASSWORD)["Location"] == "/"
    assert client.get("/").status_code == 200
    client.logout()
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False


@override_settings(AXES_ENABLED=True)
def test_a_reset_unlocks_an_account_the_login_throttle_locked(client, lan):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "lan", "sai-mat-khau")
    locked = log_in(client, "lan", PASSWORD)
    assert locked.status_code == 429
    assert 'href="/accounts/reset/"' in locked.content.decode()
    client.post("/accounts/reset/", {"email": "lan.nguyen@example.vn"})
    link = LINK.search(mail.outbox[0].body).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert log_in(client, "lan", NEW_PASSWORD)["Location"] == "/"


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, lan):
    answer = client.post("/accounts/reset/", {"email": "ai.do@example.vn"})
    assert answer["Location"] == "/accounts/reset/sent/"
    assert mail.outbox == []


def test_reset_requests_are_throttled_per_email(client, lan, settings):
    for _ in range(3):
        answer = client.post("/accounts/reset/", {"email": "lan.nguyen@example.vn"})
        assert answer.status_code == 302
    answer = client.post("/accounts/reset/", {"email": "LAN.NGUYEN@example.vn"})
    assert answer.status_code == 429
    assert str(MSG_RESET_THROTTLED) in answer.content.decode()
    assert len(mail.outbox) == 3


def test_reset_requests_are_throttled_per_address(client, lan):
    for n in range(10):
        client.post("/accounts/reset/", {"email": f"nguoi{n}@example.vn"})
    answer = client.post("/accounts/reset/", {"email": "lan.nguyen@example.vn"})
    assert answer.status_code == 429
    assert mail.outbox == []
    other_address = client.post(
        "/accounts/reset/", {"email": "lan.nguyen@example.vn"}, REMOTE_ADDR="10.0.0.7"
    )
    assert other_address.status_code == 302 and len(mail.outbox) == 1


def test_a_made_account_must_choose_a_password_at_first_sign_in(client, lan):
    Profile.objects.create(user=lan, must_change_password=True)
    assert log_in(client, "lan", PASSWORD)["Location"] == "/"
    assert client.session[SESSION_KEY] is True
    for url in ("/", "/tree/", "/api/units/"):
        assert client.get(url)["Location"] == "/accounts/password/", url
    assert client.get("/accounts/password/").status_code == 200
    answer = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert answer["Location"] == "/accounts/password/done/"
    assert client.get("/").status_code == 200
    assert Profile.objects.get(user=lan).must_change_password is False
    client.logout()
    assert log_in(client, "lan", NEW_PASSWORD)["Location"] == "/"
    assert SESSION_KEY not in client.session


def test_an_account_an_administrator_adds_in_the_admin_must_change_its_password(
    client, administrator
):
    client.force_login(administrator)
    answer = client.post(
        "/quan-tri/auth/user/add/",
        {
            "username": "moi",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "profile-TOTAL_FORMS": "0",
            "profile-INITIAL_FORMS": "0",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert Profile.objects.get(user__username="moi").must_change_password is True


# Accounts for a unit's officers in bulk.


def rows_post(rows):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{i}-{key}"] = value
    return data


@pytest.fixture
def officers(tree):
    return [
        MemberFactory(cell=tree.c1, full_name="Bí Thư Một", holds_leadership_post=True),
        MemberFactory(cell=tree.c1, full_name="Phó Bí Thư", holds_leadership_post=True),
        MemberFactory(cell=tree.c2, full_name="Đảng Viên Thường"),
    ]


def test_a_board_makes_officer_accounts_in_bulk_shown_once(client, tree, district_board, officers):
    client.force_login(district_board)
    page = client.get(f"/units/{tree.g1.pk}/accounts/")
    assert page.status_code == 200
    listed = [member for _, member in page.context["rows"]]
    assert listed == officers[:2]  # a larger unit: those who hold a leadership post
    answer = client.post(
        f"/units/{tree.g1.pk}/accounts/",
        rows_post(
            [
                {
                    "member": officers[0].pk,
                    "create": "on",
                    "role": Role.GRASSROOTS_COMMITTEE,
                    "username": "bithu1",
                    "email": "bt@example.vn",
                },
                {
                    "member": officers[1].pk,
                    "create": "on",
                    "role": Role.GRASSROOTS_COMMITTEE,
                    "username": "phobithu",
                    "email": "",
                },
            ]
        ),
    )
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    created = answer.context["created"]
    assert [a.username for a in created] == ["bithu1", "phobithu"]
    user = get_user_model().objects.get(username="bithu1")
    assert Member.objects.get(pk=officers[0].pk).user == user
    assert Assignment.objects.get(user=user).organization == tree.g1
    assert Profile.objects.get(user=user).must_change_password is True
    assert created[0].password in answer.content.decode()
    assert [m.to for m in mail.outbox] == [["bt@example.vn"]]  # only the row with an address
    assert "bithu1" in mail.outbox[0].body and LINK.search(mail.outbox[0].body)
    assert created[0].password not in mail.outbox[0].body
    assert Assignment.history.filter(user=user).first().history_user == district_board

    client.logout()
    assert log_in(client, "bithu1", created[0].password)["Location"] == "/"
    assert client.get("/")["Location"] == "/accounts/password/"
    client.force_login(district_board)
    assert client.get(f"/units/{tree.g1.pk}/accounts/").context["rows"] == []


def test_a_bad_row_writes_nothing_and_is_named(client, tree, district_board, officers):
    UserFactory(username="BiThu1")
    client.force_login(district_board)
    url = f"/units/{tree.c1.pk}/accounts/"
    first = {"member": officers[0].pk, "create": "on", "role": Role.CELL_SECRETARY}
    second = {"member": officers[1].pk, "create": "on", "role": Role.CELL_SECRETARY}
    answer = client.post(
        url, rows_post([{**first, "username": "pho"}, {**second, "username": "bithu1"}])
    )
    assert answer.status_code == 200
    errors = answer.context["errors"]
    assert errors == ["Dòng 2 (Phó Bí Thư): tên đăng nhập “bithu1” đã có người dùng."]
    assert errors[0] in answer.content.decode()
    twice = client.post(
        url, rows_post([{**first, "username": "pho"}, {**second, "username": "PHO"}])
    )
    assert "Dòng 2 (Phó Bí Thư)" in twice.context["errors"][0]
    # Only an administrator makes administrators: the choice is refused on the row.
    escalate = client.post(
        url, rows_post([{**first, "username": "x1", "role": Role.ADMINISTRATOR}])
    )
    assert escalate.context["formset"].forms[0].errors["role"]
    assert not get_user_model().objects.filter(username__in=["pho", "PHO", "x1"]).exists()
    assert Member.objects.filter(pk__in=[o.pk for o in officers], user__isnull=False).count() == 0


def test_a_unit_that_takes_no_role_says_so(client, tree, district_board):
    from organizations.models import Kind
    from tests.factories import OrganizationFactory

    partial = OrganizationFactory(code="BP", kind=Kind.PARTIAL_COMMITTEE, parent=tree.g1)
    MemberFactory(cell=OrganizationFactory(parent=partial), holds_leadership_post=True)
    client.force_login(district_board)
    answer = client.get(f"/units/{partial.pk}/accounts/")
    assert answer.status_code == 200 and 'data-testid="no-candidates"' in answer.content.decode()


def test_only_boards_make_accounts_and_only_in_their_subtree(
    client, tree, secretary, committee, outsider_board, officers
):
    for user, expected in ((secretary, 403), (committee, 403), (outsider_board, 404)):
        client.force_login(user)
        assert client.get(f"/units/{tree.c1.pk}/accounts/").status_code == expected
