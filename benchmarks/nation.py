"""A nation for the benchmark (issue 18 item 4): the seeded province copied into `provinces`
provinces under a central root (kind `trung_uong`), about 1 M members for 10, in SQL.

Copies units (their paths under the new province), members, the year's cell and organization
years and member results, and the kept counts. Decisions, history and meetings are not copied:
the summary reads none of them. Not part of the product.
"""

from __future__ import annotations

from django.db import connection, transaction

from assessment.counts import counts_refresh
from assessment.models import Period
from organizations.models import Kind, Organization

STEP = Organization.steplen


def _copy(cursor, table: str, columns: list[str], changes: dict[str, str], where: str, params):
    """INSERT INTO table (columns) SELECT columns with `changes` (column → SQL) FROM table."""
    selected = ", ".join(changes.get(c, c) for c in columns)
    names = ", ".join(columns)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {selected} FROM {table} {where}", params)


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def nation_built() -> bool:
    """Whether the database already holds the central root (an earlier run's, with --reuse)."""
    return Organization.objects.filter(depth=1, kind=Kind.NATION).exists()


@transaction.atomic
def nation_build(*, provinces: int) -> None:
    """Put the only province under a new central root and copy it `provinces - 1` times."""
    province = Organization.objects.get(depth=1, kind=Kind.PROVINCE)
    period = Period.objects.get(year=2025)
    with connection.cursor() as cursor:
        root = "0001"
        org_columns = _columns(cursor, "organizations_organization")
        # Every path one step deeper (through a letter, so no path meets another on the way):
        # the province becomes 0001 0001 and the central root takes 0001.
        cursor.execute("UPDATE organizations_organization SET path = 'Z' || path")
        cursor.execute(
            "UPDATE organizations_organization SET path = %s || substr(path, 2), depth = depth + 1",
            [root],
        )
        _copy(
            cursor,
            "organizations_organization",
            org_columns,
            {
                "path": f"'{root}'",
                "depth": "1",
                "numchild": str(provinces),
                "code": "'TW'",
                "name": "'Trung ương'",
                "kind": f"'{Kind.NATION.value}'",
            },
            "WHERE id = %s",
            [province.pk],
        )
        member_columns = _columns(cursor, "members_member")
        for copy in range(2, provinces + 1):
            prefix = f"{root}{copy:0{STEP}d}"
            suffix = f"-{copy}"
            _copy(
                cursor,
                "organizations_organization",
                org_columns,
                {
                    "path": f"'{prefix}' || substr(path, {2 * STEP + 1})",
                    "code": f"code || '{suffix}'",
                    "name": f"name || ' {copy}'",
                },
                "WHERE path LIKE %s",
                [f"{root}0001%"],
            )
            # The copy of each unit, by its path.
            cursor.execute("DROP TABLE IF EXISTS unit_map")
            cursor.execute(
                "CREATE TEMP TABLE unit_map AS SELECT a.id AS old, b.id AS new"
                " FROM organizations_organization a JOIN organizations_organization b"
                " ON b.path = %s || substr(a.path, %s) WHERE a.path LIKE %s",
                [prefix, 2 * STEP + 1, f"{root}0001%"],
            )
            cursor.execute("CREATE INDEX ON unit_map (old)")
            _copy_rows(cursor, member_columns, suffix, period.pk)
        cursor.execute("DROP TABLE IF EXISTS unit_map")
    counts_refresh(period=period)


def _copy_rows(cursor, member_columns: list[str], suffix: str, period: int) -> None:
    selected = ", ".join(
        "u.new"
        if c == "cell_id"
        else f"m.card_number || '{suffix}'"
        if c == "card_number"
        else ("NULL" if c == "user_id" else f"m.{c}")
        for c in member_columns
    )
    cursor.execute(
        f"INSERT INTO members_member ({', '.join(member_columns)}) SELECT {selected}"
        " FROM members_member m JOIN unit_map u ON u.old = m.cell_id"
        " WHERE m.card_number NOT LIKE '%%-%%'"
    )
    for table, unit_column in (
        ("assessment_cellyear", "cell_id"),
        ("assessment_grassrootsyear", "organization_id"),
    ):
        columns = _columns(cursor, table)
        selected = ", ".join(
            "u.new" if c == unit_column else ("NULL" if c == "decision_id" else f"y.{c}")
            for c in columns
        )
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {selected} FROM {table} y"
            f" JOIN unit_map u ON u.old = y.{unit_column} WHERE y.period_id = %s",
            [period],
        )
    columns = _columns(cursor, "assessment_memberassessment")
    selected = ", ".join(
        {"cell_year_id": "ny.id", "member_id": "nm.id", "decision_id": "NULL"}.get(c, f"a.{c}")
        for c in columns
    )
    cursor.execute(
        f"INSERT INTO assessment_memberassessment ({', '.join(columns)}) SELECT {selected}"
        " FROM assessment_memberassessment a"
        " JOIN assessment_cellyear y ON y.id = a.cell_year_id AND y.period_id = %s"
        " JOIN unit_map u ON u.old = y.cell_id"
        " JOIN assessment_cellyear ny ON ny.cell_id = u.new AND ny.period_id = %s"
        " JOIN members_member om ON om.id = a.member_id"
        " JOIN members_member nm ON nm.card_number = om.card_number || %s",
        [period, period, suffix],
    )
