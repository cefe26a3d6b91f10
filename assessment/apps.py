from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("assessment".capitalize())

    def ready(self) -> None:
        from organizations.audit_display import key_labels_register
        from organizations.signals import subtree_moved

        from .audit_labels import audit_key_labels

        subtree_moved.connect(_subtree_moved, dispatch_uid="assessment.rollups.subtree_moved")
        key_labels_register(audit_key_labels)  # the audit page names conditions and criteria


def _subtree_moved(sender, *, unit_id: int, before: list[int], after: list[int], **kwargs) -> None:
    """A unit moved: its subtree's counts leave its old ancestors for its new ones (issue 18)."""
    from .rollups import rollups_follow_move

    rollups_follow_move(unit_id=unit_id, before=before, after=after)
