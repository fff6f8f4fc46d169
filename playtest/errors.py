"""Error codes shared by the socket protocol and the JSON API, and friendly error pages."""

from __future__ import annotations

from enum import StrEnum

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from playtest.config import PLAYBOOK_MAX_BYTES


class ErrorCode(StrEnum):
    """Every `error.code` a client can receive (DESIGN.md §5)."""

    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"
    LIMIT_REACHED = "limit_reached"
    SESSION_CLOSED = "session_closed"
    UNAVAILABLE = "unavailable"
    UNKNOWN_EVENT = "unknown_event"


HTTP_STATUS = {
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.INVALID: 422,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.LIMIT_REACHED: 409,
    ErrorCode.SESSION_CLOSED: 410,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.UNKNOWN_EVENT: 404,  # sockets only; 404 still names not_found first
}


class ActionError(Exception):
    """A refused action, with a code clients can branch on and a message people can read."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def to_dict(self) -> dict:
        return {"code": str(self.code), "message": self.message}

    def ack(self) -> dict:
        return {"ok": False, "error": self.to_dict()}


PAGE_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("You do not have access"), _l("Your account cannot open this page.")),
    404: (_l("Page not found"), _l("Check the address, or ask the facilitator for a new link.")),
    405: (_l("Not allowed"), _l("That action is not available here.")),
    410: (_l("This session has finished"), _l("Thank you for taking part.")),
    413: (
        _l("File too large"),
        _l("Playbooks can be up to %(n)d KiB.", n=PLAYBOOK_MAX_BYTES // 1024),
    ),
    422: (_l("Something is not right"), _l("Check what you entered and try again.")),
    429: (_l("Too many requests"), _l("Wait a minute and try again.")),
    500: (
        _l("Sorry, something went wrong"),
        _l("Try again in a moment. Nothing you entered was lost."),
    ),
    503: (_l("Service unavailable"), _l("The service is busy. Try again in a few seconds.")),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str | None = None, code: str | None = None):
    """A JSON error for the API, a friendly page for people; never a stack trace."""
    title, text = PAGE_TEXT.get(status, PAGE_TEXT[500])
    if wants_json():
        body = {
            "error": {"code": code or _status_code_name(status), "message": message or str(title)}
        }
        return jsonify(body), status
    return (
        render_template(
            "errors/error.html", code=status, title=str(title), message=message or str(text)
        ),
        status,
    )


def _status_code_name(status: int) -> str:
    for code, http in HTTP_STATUS.items():
        if http == status:
            return str(code)
    return "error"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ActionError)
    def action_error(error: ActionError):
        return error_response(HTTP_STATUS[error.code], error.message, str(error.code))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = error.description if wants_json() and error.code != 500 else None
        return error_response(error.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        return error_response(500)
