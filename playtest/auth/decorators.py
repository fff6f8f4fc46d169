"""Role checks for pages: one decorator, so no view repeats the rule."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from flask import abort, request
from flask_login import current_user, login_required


def facilitator_required(methods: Iterable[str] | None = None) -> Callable:
    """Sign-in for every request, and a facilitator's account for `methods` (default: all).

    Observers read: with methods=("POST",) they see the page, and anything they send is 403.
    """
    guarded = {method.upper() for method in methods} if methods is not None else None

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if (guarded is None or request.method in guarded) and not current_user.is_facilitator:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def admin_required(view: Callable) -> Callable:
    """Sign-in and an admin's account (account management); anyone else gets 403."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
