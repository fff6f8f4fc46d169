"""Where the app's files are: templates, static files and the sample playbooks.

In a checkout (and an editable install) they sit beside the package at the top of the
repository; a built wheel carries them inside the package (pyproject.toml's force-include),
so the same code finds them in both.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _folder(in_checkout: str, in_wheel: str) -> Path:
    packaged = PACKAGE / in_wheel
    return packaged if packaged.is_dir() else PACKAGE.parent / in_checkout


TEMPLATES = _folder("templates", "templates")
STATIC = _folder("static", "static")
SAMPLE_PLAYBOOKS = _folder("playbooks", "sample_playbooks")
MIGRATIONS = PACKAGE / "migrations"
TRANSLATIONS = PACKAGE / "translations"
