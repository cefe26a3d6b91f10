from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("organizations".capitalize())

    def ready(self) -> None:
        from . import audit  # noqa: F401  (connects the audit trail's signal receivers)
