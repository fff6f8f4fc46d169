"""What a heading says: a segment's title, minutes and kind, or facilitator notes (DESIGN.md §3)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown.extensions.attr_list import get_attrs_and_remainder

from playtest import config
from playtest.playbooks.parser.header import to_int
from playtest.playbooks.parser.problems import Problems, all_of
from playtest.playbooks.rendering import plain_text

NOTES_TITLES = frozenset({"facilitator notes", "notes for facilitators", "notes pour l'animation"})

# Python-Markdown's attr_list pattern (extensions/attr_list.py), anchored at the end.
_ATTR_LIST_RE = re.compile(r"[ ]+\{:?[ ]*([^}\n ][^\n]*)\}[ ]*$")
_MISPLACED_ATTR_LIST_RE = re.compile(r"\{:?[ ]*\.[^}\n]*\}\s*$")
_LAST_BRACKET_RE = re.compile(r"\((?P<inner>[^()]*)\)\s*$")

_MINUTES = r"(?:m|min|mins|minute|minutes)"
_HOURS = r"(?:h|hr|hrs|hour|hours|heure|heures)"
_DURATION_RES = (
    re.compile(rf"(?P<m>[0-9]+)\s*{_MINUTES}", re.IGNORECASE),
    re.compile(rf"(?P<h>[0-9]+)\s*{_HOURS}", re.IGNORECASE),
    # "1h 30m", "1h30m", and the French "1 h 30".
    re.compile(rf"(?P<h>[0-9]+)\s*{_HOURS}\s*(?P<m>[0-9]+)\s*(?:{_MINUTES})?", re.IGNORECASE),
    re.compile(r"(?P<h>[0-9]+):(?P<m>[0-5][0-9])"),
)

# Checked in this order; the first whole-word match decides a segment's kind.
_KIND_WORDS = (
    ("break", ("break", "lunch", "pause")),
    ("reflect", ("reflect", "reflection", "retro", "retrospective", "debrief")),
    ("discuss", ("discuss", "discussion")),
    ("work", ("case", "cases", "work", "working")),
)
_KIND_RES = tuple(
    (kind, re.compile(rf"(?<!\w)(?:{'|'.join(words)})(?!\w)", re.IGNORECASE))
    for kind, words in _KIND_WORDS
)


def is_notes_title(text: str) -> bool:
    """True for a heading that opens facilitator notes ("Facilitator notes", …)."""
    if "not" not in text.casefold():  # skip rendering the many headings that can't match
        return False
    normal = " ".join(plain_text(text).replace("\u2019", "'").casefold().split())
    return normal.rstrip(": ") in NOTES_TITLES


@dataclass
class Draft:
    """A segment as the parser reads it; title/minutes/kind are None when invalid."""

    line: int
    title: str | None
    minutes: int | None
    kind: str | None
    prompt: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return None not in (self.title, self.minutes, self.kind)


def parse_minutes(inner: str) -> int | None:
    """Minutes from the text inside a duration bracket ("45 min", "1h 30m", "1:15"), or None."""
    for pattern in _DURATION_RES:
        if match := pattern.fullmatch(inner.strip()):
            parts = match.groupdict()
            hours = to_int(parts["h"]) if parts.get("h") else 0
            minutes = to_int(parts["m"]) if parts.get("m") else 0
            return hours * 60 + minutes
    return None


def segment_heading(text: str, line: int, problems: Problems) -> Draft:
    """Title, minutes and kind from an H2's text, with problems reported on `line`."""
    classes: list[str] = []
    if match := _ATTR_LIST_RE.search(text):
        attrs, remainder = get_attrs_and_remainder(match[1])
        if not remainder:  # Python-Markdown leaves "{...} x }" as text, and so do we
            classes = [value for key, value in attrs if key == "." and value]
            text = text[: match.start()].rstrip()
    bracket = _LAST_BRACKET_RE.search(text)
    minutes = parse_minutes(bracket["inner"]) if bracket else None
    title_markdown = text if bracket is None or minutes is None else text[: bracket.start()]
    title = plain_text(title_markdown)
    draft = Draft(line, title or None, minutes, None)
    if bracket is None or minutes is None:
        if is_notes_title(text):
            problems.error(line, "notes_as_segment", title=title)
        elif title:
            problems.error(line, "no_duration", title=title)
        else:
            problems.error(line, "heading_empty")
    else:
        written = bracket["inner"].strip()
        if not title:
            problems.error(line, "no_title_before_duration")
        elif _MISPLACED_ATTR_LIST_RE.search(title_markdown):
            problems.error(line, "kind_before_duration", title=title)
            draft.title = None
        if not config.SEGMENT_MIN_MINUTES <= minutes <= config.SEGMENT_MAX_MINUTES:
            problems.error(
                line,
                "minutes_out_of_range",
                title=title or written,
                written=written,
                low=config.SEGMENT_MIN_MINUTES,
                high=config.SEGMENT_MAX_MINUTES,
            )
            draft.minutes = None
    draft.kind = _segment_kind(title, classes, line, problems)
    return draft


def _segment_kind(title: str, classes: list[str], line: int, problems: Problems) -> str | None:
    if classes:
        unknown = [name for name in classes if name not in config.SEGMENT_KINDS]
        kinds = list(dict.fromkeys(name for name in classes if name in config.SEGMENT_KINDS))
        if unknown:
            allowed = ", ".join(f".{kind}" for kind in config.SEGMENT_KINDS)
            problems.error(line, "unknown_kind", title=title, kind=unknown[0], kinds=allowed)
            return None
        if len(kinds) > 1:
            problems.error(
                line,
                "several_kinds",
                title=title,
                count=len(kinds),
                kinds=all_of(f".{kind}" for kind in kinds),
            )
            return None
        return kinds[0]
    for kind, pattern in _KIND_RES:
        if pattern.search(title):
            return kind
    return "plenary"
