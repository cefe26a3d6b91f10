"""The admin's read-only base: rows that are records, read in the admin and never edited there."""


class ReadOnlyAdminMixin:
    """A ModelAdmin mixin that refuses adding, changing and deleting rows, for every user
    (the administrator included): the rows change only through the application's services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
