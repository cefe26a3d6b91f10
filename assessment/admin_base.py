"""The admin's base for the rows the state machine writes."""

from simple_history.admin import SimpleHistoryAdmin

from organizations.admin_base import ReadOnlyAdminMixin


class ReadOnlyHistoryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Rows the state machine writes (assessment/machine.py): they change only through its
    transitions on the pages, which check the guards, the versions, the closed years and keep
    the summary's counts (issue 18); the admin reads them and their history."""
