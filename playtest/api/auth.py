"""Bearer tokens: staff tokens from `playtest create-token`, participant tokens from /join."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import request
from flask_babel import gettext as _

from playtest.auth.services import user_for_api_token
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.facilitation.services import attendance_for_token
from playtest.models import Attendance, User


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_staff() -> User | None:
    """The account of this request's staff token (looked up once per request)."""
    key = "playtest.staff"  # on the request itself: `g` outlives a request in the tests
    if key not in request.environ:
        token = bearer_token()
        user = user_for_api_token(token) if token else None
        if user is not None:
            db.session.commit()  # keeps last_used_at
        request.environ[key] = user
    return request.environ[key]


def current_participant() -> Attendance | None:
    token = bearer_token()
    return attendance_for_token(token) if token else None


def staff_required(facilitator: bool = False) -> Callable:
    """Require a staff bearer token (its account is `current_staff()`); with facilitator=True the
    account must be a facilitator's (creating playtests, uploading playbooks). What it may
    do in a playtest is the playtest's membership (playtest/access.py)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = current_staff()
            if user is None:
                raise ActionError(ErrorCode.FORBIDDEN, _("Send a staff API token."))
            if facilitator and not user.is_facilitator:
                raise ActionError(ErrorCode.FORBIDDEN, _("Observers can only read."))
            return view(*args, **kwargs)

        return wrapper

    return decorate
