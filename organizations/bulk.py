"""Set-wise inserts with their history and audit rows (issue 18 item 2).

A workbook import of 100,000 members spent most of its time building a model instance, a
historical instance and an audit event per row in Python. Here the rows go into a staging table
(COPY on PostgreSQL, executemany elsewhere: the demo's SQLite), and three INSERT … SELECT
statements write the rows, their history rows (simple-history's table, type "+") and their audit
events (organizations.audit, one per history row, as AuditedHistoryManager writes them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .audit import client_address
from .models import AuditAction, AuditEvent

COPY_CHUNK = 5000  # rows per executemany batch where COPY is not available


@dataclass(frozen=True)
class AuditSql:
    """How an inserted row `t` reads in the audit trail, as SQL over `t` and `joins`:
    `object_repr` is what str(obj) says, `unit_path` the path of the unit it belongs to."""

    object_repr: str
    unit_path: str
    joins: str = ""


def uses_copy() -> bool:
    """Whether the staging table is filled by COPY (PostgreSQL) or by executemany."""
    return connection.vendor == "postgresql"


def staged_insert(
    *,
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence],
    keys: Sequence[str],
    by,
    reason: str,
    audit: AuditSql,
    params: Sequence = (),
    returning: Sequence[str] = (),
    copy: bool | None = None,
) -> list[tuple]:
    """Insert `rows` (values in the order of `columns`, field attnames) into `model`'s table,
    with one history row (type "+", user `by`, `reason`) and one audit event each.

    Columns not given take their field's default. `keys` are columns unique together, by which
    the inserted rows are found again; `audit` says how they read in the audit trail (`params`
    fill its %s placeholders). `copy` forces COPY (True) or executemany (False); None picks
    COPY on PostgreSQL. Must run inside a transaction. Returns the `returning` columns of the
    inserted rows (e.g. their ids); raises the database's IntegrityError on a duplicate key."""
    copy = uses_copy() if copy is None else copy
    table = model._meta.db_table
    fields = {f.attname: f for f in model._meta.concrete_fields}
    stage = f"stage_{table}"
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        definitions = ", ".join(f"{q(c)} {fields[c].db_type(connection)}" for c in columns)
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} ({definitions})")
        _fill(cursor, stage, columns, rows, copy=copy)
        _insert_rows(cursor, model, stage, columns)
        _insert_history(cursor, model, stage, keys, by, reason)
        _insert_audit(cursor, model, stage, keys, by, reason, audit, params)
        inserted = []
        if returning:
            names = ", ".join(f"t.{q(c)}" for c in returning)
            cursor.execute(f"SELECT {names} FROM {q(table)} t JOIN {stage} s ON {_join(keys)}")
            inserted = cursor.fetchall()
        cursor.execute(f"DROP TABLE {stage}")
    return inserted


def _fill(cursor, stage: str, columns: Sequence[str], rows: Iterable[Sequence], *, copy) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if copy:
        with cursor.cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as out:
            for row in rows:
                out.write_row(row)
        return
    statement = f"INSERT INTO {stage} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch = []
    for row in rows:
        batch.append(tuple(row))
        if len(batch) == COPY_CHUNK:
            cursor.executemany(statement, batch)
            batch = []
    if batch:
        cursor.executemany(statement, batch)


def _defaults(model: type[Model], given: Sequence[str]) -> tuple[list[str], list]:
    """The other columns of `model` and their default values, ready for the database."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        names.append(field.attname)
        values.append(field.get_db_prep_save(field.get_default(), connection))
    return names, values


def _insert_rows(cursor, model, stage: str, columns: Sequence[str]) -> None:
    q = connection.ops.quote_name
    others, values = _defaults(model, columns)
    targets = ", ".join(q(c) for c in [*columns, *others])
    sources = ", ".join([*(f"s.{q(c)}" for c in columns), *(["%s"] * len(others))])
    cursor.execute(
        f"INSERT INTO {q(model._meta.db_table)} ({targets}) SELECT {sources} FROM {stage} s",
        values,
    )


def _join(keys: Sequence[str]) -> str:
    q = connection.ops.quote_name
    return " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in keys)


def _insert_history(cursor, model, stage: str, keys, by, reason: str) -> None:
    q = connection.ops.quote_name
    history = model.history.model
    own = {f.attname for f in model._meta.concrete_fields}
    copied = [f.attname for f in history._meta.concrete_fields if f.attname in own]
    targets = ", ".join(
        q(c)
        for c in [*copied, "history_date", "history_change_reason", "history_type"]
        + ["history_user_id"]
    )
    sources = ", ".join([*(f"t.{q(c)}" for c in copied), "%s", "%s", "'+'", "%s"])
    cursor.execute(
        f"INSERT INTO {q(history._meta.db_table)} ({targets}) SELECT {sources} "
        f"FROM {q(model._meta.db_table)} t JOIN {stage} s ON {_join(keys)}",
        [timezone.now(), reason, _user_id(by)],
    )


def _user_id(by) -> int | None:
    return by.pk if by is not None and getattr(by, "is_authenticated", False) else None


def _insert_audit(cursor, model, stage: str, keys, by, reason, audit: AuditSql, params) -> None:
    q = connection.ops.quote_name
    request = getattr(HistoricalRecords.context, "request", None)
    changes = AuditEvent._meta.get_field("changes").get_db_prep_save([], connection)
    actor = by if _user_id(by) is not None else None
    cursor.execute(
        f"INSERT INTO {q(AuditEvent._meta.db_table)} (at, actor_id, actor_name, address, action, "
        "object_type, object_id, object_repr, unit_path, changes, reason) "
        f"SELECT %s, %s, %s, %s, %s, %s, CAST(t.id AS TEXT), SUBSTR({audit.object_repr}, 1, 255), "
        f"{audit.unit_path}, %s, %s FROM {q(model._meta.db_table)} t "
        f"JOIN {stage} s ON {_join(keys)} {audit.joins}",
        [
            timezone.now(),
            _user_id(by),
            getattr(actor, "username", "") if actor else "",
            client_address(request),
            AuditAction.CREATE,
            str(model._meta.verbose_name),
            *_split(audit, params, "object_repr"),
            *_split(audit, params, "unit_path"),
            changes,
            reason,
        ],
    )


def _split(audit: AuditSql, params: Sequence, part: str) -> list:
    """The params of `audit`'s %s placeholders that fall in `part` (repr first, then path)."""
    first = audit.object_repr.count("%s")
    return list(params[:first]) if part == "object_repr" else list(params[first:])
