"""Large writes leave the planner fresh statistics (issue 18: autovacuum is off on our servers)."""

import pytest
from django.core.management import call_command
from django.db import connection

from members.models import Member
from organizations.database import refresh_statistics
from organizations.models import Organization
from reports import imports
from tests.reports.test_imports import valid_workbook

pytestmark = pytest.mark.django_db


def estimated_rows(model) -> float:
    """PostgreSQL's own row estimate of the table (-1 before its first ANALYZE). ANALYZE writes it
    in place, so it survives the test's rollback: tests compare it before and after."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        return cursor.fetchone()[0]


def test_seed_demo_analyzes_what_it_wrote():
    call_command("seed_demo", "--scale", "tiny", "--year", "2025", "--seed", "1")
    assert estimated_rows(Member) == Member.objects.count()
    assert estimated_rows(Organization) == Organization.objects.count()


def test_a_large_import_analyzes_what_it_wrote(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "ANALYZE_AFTER_ROWS", 3)  # the valid workbook has 11 rows
    assert imports.workbook_import(file=valid_workbook(tmp_path), by=None).ok
    assert estimated_rows(Member) == Member.objects.count()


def test_a_small_import_leaves_statistics_to_the_server(tree, tmp_path):
    refresh_statistics([Member])
    before = estimated_rows(Member)
    assert imports.workbook_import(file=valid_workbook(tmp_path), by=None).ok
    assert Member.objects.count() == before + 3
    assert estimated_rows(Member) == before
