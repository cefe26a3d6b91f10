"""Run by benchmarks/load.py inside the project: make the load scenario's users, a signed-in
session for each and the pages each opens; print them as JSON. Arguments: secretaries boards."""

import json
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402 (after django.setup())
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402 (after django.setup())
from django.urls import reverse  # noqa: E402 (after django.setup())

from assessment.models import CellYear, Period  # noqa: E402 (after django.setup())
from members.models import Member  # noqa: E402 (after django.setup())
from organizations.models import Assignment, Kind, Organization, Role  # noqa: E402 (after django.setup())

secretaries, boards = int(sys.argv[1]), int(sys.argv[2])
period = Period.objects.order_by("-year").first()
year = period.year
User = get_user_model()


def session_for(username, role, unit):
    user, _ = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@load.test"}
    )
    Assignment.objects.get_or_create(user=user, role=role, organization=unit)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


users = []
cell_years = list(
    CellYear.objects.filter(period=period)
    .select_related("cell")
    .order_by("cell__path")[:secretaries]
)
if len(cell_years) < secretaries:
    sys.exit(f"only {len(cell_years)} cells have their year open in {year}; seed more results")
for number, cell_year in enumerate(cell_years, 1):
    cell = cell_year.cell
    member = Member.objects.filter(cell=cell).order_by("pk").first()
    pages = [
        ("home", reverse("home")),
        ("cell year", reverse("assessment:cell_year", args=[year, cell.pk])),
        ("review meeting", reverse("assessment:meeting", args=[year, cell.pk])),
        ("monthly meetings", reverse("assessment:meetings", args=[year, cell.pk])),
        ("unit", reverse("organizations:unit", args=[cell.pk])),
    ]
    if member:
        pages.append(("member", reverse("members:member", args=[member.pk])))
    key = session_for(f"load_chibo_{number:03}", Role.CELL_SECRETARY, cell)
    users.append({"group": "secretary", "session": key, "pages": pages})

province = Organization.objects.filter(kind=Kind.PROVINCE).order_by("path").first()
superiors = Organization.objects.filter(kind=Kind.SUPERIOR).order_by("path")[: max(boards - 2, 0)]
units = [(Role.PROVINCIAL_BOARD, province)] * min(boards, 2)
units += [(Role.SUPERIOR_BOARD, unit) for unit in superiors]
for number, (role, unit) in enumerate(units, 1):
    pages = [
        ("progress", reverse("reports:progress", args=[year, unit.pk])),
        ("summary", reverse("reports:summary", args=[year, unit.pk])),
    ]
    if role == Role.SUPERIOR_BOARD:
        pages.append(("superior", reverse("assessment:superior", args=[year, unit.pk])))
    key = session_for(f"load_bantc_{number:02}", role, unit)
    users.append({"group": "board", "session": key, "pages": pages})
print(json.dumps({"year": year, "users": users}))
