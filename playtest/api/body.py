"""The JSON body of an API request: one object, control characters stripped, never a 500."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from playtest.errors import ActionError, ErrorCode
from playtest.security import clean_payload


def json_body() -> dict:
    """The request's JSON object, or `invalid` (not JSON, not an object, nested too deeply)."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # json.loads gives up on thousands of nested brackets
        body = None
    if not isinstance(body, dict):
        raise ActionError(ErrorCode.INVALID, _("Send a JSON object."))
    return clean_payload(body)
