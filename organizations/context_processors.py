def unread_notifications(request):
    """The count beside the bell in the top bar: one query a page, only for a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": user.notifications.unread().count()}


def has_units(request):
    """Whether the top bar offers the organization tree: it lists the units of the user's
    roles, so a plain member (a scope of their own record only) would find it empty."""
    from .access import unit_assignments

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"has_units": bool(unit_assignments(user))}


def can_audit(request):
    """Whether the top bar offers the audit trail (the boards and administrators)."""
    from .access import AUDIT_ROLES, is_administrator, unit_assignments

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    allowed = is_administrator(user) or any(a.role in AUDIT_ROLES for a in unit_assignments(user))
    return {"can_audit": allowed}
