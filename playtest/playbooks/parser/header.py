"""The playbook header (DESIGN.md §3): Python-Markdown's meta syntax, optionally in "---" fences."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from playtest import config
from playtest.playbooks.parser.problems import Problems, any_of

KEYS = ("title", "sessions", "duration", "lanes", "roles", "questions", "votes")
KEYS += ("anonymity", "language")

# Python-Markdown's own patterns (extensions/meta.py), so that what the parser calls a header
# line is what Markdown would. One leniency: spaces may come before a key's colon
# ("Title : ..."), as French typography has, no-break ones included, since French editors
# type those and the French messages show examples that way.
_META_RE = re.compile(r"[ ]{0,3}(?P<key>[A-Za-z0-9_-]+)[ \u00a0\u202f]*:\s*(?P<value>.*)")
_META_MORE_RE = re.compile(r"[ ]{4,}(?P<value>.*)")
_FENCE_OPEN_RE = re.compile(r"---\s*")
_FENCE_CLOSE_RE = re.compile(r"(?:---|\.\.\.)\s*")
_INTEGER_RE = re.compile(r"[0-9]+")

# Longer digit strings are out of range anyway (and int() refuses very long ones).
_MAX_DIGITS = 9
_TOO_BIG = 10**_MAX_DIGITS


def to_int(digits: str) -> int:
    """A string of digits as a number; absurdly long ones as one too big for any limit."""
    return int(digits) if len(digits) <= _MAX_DIGITS else _TOO_BIG


@dataclass
class HeaderEntry:
    """One header key with its values, each value with its 1-based line."""

    key: str
    name: str
    line: int
    values: list[tuple[int, str]]

    @property
    def filled(self) -> list[tuple[int, str]]:
        return [(line, value) for line, value in self.values if value]


def read_header(lines: list[str], problems: Problems) -> tuple[list[HeaderEntry], int]:
    """Header entries and the index of the first body line."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines):
        return [], start
    if _FENCE_OPEN_RE.fullmatch(lines[start]):
        close = next(
            (i for i in range(start + 1, len(lines)) if _FENCE_CLOSE_RE.fullmatch(lines[i])),
            None,
        )
        if close is not None:
            return _read_fenced_header(lines, start + 1, close, problems), close + 1
        problems.error(start + 1, "header_not_closed")
        start += 1
    entries: list[HeaderEntry] = []
    for index in range(start, len(lines)):
        line = lines[index].expandtabs(4)
        if not line.strip() or (entries and _FENCE_CLOSE_RE.fullmatch(line)):
            return entries, index + 1
        if entry := _entry(line, index):
            entries.append(entry)
        elif (more := _META_MORE_RE.fullmatch(line)) and entries:
            entries[-1].values.append((index + 1, more["value"].strip()))
        else:
            return entries, index
    return entries, len(lines)


def _read_fenced_header(
    lines: list[str], start: int, end: int, problems: Problems
) -> list[HeaderEntry]:
    # Inside fences the header is plainly delimited, so blank lines are allowed and a line
    # that is not "Key: value" is a mistake to point out, not the start of the body.
    entries: list[HeaderEntry] = []
    for index in range(start, end):
        line = lines[index].expandtabs(4)
        if not line.strip():
            continue
        if entry := _entry(line, index):
            entries.append(entry)
        elif (more := _META_MORE_RE.fullmatch(line)) and entries:
            entries[-1].values.append((index + 1, more["value"].strip()))
        else:
            problems.error(index + 1, "not_a_header_line", text=line.strip())
    return entries


def _entry(line: str, index: int) -> HeaderEntry | None:
    match = _META_RE.fullmatch(line)
    if not match:
        return None
    name = match["key"]
    return HeaderEntry(name.lower(), name, index + 1, [(index + 1, match["value"].strip())])


@dataclass
class Settings:
    """Header values after validation; None where the header had an error."""

    title: str | None = None
    sessions: int | None = 1
    sessions_line: int | None = None
    duration: int | None = None
    duration_line: int | None = None
    votes: int | None = config.DEFAULT_VOTES
    lanes: tuple[str, ...] = config.DEFAULT_LANES
    roles: tuple[str, ...] = ()
    questions: tuple[str, ...] = config.DEFAULT_QUESTIONS
    anonymity: str = config.DEFAULT_ANONYMITY
    language: str = config.LANGUAGES[0]


