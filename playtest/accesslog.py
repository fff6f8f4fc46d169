"""Access logs without secrets: gunicorn's access log with keys, codes and tokens redacted.

A projector's view key (`?key=`), a session's join code (`/j/<code>`), a playbook's share
token (`/p/<token>`), a set-password link (`/set-password/<token>`) and a "You said, we did"
link (`/y/<token>`) each let someone in; an access log (often kept for months and read by
more people) must not hold them. `playtest serve` runs gunicorn with RedactingLogger.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
_SECRET_PATHS = re.compile(r"(/(?:j|p|y|set-password)/)[^/?#\s\"]+")
_SECRET_PARAMS = re.compile(
    r"([?&](?:key|token|view_token|previous_token|code|share_token)=)[^&#\s\"]*", re.IGNORECASE
)
# Request headers that are secrets as a whole (gunicorn names them "{header}i").
_SECRET_HEADERS = ("{cookie}i", "{authorization}i", "{http_cookie}e", "{http_authorization}e")


def redact(text: str) -> str:
    """The text (a request line, path, query or URL) with every secret in it replaced."""
    return _SECRET_PARAMS.sub(rf"\1{REDACTED}", _SECRET_PATHS.sub(rf"\1{REDACTED}", text))


class RedactingLogger(Logger):
    """gunicorn's logger; every access-log atom passes through `redact` first."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if name in _SECRET_HEADERS:
                atoms[name] = REDACTED
            elif isinstance(value, str):
                atoms[name] = redact(value)
        return atoms
