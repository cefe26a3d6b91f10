"""The history manager every audited model uses (issue 12, fault 9): simple-history writes the
history rows of bulk_create_with_history / bulk_update_with_history (workbook imports, a roster
drawn) without the per-record signal that feeds the audit trail, so this manager audits them
itself. `HistoricalRecords(history_manager=AuditedHistoryManager)` on each model;
tests/organizations/test_audit.py checks that every historical model has it."""

from __future__ import annotations

from simple_history.manager import HistoryManager


class AuditedHistoryManager(HistoryManager):
    def bulk_history_create(self, objs, *args, **kwargs):
        """simple-history's bulk write of history rows, then one audit event per row."""
        objs = list(objs)
        rows = super().bulk_history_create(objs, *args, **kwargs)
        if rows:
            from .audit import history_rows_audit

            history_rows_audit(rows, objs)
        return rows