_INTEGER_KEYS = {
    # key: (low, high, the problem when out of range, an example value)
    "sessions": (1, config.PLAYBOOK_MAX_SESSIONS, "not_a_number", "4"),
    "duration": (
        config.SEGMENT_MIN_MINUTES,
        config.SESSION_MAX_MINUTES,
        "not_minutes",
        "90",
    ),
    "votes": (config.VOTES_MIN, config.VOTES_MAX, "not_a_number", "5"),
}
_CHOICE_KEYS = {
    "anonymity": config.ANONYMITY_CHOICES,
    "language": config.LANGUAGES,
}
_LIST_KEYS = {
    # key: (the problem when empty, the problem when a value repeats)
    "lanes": ("lanes_empty", "lane_twice"),
    "roles": ("roles_empty", "role_twice"),
    "questions": ("questions_empty", "question_twice"),
}


def read_settings(entries: list[HeaderEntry], problems: Problems) -> Settings:
    """Validate each header entry; report repeated, unknown and missing keys."""
    settings = Settings()
    seen: dict[str, HeaderEntry] = {}
    for entry in entries:
        if entry.key not in KEYS:
            known = [key.capitalize() for key in KEYS]
            guess = difflib.get_close_matches(entry.name.capitalize(), known, n=1)
            if guess:
                problems.warn(entry.line, "unknown_key_guess", key=entry.name, guess=guess[0])
            else:
                problems.warn(entry.line, "unknown_key", key=entry.name, keys=", ".join(known))
            continue
        if entry.key in seen:
            problems.error(entry.line, "key_twice", key=entry.name, first=seen[entry.key].line)
            continue
        seen[entry.key] = entry
        _read_setting(entry, settings, problems)
    if "title" not in seen:
        problems.error(None, "no_title")
    return settings


def _read_setting(entry: HeaderEntry, settings: Settings, problems: Problems) -> None:
    name = entry.key.capitalize()
    values = [value for _, value in entry.filled]
    if entry.key == "title":
        # A long title may wrap onto continuation lines.
        settings.title = " ".join(values) or None
        if not values:
            problems.error(entry.line, "title_empty")
        return
    if entry.key in _LIST_KEYS:
        _read_list(entry, settings, problems)
        return
    if len(values) != 1:
        example = (
            _INTEGER_KEYS[entry.key][3]
            if entry.key in _INTEGER_KEYS
            else _CHOICE_KEYS[entry.key][0]
        )
        if values:
            problems.error(entry.line, "one_value", key=name, count=len(values), example=example)
        else:
            problems.error(entry.line, "value_empty", key=name, example=example)
        if entry.key in _INTEGER_KEYS:
            setattr(settings, entry.key, None)
        return
    value = values[0]
    if entry.key in _INTEGER_KEYS:
        low, high, code, example = _INTEGER_KEYS[entry.key]
        number = to_int(value) if _INTEGER_RE.fullmatch(value) else None
        if number is None or not low <= number <= high:
            problems.error(
                entry.line, code, key=name, low=low, high=high, value=value, example=example
            )
            setattr(settings, entry.key, None)
            return
        setattr(settings, entry.key, number)
        if entry.key in ("sessions", "duration"):
            setattr(settings, f"{entry.key}_line", entry.line)
        return
    choices = _CHOICE_KEYS[entry.key]
    if value.lower() not in choices:
        problems.error(
            entry.line,
            "not_a_choice",
            key=name,
            choices=any_of(choices),
            value=value,
            example=choices[0],
        )
        return
    setattr(settings, entry.key, value.lower())


def _read_list(entry: HeaderEntry, settings: Settings, problems: Problems) -> None:
    empty, twice = _LIST_KEYS[entry.key]
    values = entry.filled
    if not values:
        problems.error(entry.line, empty)
        return
    if entry.key == "lanes" and not config.LANES_MIN <= len(values) <= config.LANES_MAX:
        problems.error(
            entry.line,
            "lane_count",
            count=len(values),
            low=config.LANES_MIN,
            high=config.LANES_MAX,
        )
    first_seen: dict[str, int] = {}
    for line, value in values:
        folded = value.casefold()
        if folded in first_seen:
            # Lanes and roles are picked by name, so two with the same name are ambiguous.
            problems.error(line, twice, value=value, first=first_seen[folded])
        else:
            first_seen[folded] = line
    setattr(settings, entry.key, tuple(value for _, value in values))
