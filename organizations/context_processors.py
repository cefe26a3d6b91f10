def unread_notifications(request):
    """The count beside the bell in the top bar: one query a page, only for a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": user.notifications.unread().count()}
