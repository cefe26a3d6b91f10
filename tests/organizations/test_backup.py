"""Issue 7: a backup (pg_dump) restores into an empty database with every row and its history."""

import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from assessment.models import MemberAssessment
from members.models import Member
from organizations.models import Organization

from ..assessment.test_decisions import accept_proposals, issue, submitted_cell

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TABLES = [
    "organizations_organization",
    "members_member",
    "assessment_memberassessment",
    "assessment_historicalmemberassessment",
    "assessment_decision",
    "assessment_ruleset",
]


def counts(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture
def scratch():
    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    server = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_backup_restores_every_row_and_its_history(
    period, tree, secretary, committee, scratch, tmp_path
):
    cell_year = submitted_cell(period, tree.c1, secretary, 4, {"HTTNV": 4})
    accept_proposals(cell_year, committee)
    issue(cell_year, committee)
    dump = tmp_path / "x.dump"
    call_command("backup", output=str(dump))
    assert dump.stat().st_size > 10_000

    db = connection.settings_dict
    source = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore", str(dump), "--yes"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TEST_DATABASE_URL": scratch.replace("postgresql://", "postgres://"),
        },
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stderr
    before = counts(source)
    assert before == counts(scratch)
    assert before["assessment_memberassessment"] == MemberAssessment.objects.count() == 4
    assert before["members_member"] == Member.objects.count()
    assert before["organizations_organization"] == Organization.objects.count()
    assert before["assessment_historicalmemberassessment"] > 4  # the history came along
