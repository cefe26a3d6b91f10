def can_import(request):
    """Whether the top bar offers the workbook import (the provincial board, administrators)."""
    from .imports import can_import as allowed

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"can_import": allowed(user)}
