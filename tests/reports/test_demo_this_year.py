"""Issue 19, item 4: the demo shows the year under review today with nothing late yet, past
years closed and decided; on its embedded SQLite, votes typed quickly all save (WAL, a busy
timeout, transactions that take the write lock when they begin)."""

from __future__ import annotations

import datetime
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessment.models import CellState, CellYear, Decision, Period, PeriodState, UnitSnapshot
from assessment.services import year_under_review
from organizations.models import Organization
from reports.dashboard import dashboard_build
from reports.reminders import calendar_build

ROOT = Path(__file__).resolve().parents[2]
# `make demo`'s options for the year under review (the Makefile passes --history 2 too).
DEMO_ARGS = ["--scale", "tiny", "--seed", "1", "--results", "30", "--submitted", "15"]
DEMO_ARGS += ["--meetings", "20", "--quarters", "100"]


def test_the_year_under_review_is_derived_from_the_date():
    assert year_under_review(datetime.date(2026, 11, 30)) == 2026
    assert year_under_review(datetime.date(2027, 1, 15)) == 2026  # its reports run to 1 March
    assert year_under_review(datetime.date(2027, 3, 1)) == 2027


@pytest.mark.django_db
def test_the_demo_shows_this_years_progress_with_nothing_late_and_a_closed_past_year(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):  # closing freezes the tree on commit
        call_command("seed_demo", *DEMO_ARGS, "--history", "1")
    today = timezone.localdate()
    year = year_under_review(today)
    period = Period.objects.get(year=year)
    assert period.state == PeriodState.OPEN
    assert all(d.due > today for d in period.deadlines.all())
    states = set(CellYear.objects.filter(period=period).values_list("state", flat=True))
    assert {CellState.DECIDED, CellState.SUBMITTED, CellState.IN_PROGRESS} <= states  # progress
    province = Organization.objects.get(code="T01")
    dashboard = dashboard_build(unit=province, period=period, today=today)
    assert dashboard.late.total == 0 and dashboard.late.units == []
    assert all(d.open_late == 0 and d.late_done == 0 for d in dashboard.deadlines)
    assert not any(row.own and row.own.late for row in [dashboard.head, *dashboard.rows])
    assert calendar_build(unit=province, period=period, today=today).late_total == 0
    # The year before: closed, every cell decided by an issued decision, its tree frozen.
    past = Period.objects.get(year=year - 1)
    assert past.state == PeriodState.CLOSED
    assert not CellYear.objects.filter(period=past).exclude(state=CellState.DECIDED).exists()
    assert CellYear.objects.filter(period=past).count() == Organization.objects.cells().count()
    assert Decision.objects.filter(period=past, issuer=province).exists()  # up to the province
    assert UnitSnapshot.objects.filter(period=past).exists()
    last_year = dashboard_build(unit=province, period=past, today=today)
    assert last_year.late.total == 0  # the past year went on time
    every_role_sees_collectives_and_leaders(period, today)


