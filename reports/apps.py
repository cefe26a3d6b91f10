from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("reports".capitalize())

    def ready(self) -> None:
        from . import signals  # noqa: F401  (exports and imports on the audit trail)
