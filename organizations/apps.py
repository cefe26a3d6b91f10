from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("organizations".capitalize())

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import audit  # noqa: F401  (connects the audit trail's signal receivers)
        from .collation import on_connection_created

        connection_created.connect(on_connection_created)  # Vietnamese order on SQLite