def every_role_sees_collectives_and_leaders(period, today):
    """Issue 14 in the demo: through the pages each demo account opens, its unit has a
    leadership collective with seats derived from party posts, leaders on form 2A (the
    quarter's roster, drawn from posts) and a member outside the political system (2C) in its
    subtree; the quarters of the year are open, one is late on the progress dashboard, and a
    leader's annual self-review shows their decided quarters as evidence (R27)."""
    from django.test import Client
    from django.urls import reverse

    from assessment.models import MemberAssessment, QuarterAssessment, QuarterAssessmentState
    from members.models import FrameworkKind, Member, framework_on
    from organizations.models import Assignment, Role

    client = Client()
    first = period.quarters.order_by("number").first()
    assert first is not None  # the first quarter begins on 1 January
    for assignment in Assignment.objects.select_related("user", "organization"):
        client.force_login(assignment.user)
        unit, user = assignment.organization, assignment.user
        if assignment.role == Role.MEMBER:  # the demo's member writes form 2B
            assert framework_on(user.member, today) == FrameworkKind.MEMBER
            continue
        page = client.get(reverse("assessment:unit_collectives", args=[period.year, unit.pk]))
        assert page.status_code == 200, user
        collective = unit.collectives.first()
        assert collective is not None and collective.name in page.content.decode(), user
        seat = collective.seats.select_related("member", "post").first()
        assert seat.post.organization == unit  # derived from the post, not typed twice
        url = reverse("assessment:collective_year", args=[period.year, collective.pk])
        assert seat.member.full_name in client.get(url).content.decode(), user
        url = reverse("assessment:quarter_unit", args=[period.year, first.number, unit.pk])
        page = client.get(url)
        assert page.status_code == 200, user
        leaders = page.context["rows"]
        assert leaders and {row.framework for row in leaders} == {FrameworkKind.LEADER}, user
        assert leaders[0].member.full_name in page.content.decode()
        outside = Member.objects.in_subtree(unit).filter(posts__outside_political_system=True)
        assert outside.exists(), user  # form 2C
    late = QuarterAssessment.objects.filter(quarter__period=period, quarter__due__lt=today)
    late = late.exclude(state=QuarterAssessmentState.DECIDED)
    if period.quarters.filter(due__lt=today).exists():  # from 16 April on
        assert late.exists()
        committee = Assignment.objects.get(role=Role.GRASSROOTS_COMMITTEE)
        assert {row.member.cell.path[: len(committee.organization.path)] for row in late} == {
            committee.organization.path
        }  # its committee has yet to decide them
        client.force_login(Assignment.objects.get(role=Role.PROVINCIAL_BOARD).user)
        province = Organization.objects.get(code="T01")
        html = client.get(reverse("reports:progress", args=[period.year, province.pk]))
        assert 'data-testid="late-quarters"' in html.content.decode()
        shown = late.order_by("quarter__number", "member__cell__path", "member__full_name")
        assert shown.first().member.full_name in html.content.decode()
        decided = QuarterAssessment.objects.filter(
            quarter__period=period, state=QuarterAssessmentState.DECIDED
        )
        review = MemberAssessment.objects.filter(
            cell_year__period=period, member__in=decided.values("member")
        ).first()
        assert review is not None
        html = client.get(reverse("assessment:self_review", args=[review.pk])).content.decode()
        assert 'data-testid="quarterly-evidence"' in html
        assert str(decided.filter(member=review.member_id).first().quarter) in html
    else:  # nothing past its due date yet: nothing late
        assert not late.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SETUP = """
import json
from assessment import cell_year as work
from assessment.models import AssessmentStatus, Period
from organizations.models import Assignment
cell = Assignment.objects.get(user__username="chibo1").organization
period = Period.objects.order_by("-year").first()
cell_year = work.cell_year_open(period=period, cell=cell)
work.meeting_for(cell_year)
subjects = ["cell"] + [
    str(pk) for pk in cell_year.assessments.filter(status=AssessmentStatus.ASSESS).values_list(
        "pk", flat=True)
]
level = period.rule_set.levels.order_by("rank").first().code
print(json.dumps({"year": period.year, "cell": cell.pk, "subjects": subjects, "level": level}))
"""


# Django's development server, threaded, with a listen backlog for 30 connections at once (its
# default of 10 would refuse some at the TCP level, before any database work).
SERVER = """
import sys
import django
from django.core.servers.basehttp import WSGIServer, get_internal_wsgi_application, run
django.setup()
class Server(WSGIServer):
    request_queue_size = 64
run("127.0.0.1", int(sys.argv[1]), get_internal_wsgi_application(), threading=True,
    server_cls=Server)
"""


def test_thirty_vote_saves_within_a_second_on_the_sqlite_demo_give_no_error(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    }
    env.pop("TEST_DATABASE_URL", None)

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "-v0")
    manage("seed_demo", "--scale", "tiny", "--seed", "1")
    setup = json.loads(manage("shell", "-c", SETUP).strip().splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for _ in range(120):  # the server is up within a minute
            try:
                opener.open(f"{base}/accounts/login/", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        token = next(c.value for c in jar if c.name == "csrftoken")
        login = urllib.parse.urlencode(
            {"username": "chibo1", "password": "XepLoai@2025", "csrfmiddlewaretoken": token}
        ).encode()
        opener.open(f"{base}/accounts/login/", data=login, timeout=30)
        token = next(c.value for c in jar if c.name == "csrftoken")
        url = f"{base}/years/{setup['year']}/cells/{setup['cell']}/meeting/tally/"
        subjects = setup["subjects"]

        def save(i: int) -> tuple[int, str]:
            body = urllib.parse.urlencode(
                {"subject": subjects[i % len(subjects)], f"votes_{setup['level']}": "0"}
            ).encode()
            request = urllib.request.Request(
                url, data=body, headers={"X-CSRFToken": token, "HX-Request": "true"}
            )
            try:
                with opener.open(request, timeout=60) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode(errors="replace")

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=30) as pool:
            futures = [pool.submit(save, i) for i in range(30)]  # all sent at once
            sent = time.monotonic() - started
            results = [f.result() for f in futures]
        assert sent < 1.0
        errors = [(status, text[:300]) for status, text in results if status != 200]
        assert errors == []
        assert not any("locked" in text for _, text in results)
    finally:
        server.terminate()
        server.wait(timeout=30)
    import sqlite3

    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        (mode,) = db.execute("PRAGMA journal_mode").fetchone()
        (saved,) = db.execute("SELECT COUNT(*) FROM assessment_tally").fetchone()
    assert mode == "wal"
    assert saved == min(30, len(subjects))  # one row per subject, every save landed
