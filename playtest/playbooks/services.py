"""Importing playbooks: parse, refuse with every problem, or store an immutable version."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import get_translations

from playtest.extensions import db
from playtest.models import Playbook, User
from playtest.playbooks.parser import parse_playbook
from playtest.playbooks.parser.problems import Problem
from playtest.playbooks.parser.serialise import playbook_to_dict


@dataclass
class ImportResult:
    """A stored playbook version (created or already there), or the problems that blocked it."""

    playbook: Playbook | None = None
    created: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def problems_json(problems: list[Problem]) -> list[dict]:
    """Each problem's line, code and message, the message in the reader's language."""
    translations = get_translations()
    return [{"line": p.line, "code": p.code, "message": p.render(translations)} for p in problems]


def stored_warnings(playbook: Playbook) -> list[Problem]:
    """The warnings a stored version was imported with.

    Versions stored before problems had codes (or with a code since retired) are parsed again
    for them: the source is stored, so the warnings come out the same, with codes.
    """
    try:
        return [Problem.from_dict(stored) for stored in playbook.warnings]
    except KeyError:
        return list(parse_playbook(playbook.source).warnings)


FAMILY_SLUG_MAX_CHARS = 180  # the slug, then "@<account id>" within the column's 200


def family_of(title: str, user: User | None = None) -> str:
    """Versions of a playbook are grouped by their title (ignoring case and punctuation) and
    by the account that uploads them: another account's upload of the same title starts a
    family of its own. Imports without an account (the CLI) share the instance's family."""
    slug = re.sub(r"[^\w]+", "-", title.casefold()).strip("-")[:FAMILY_SLUG_MAX_CHARS]
    slug = slug or "playbook"
    return f"{slug}@{user.id}" if user is not None else slug


def import_playbook(
    source: bytes | str, *, user: User | None = None, filename: str | None = None
) -> ImportResult:
    """Store a new version, or return the existing one for the exact same bytes."""
    raw = source.encode("utf-8") if isinstance(source, str) else source
    content_hash = hashlib.sha256(raw).hexdigest()
    existing = db.session.scalar(sa.select(Playbook).where(Playbook.content_hash == content_hash))
    if existing is not None:
        return ImportResult(playbook=existing, warnings=stored_warnings(existing))
    result = parse_playbook(raw)
    if not result.ok:
        return ImportResult(errors=list(result.errors), warnings=list(result.warnings))
    document = playbook_to_dict(result.playbook)
    family = family_of(result.playbook.title, user)
    latest = db.session.scalar(
        sa.select(sa.func.max(Playbook.version)).where(Playbook.family == family)
    )
    playbook = Playbook(
        family=family,
        version=(latest or 0) + 1,
        title=result.playbook.title,
        language=result.playbook.language,
        content_hash=content_hash,
        source=raw.decode("utf-8-sig").replace("\r\n", "\n"),
        document=document,
        warnings=[problem.to_dict() for problem in result.warnings],
        share_token=secrets.token_urlsafe(18),
        filename=filename,
        created_by_id=user.id if user else None,
    )
    db.session.add(playbook)
    db.session.commit()
    return ImportResult(playbook=playbook, created=True, warnings=list(result.warnings))


def api_payload(playbook: Playbook) -> dict:
    """The playbook as the API returns it (no rendered HTML)."""
    doc = playbook.document
    return {
        "id": playbook.id,
        "version": playbook.version,
        "title": doc["title"],
        "language": doc["language"],
        "duration": doc["duration"],
        "votes": doc["votes"],
        "anonymity": doc["anonymity"],
        "lanes": doc["lanes"],
        "roles": doc["roles"],
        "questions": doc["questions"],
        "warnings": problems_json(stored_warnings(playbook)),
        "sessions": [
            {
                "number": s["number"],
                "title": s["title"],
                "duration": s["duration"],
                "segments": [
                    {"title": g["title"], "minutes": g["minutes"], "kind": g["kind"]}
                    for g in s["segments"]
                ],
            }
            for s in doc["sessions"]
        ],
    }


def library() -> list[Playbook]:
    """Every version: families in alphabetical order, newest version first within a family."""
    return list(
        db.session.scalars(sa.select(Playbook).order_by(Playbook.family, Playbook.version.desc()))
    )
