"""Parse a markdown playbook (DESIGN.md §3) into sessions and segments, reporting every problem.

The parser is pure: text in, frozen dataclasses and line-numbered problems out. It reads the
document line by line and hands each prompt, note and intro to `rendering`, so everything it
returns as HTML is sanitised.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markdown.extensions.attr_list import get_attrs_and_remainder

from playtest import config
from playtest.playbooks.rendering import (
    MAX_MARKDOWN_WORK,
    fenced_code_lines,
    markdown_work,
    plain_text,
    render_markdown,
)


@dataclass(frozen=True)
class Problem:
    """Something wrong with a playbook: `line` is 1-based, or None when no line applies."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Segment:
    """One timed block of a session's agenda."""

    title: str
    minutes: int
    kind: str
    prompt_html: str
    notes_html: str
    # Where the segment's heading sits in the source; 0 once stored and loaded again.
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Session:
    """One session's agenda; `duration` is the declared Duration, else the segments' sum."""

    number: int
    title: str | None
    segments: tuple[Segment, ...]
    duration: int

    @property
    def minutes(self) -> int:
        """Minutes the segments add up to."""
        return sum(segment.minutes for segment in self.segments)


@dataclass(frozen=True)
class Playbook:
    """A valid playbook; `duration` is the declared Duration or None."""

    title: str
    duration: int | None
    votes: int
    lanes: tuple[str, ...]
    roles: tuple[str, ...]
    questions: tuple[str, ...]
    anonymity: str
    language: str
    intro_html: str
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class ParseResult:
    """A playbook when there are no errors; warnings either way."""

    playbook: Playbook | None
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import."""
        return not self.errors


KEYS = ("title", "sessions", "duration", "lanes", "roles", "questions", "votes")
KEYS += ("anonymity", "language")
NOTES_TITLES = frozenset({"facilitator notes", "notes for facilitators", "notes pour l'animation"})

# Python-Markdown's own patterns (extensions/meta.py, blockprocessors.py), so that what the
# parser calls a header line or a heading is what Markdown renders.
# One leniency: a space may come before a key's colon ("Title : ..."), as French typography has.
_META_RE = re.compile(r"[ ]{0,3}(?P<key>[A-Za-z0-9_-]+)[ ]*:\s*(?P<value>.*)")
_META_MORE_RE = re.compile(r"[ ]{4,}(?P<value>.*)")
_FENCE_OPEN_RE = re.compile(r"---\s*")
_FENCE_CLOSE_RE = re.compile(r"(?:---|\.\.\.)\s*")
_HEADING_RE = re.compile(r"(?P<level>#{1,6})(?P<text>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*")
# Facilitator notes also count when indented, quoted or in a list item, where Markdown still
# renders them as headings: hiding too much is the safe mistake.
_NESTED_NOTES_RE = re.compile(
    r"(?:[ >*+-]|[0-9]+[.)])+(?P<level>#{3,6})(?P<text>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*"
)
_ATTR_LIST_RE = re.compile(r"[ ]+\{:?[ ]*([^}\n ][^\n]*)\}[ ]*$")
_MISPLACED_ATTR_LIST_RE = re.compile(r"\{:?[ ]*\.[^}\n]*\}\s*$")
_REFERENCE_RE = re.compile(r"[ ]{0,3}\[(?P<id>[^\]\n]+)\]:[ ]*\S+.*")
_BRACKETED_RE = re.compile(r"\[([^\]\n]+)\]")
_SESSION_RE = re.compile(r"session\s+(?P<number>[0-9]+)\s*(?::\s*(?P<title>.*))?", re.IGNORECASE)
_LAST_BRACKET_RE = re.compile(r"\((?P<inner>[^()]*)\)\s*$")
_INTEGER_RE = re.compile(r"[0-9]+")

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

# Longer digit strings are out of range anyway (and int() refuses very long ones).
_MAX_DIGITS = 9
_TOO_BIG = 10**_MAX_DIGITS


def _to_int(digits: str) -> int:
    return int(digits) if len(digits) <= _MAX_DIGITS else _TOO_BIG


def _word_list(items: Iterable[str], conjunction: str = "or") -> str:
    """ "a", "a or b", "a, b or c"."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


class _Problems:
    """Collects errors and warnings as the parser goes."""

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(Problem(line, message))

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(Problem(line, message))

    @staticmethod
    def _sorted(problems: list[Problem]) -> tuple[Problem, ...]:
        return tuple(sorted(problems, key=lambda p: (p.line is not None, p.line or 0)))

    def result(self, playbook: Playbook | None) -> ParseResult:
        errors = self._sorted(self.errors)
        return ParseResult(None if errors else playbook, errors, self._sorted(self.warnings))


# --- decoding ---------------------------------------------------------------------------------


def _decode(source: bytes | str, problems: _Problems) -> str | None:
    """The source as text with "\\n" line ends and no BOM, or None after an error."""
    if isinstance(source, str):
        try:
            size = len(source.encode("utf-8"))
        except UnicodeEncodeError:
            problems.error(
                None,
                "the text contains characters that are not valid Unicode — "
                "save the file as UTF-8 and upload it again",
            )
            return None
        text = source
    else:
        raw = bytes(source)
        size = len(raw)
        text = None
    if size > config.PLAYBOOK_MAX_BYTES:
        problems.error(
            None,
            f"the playbook is {-(-size // 1024)} KiB — the limit is "
            f"{config.PLAYBOOK_MAX_BYTES // 1024} KiB; shorten the notes or split it in two",
        )
        return None
    if text is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.error(
                None, "the file is not UTF-8 text — save it as UTF-8 and upload it again"
            )
            return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# --- header -----------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One header key with its values, each value with its 1-based line."""

    key: str
    name: str
    line: int
    values: list[tuple[int, str]]

    @property
    def filled(self) -> list[tuple[int, str]]:
        return [(line, value) for line, value in self.values if value]


def _read_header(lines: list[str], problems: _Problems) -> tuple[list[_Entry], int]:
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
        problems.error(
            start + 1,
            'the header starts with "---" but never ends — add a line "---" after its last key',
        )
        start += 1
    entries: list[_Entry] = []
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
    lines: list[str], start: int, end: int, problems: _Problems
) -> list[_Entry]:
    # Inside fences the header is plainly delimited, so blank lines are allowed and a line
    # that is not "Key: value" is a mistake to point out, not the start of the body.
    entries: list[_Entry] = []
    for index in range(start, end):
        line = lines[index].expandtabs(4)
        if not line.strip():
            continue
        if entry := _entry(line, index):
            entries.append(entry)
        elif (more := _META_MORE_RE.fullmatch(line)) and entries:
            entries[-1].values.append((index + 1, more["value"].strip()))
        else:
            problems.error(
                index + 1,
                f'"{line.strip()}" is not a header line — write "Key: value", and indent '
                "each extra value by 4 spaces",
            )
    return entries


def _entry(line: str, index: int) -> _Entry | None:
    match = _META_RE.fullmatch(line)
    if not match:
        return None
    name = match["key"]
    return _Entry(name.lower(), name, index + 1, [(index + 1, match["value"].strip())])


@dataclass
class _Settings:
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
    # key: (low, high, what the number counts, example)
    "sessions": (1, config.PLAYBOOK_MAX_SESSIONS, "whole number", "Sessions: 4"),
    "duration": (
        config.SEGMENT_MIN_MINUTES,
        config.SESSION_MAX_MINUTES,
        "whole number of minutes",
        "Duration: 90",
    ),
    "votes": (config.VOTES_MIN, config.VOTES_MAX, "whole number", "Votes: 5"),
}
_CHOICE_KEYS = {
    "anonymity": config.ANONYMITY_CHOICES,
    "language": config.LANGUAGES,
}
_LIST_KEYS = {
    # key: (what one value is, example)
    "lanes": ("lane", "Lanes: Highlights"),
    "roles": ("role", "Roles: Intake officer"),
    "questions": ("question", "Questions: I know who to ask when a case is unclear"),
}


def _read_settings(entries: list[_Entry], problems: _Problems) -> _Settings:
    settings = _Settings()
    seen: dict[str, _Entry] = {}
    for entry in entries:
        if entry.key not in KEYS:
            known = [key.capitalize() for key in KEYS]
            guess = difflib.get_close_matches(entry.name.capitalize(), known, n=1)
            hint = f'did you mean "{guess[0]}"?' if guess else f"the keys are {', '.join(known)}"
            problems.warn(entry.line, f'unknown header key "{entry.name}" is ignored — {hint}')
            continue
        if entry.key in seen:
            problems.error(
                entry.line,
                f'"{entry.name}" is given twice (first on line {seen[entry.key].line}) — keep one',
            )
            continue
        seen[entry.key] = entry
        _read_setting(entry, settings, problems)
    if "title" not in seen:
        problems.error(
            None,
            "the header has no Title — start the file with a line like "
            '"Title: Cross-functional intake playtest"',
        )
    return settings


def _read_setting(entry: _Entry, settings: _Settings, problems: _Problems) -> None:
    name = entry.key.capitalize()
    values = [value for _, value in entry.filled]
    if entry.key == "title":
        # A long title may wrap onto continuation lines.
        settings.title = " ".join(values) or None
        if not values:
            problems.error(
                entry.line,
                'Title is empty — write it like "Title: Cross-functional intake playtest"',
            )
        return
    if entry.key in _LIST_KEYS:
        _read_list(entry, settings, problems)
        return
    if len(values) != 1:
        example = (
            _INTEGER_KEYS[entry.key][3]
            if entry.key in _INTEGER_KEYS
            else f"{name}: {_CHOICE_KEYS[entry.key][0]}"
        )
        problem = "is empty" if not values else f"takes one value, not {len(values)}"
        problems.error(entry.line, f'{name} {problem} — write it like "{example}"')
        if entry.key in _INTEGER_KEYS:
            setattr(settings, entry.key, None)
        return
    value = values[0]
    if entry.key in _INTEGER_KEYS:
        low, high, unit, example = _INTEGER_KEYS[entry.key]
        number = _to_int(value) if _INTEGER_RE.fullmatch(value) else None
        if number is None or not low <= number <= high:
            problems.error(
                entry.line,
                f'{name} must be a {unit} from {low} to {high}, not "{value}" '
                f'— write it like "{example}"',
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
            f'{name} must be {_word_list(choices)}, not "{value}" '
            f'— write it like "{name}: {choices[0]}"',
        )
        return
    setattr(settings, entry.key, value.lower())


def _read_list(entry: _Entry, settings: _Settings, problems: _Problems) -> None:
    name = entry.key.capitalize()
    noun, example = _LIST_KEYS[entry.key]
    values = entry.filled
    if not values:
        problems.error(
            entry.line,
            f'{name} is empty — write one {noun} per line, like "{example}", or leave the key out',
        )
        return
    if entry.key == "lanes" and not config.LANES_MIN <= len(values) <= config.LANES_MAX:
        problems.error(
            entry.line,
            f"Lanes lists {len(values)} lanes — a board has {config.LANES_MIN} to "
            f"{config.LANES_MAX}; merge or drop some",
        )
    first_seen: dict[str, int] = {}
    for line, value in values:
        folded = value.casefold()
        if folded in first_seen:
            # Lanes and roles are picked by name, so two with the same name are ambiguous.
            problems.error(
                line,
                f'{noun} "{value}" is listed twice (first on line {first_seen[folded]}) — keep one',
            )
        else:
            first_seen[folded] = line
    setattr(settings, entry.key, tuple(value for _, value in values))


# --- body -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    index: int  # into the document's lines
    level: int
    text: str  # markdown, as written
    notes: bool  # a facilitator-notes heading


def _is_notes_title(text: str) -> bool:
    if "not" not in text.casefold():  # skip rendering the many headings that can't match
        return False
    normal = " ".join(plain_text(text).replace("\u2019", "'").casefold().split())
    return normal.rstrip(": ") in NOTES_TITLES


def _scan(lines: list[str], start: int) -> tuple[dict[int, _Heading], set[int]]:
    """Headings by line index from `start` on, and the indexes of lines inside code.

    A heading is a hash heading at column 0 (Python-Markdown's rule) or a facilitator-notes
    heading anywhere outside code.
    """
    code = {start + index for index in fenced_code_lines(lines[start:])}
    found: dict[int, _Heading] = {}
    for index in range(start, len(lines)):
        if index in code:
            continue
        line = lines[index].expandtabs(4)
        if match := _HEADING_RE.fullmatch(line):
            level, text = len(match["level"]), match["text"].strip()
            found[index] = _Heading(index, level, text, level >= 3 and _is_notes_title(text))
        elif (match := _NESTED_NOTES_RE.fullmatch(line)) and _is_notes_title(match["text"]):
            found[index] = _Heading(index, len(match["level"]), match["text"].strip(), True)
    return found, code


@dataclass
class _Draft:
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


def _parse_minutes(inner: str) -> int | None:
    for pattern in _DURATION_RES:
        if match := pattern.fullmatch(inner.strip()):
            parts = match.groupdict()
            hours = _to_int(parts["h"]) if parts.get("h") else 0
            minutes = _to_int(parts["m"]) if parts.get("m") else 0
            return hours * 60 + minutes
    return None


def _segment_heading(text: str, line: int, problems: _Problems) -> _Draft:
    """Title, minutes and kind from an H2's text, with problems reported on `line`."""
    classes: list[str] = []
    if match := _ATTR_LIST_RE.search(text):
        attrs, remainder = get_attrs_and_remainder(match[1])
        if not remainder:  # Python-Markdown leaves "{...} x }" as text, and so do we
            classes = [value for key, value in attrs if key == "." and value]
            text = text[: match.start()].rstrip()
    bracket = _LAST_BRACKET_RE.search(text)
    minutes = _parse_minutes(bracket["inner"]) if bracket else None
    title_markdown = text if bracket is None or minutes is None else text[: bracket.start()]
    title = plain_text(title_markdown)
    draft = _Draft(line, title or None, minutes, None)
    if bracket is None or minutes is None:
        if _is_notes_title(text):
            problems.error(
                line,
                f'"{title}" is a level-2 heading, so it reads as a segment — '
                f'write it as "### {title}" inside the segment',
            )
        elif title:
            problems.error(line, f'segment "{title}" has no duration — write it like "(45 min)"')
        else:
            problems.error(
                line, 'this segment heading is empty — write it like "## Case work (45 min)"'
            )
    else:
        written = bracket["inner"].strip()
        if not title:
            problems.error(
                line,
                "this segment has no title before its duration — write it like "
                '"## Case work (45 min)"',
            )
        elif _MISPLACED_ATTR_LIST_RE.search(title_markdown):
            problems.error(
                line,
                f'segment "{title}" has its kind before the duration — put it last, like '
                '"## Case work (45 min) {: .work }"',
            )
            draft.title = None
        if not config.SEGMENT_MIN_MINUTES <= minutes <= config.SEGMENT_MAX_MINUTES:
            problems.error(
                line,
                f'segment "{title or written}" lasts "{written}" — a segment takes '
                f"{config.SEGMENT_MIN_MINUTES} to {config.SEGMENT_MAX_MINUTES} minutes",
            )
            draft.minutes = None
    draft.kind = _segment_kind(title, classes, line, problems)
    return draft


def _segment_kind(title: str, classes: list[str], line: int, problems: _Problems) -> str | None:
    if classes:
        unknown = [name for name in classes if name not in config.SEGMENT_KINDS]
        kinds = list(dict.fromkeys(name for name in classes if name in config.SEGMENT_KINDS))
        allowed = ", ".join(f".{kind}" for kind in config.SEGMENT_KINDS)
        if unknown:
            problems.error(
                line, f'segment "{title}" has an unknown kind ".{unknown[0]}" — use {allowed}'
            )
            return None
        if len(kinds) > 1:
            problems.error(
                line,
                f'segment "{title}" has {len(kinds)} kinds '
                f"({_word_list(('.' + kind for kind in kinds), 'and')}) — keep one",
            )
            return None
        return kinds[0]
    for kind, pattern in _KIND_RES:
        if pattern.search(title):
            return kind
    return "plenary"


@dataclass
class _Agenda:
    """The segments under one "# Session N" heading, or the shared ones (number 0)."""

    number: int
    line: int | None  # of the "# Session N" heading
    title: str | None = None
    drafts: list[_Draft] = field(default_factory=list)
    preamble: list[tuple[int, str]] = field(default_factory=list)


class _Body:
    """Walks the body once, splitting it into the intro and the agendas' segments."""

    def __init__(self, lines: list[str], start: int, settings: _Settings, problems: _Problems):
        self.lines = lines
        self.settings = settings
        self.problems = problems
        self.intro: list[str] = []
        self.shared = _Agenda(0, None)
        self.agendas: dict[int, _Agenda] = {}
        self.segment_count = 0
        headings, code = _scan(lines, start)
        # Reference-style links may be defined anywhere; each chunk gets the ones it uses.
        self.references: dict[str, str] = {}
        for index in range(start, len(lines)):
            if index not in code and (match := _REFERENCE_RE.fullmatch(lines[index])):
                self.references.setdefault(match["id"].strip().casefold(), lines[index])
        self._walk(start, headings)

    def _walk(self, start: int, headings: dict[int, _Heading]) -> None:
        agenda: _Agenda | None = self.shared
        draft: _Draft | None = None
        notes_level: int | None = None  # inside a facilitator-notes section of this level
        for index in range(start, len(self.lines)):
            line = self.lines[index]
            heading = headings.get(index)
            if heading and heading.level <= 2:
                notes_level = None
                if heading.level == 1:
                    agenda, draft = self._session(heading), None
                    if not self.segment_count:
                        self.intro.append("")  # keeps paragraphs either side apart
                    continue
                draft = _segment_heading(heading.text, index + 1, self.problems)
                self.segment_count += 1
                if agenda is not None:
                    agenda.drafts.append(draft)
                continue
            if heading and notes_level is not None and heading.level <= notes_level:
                notes_level = None
            if heading and heading.notes and notes_level is None:
                notes_level = heading.level
                if draft is None:
                    self.problems.error(
                        index + 1,
                        "facilitator notes must sit inside a segment, or everyone would see "
                        'them — move them below a segment heading like "## Welcome (10 min)"',
                    )
                continue
            if notes_level is not None:
                if draft is not None:
                    draft.notes.append(line)
            elif draft is not None:
                draft.prompt.append(line)
            elif not self.segment_count:
                self.intro.append(line)
            elif agenda is not None:
                agenda.preamble.append((index + 1, line))

    def _session(self, heading: _Heading) -> _Agenda | None:
        """The agenda a "# Session N" heading starts, or None after reporting why not."""
        line = heading.index + 1
        text = plain_text(heading.text)
        match = _SESSION_RE.fullmatch(text)
        if not match:
            self.problems.error(
                line,
                f'"# {text}" is not a session heading — a level-1 heading must read like '
                '"# Session 2: Going further"; use "##" for segments',
            )
            return None
        number = _to_int(match["number"])
        count = self.settings.sessions
        most = config.PLAYBOOK_MAX_SESSIONS
        if not 1 <= number <= (count or most):
            if count is None:  # the Sessions line has its own error
                has = f"a playbook has 1 to {most} sessions"
            else:
                has = f"this playbook has {count} session{'s' if count > 1 else ''}"
            fix = "renumber it"
            if count is not None and 1 <= number <= most:
                fix = f'set "Sessions: {number}" in the header, or renumber it'
            self.problems.error(
                line, f'"# Session {match["number"]}" is out of range — {has}; {fix}'
            )
            return None
        if number in self.agendas:
            self.problems.error(
                line,
                f'"# Session {number}" appears twice (first on line '
                f"{self.agendas[number].line}) — give each session one agenda",
            )
            return None
        agenda = _Agenda(number, line, (match["title"] or "").strip() or None)
        self.agendas[number] = agenda
        return agenda

    def render(self, chunk: list[str]) -> str:
        text = "\n".join(chunk)
        if not text.strip():
            return ""
        used = {label.strip().casefold() for label in _BRACKETED_RE.findall(text)}
        definitions = [self.references[label] for label in used if label in self.references]
        return render_markdown("\n".join([text, "", *sorted(definitions)]))


def _check_agendas(body: _Body, settings: _Settings, problems: _Problems) -> None:
    """Errors and warnings about the agendas as a whole."""
    if not body.segment_count:
        problems.error(None, 'the playbook has no segment — add one like "## Welcome (10 min)"')
        return
    limit = config.PLAYBOOK_MAX_SEGMENTS_PER_SESSION
    for agenda in [body.shared, *body.agendas.values()]:
        if len(agenda.drafts) > limit:
            problems.error(
                agenda.drafts[limit].line,
                f"{_agenda_name(agenda, capital=True)} has {len(agenda.drafts)} segments — "
                f"a session holds at most {limit}; merge some or split the session",
            )
        if agenda.number and not agenda.drafts:
            problems.error(
                agenda.line,
                f'session {agenda.number} has no segment — add one like "## Case work '
                f'(45 min)" under "# Session {agenda.number}"',
            )
        if text := next(((n, t) for n, t in agenda.preamble if t.strip()), None):
            problems.warn(
                text[0],
                f'the text under "# Session {agenda.number}" before its first segment is '
                "shown to no one — move it into a segment, or into the intro",
            )
    if settings.sessions is None:
        return
    numbers = range(1, settings.sessions + 1)
    using_shared = [number for number in numbers if number not in body.agendas]
    if using_shared and not body.shared.drafts:
        for number in using_shared:
            problems.error(
                settings.sessions_line,
                f'session {number} has no segment — add "# Session {number}" with its '
                'segments, or put shared segments before the first "# Session" heading',
            )
    if body.shared.drafts and not using_shared:
        problems.warn(
            body.shared.drafts[0].line,
            'the segments before the first "# Session" heading are not used, since every '
            'session has its own agenda — remove them or a "# Session" heading',
        )
    for agenda in [body.shared, *body.agendas.values()]:
        if not agenda.drafts or (agenda.number == 0 and not using_shared):
            continue
        _check_agenda_shape(agenda, settings, problems, using_shared)


def _agenda_name(agenda: _Agenda, capital: bool = False) -> str:
    name = f"session {agenda.number}" if agenda.number else "the shared agenda"
    return name[0].upper() + name[1:] if capital else name


def _check_agenda_shape(
    agenda: _Agenda, settings: _Settings, problems: _Problems, using_shared: list[int]
) -> None:
    """Warn when an agenda's minutes miss the Duration or it has no time to reflect."""
    if not all(draft.valid for draft in agenda.drafts):
        return
    if agenda.number:
        name, line = f"session {agenda.number}", agenda.line
    elif len(using_shared) < (settings.sessions or 1):
        plural = "s" if len(using_shared) > 1 else ""
        numbers = _word_list((str(number) for number in using_shared), "and")
        name, line = f"the shared agenda (session{plural} {numbers})", None
    else:
        name, line = "the agenda", None
    total = sum(draft.minutes or 0 for draft in agenda.drafts)
    if settings.duration is not None and total != settings.duration:
        whose = "the segments" if name == "the agenda" else f"the segments of {name}"
        problems.warn(
            line if line is not None else settings.duration_line,
            f"{whose} add up to {total} min, but Duration is {settings.duration} "
            "— adjust a segment or the Duration",
        )
    if not any(draft.kind == "reflect" for draft in agenda.drafts):
        problems.warn(
            line if line is not None else agenda.drafts[0].line,
            f'{name} has no reflect segment — add one like "## Reflect (15 min) '
            '{: .reflect }" so people post highlights, blockers and opportunities',
        )


def _build(body: _Body, settings: _Settings) -> Playbook:
    def segments(agenda: _Agenda) -> tuple[Segment, ...]:
        return tuple(
            Segment(
                title=draft.title or "",
                minutes=draft.minutes or 0,
                kind=draft.kind or "plenary",
                prompt_html=body.render(draft.prompt),
                notes_html=body.render(draft.notes),
                line=draft.line,
            )
            for draft in agenda.drafts
        )

    shared = segments(body.shared)
    sessions = []
    for number in range(1, (settings.sessions or 1) + 1):
        agenda = body.agendas.get(number)
        own = segments(agenda) if agenda else shared
        minutes = sum(segment.minutes for segment in own)
        sessions.append(
            Session(
                number=number,
                title=agenda.title if agenda else None,
                segments=own,
                duration=settings.duration if settings.duration is not None else minutes,
            )
        )
    return Playbook(
        title=settings.title or "",
        duration=settings.duration,
        votes=settings.votes if settings.votes is not None else config.DEFAULT_VOTES,
        lanes=settings.lanes,
        roles=settings.roles,
        questions=settings.questions,
        anonymity=settings.anonymity,
        language=settings.language,
        intro_html=body.render(body.intro),
        sessions=tuple(sessions),
    )


def parse_playbook(source: bytes | str) -> ParseResult:
    """Parse a playbook; never raises, and reports every problem with its line."""
    problems = _Problems()
    text = _decode(source, problems)
    if text is None:
        return problems.result(None)
    lines = text.split("\n")
    entries, body_start = _read_header(lines, problems)
    settings = _read_settings(entries, problems)
    work, costliest = markdown_work(lines[body_start:])
    if work > MAX_MARKDOWN_WORK:
        # Rendering this would tie a server up for minutes; no real playbook comes close.
        where = "" if costliest is None else ", most of it in the paragraph starting here"
        problems.error(
            None if costliest is None else body_start + costliest + 1,
            f"the playbook has too much markup to show quickly{where} — split long "
            'paragraphs, and look for stray "[", "(", "*" or "#" characters',
        )
        return problems.result(None)
    body = _Body(lines, body_start, settings, problems)
    _check_agendas(body, settings, problems)
    if problems.errors:
        return problems.result(None)
    return problems.result(_build(body, settings))


def participant_markdown(source: bytes | str) -> str:
    """The same document with every facilitator-notes section removed."""
    if isinstance(source, str):
        text = source.encode("utf-8", "replace").decode("utf-8")
    else:
        text = bytes(source).decode("utf-8", "replace")
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    _, body_start = _read_header(lines, _Problems())
    headings, _ = _scan(lines, body_start)
    kept = lines[:body_start]
    notes_level: int | None = None
    removed = False  # just left out a section, so don't leave a double gap behind
    for index in range(body_start, len(lines)):
        heading = headings.get(index)
        if heading and notes_level is not None and heading.level <= notes_level:
            notes_level = None
        if heading and heading.notes and notes_level is None:
            notes_level, removed = heading.level, True
            continue
        if notes_level is not None:
            continue
        blank = not lines[index].strip()
        if removed and blank and kept and not kept[-1].strip():
            continue
        removed = False
        kept.append(lines[index])
    return "\n".join(kept)


# --- storage ----------------------------------------------------------------------------------


def playbook_to_dict(pb: Playbook) -> dict[str, Any]:
    """A JSON-able dict of the playbook; `duration` falls back to session 1's."""
    return {
        "title": pb.title,
        "duration": pb.duration if pb.duration is not None else pb.sessions[0].duration,
        "declared_duration": pb.duration,
        "votes": pb.votes,
        "lanes": list(pb.lanes),
        "roles": list(pb.roles),
        "questions": list(pb.questions),
        "anonymity": pb.anonymity,
        "language": pb.language,
        "intro_html": pb.intro_html,
        "sessions": [
            {
                "number": session.number,
                "title": session.title,
                "duration": session.duration,
                "minutes": session.minutes,
                "segments": [
                    {
                        "title": segment.title,
                        "minutes": segment.minutes,
                        "kind": segment.kind,
                        "prompt_html": segment.prompt_html,
                        "notes_html": segment.notes_html,
                    }
                    for segment in session.segments
                ],
            }
            for session in pb.sessions
        ],
    }


def playbook_from_dict(d: dict[str, Any]) -> Playbook:
    """The playbook `playbook_to_dict` described (segment lines become 0)."""
    sessions = tuple(
        Session(
            number=int(session["number"]),
            title=session.get("title"),
            segments=tuple(
                Segment(
                    title=segment["title"],
                    minutes=int(segment["minutes"]),
                    kind=segment["kind"],
                    prompt_html=segment.get("prompt_html", ""),
                    notes_html=segment.get("notes_html", ""),
                )
                for segment in session["segments"]
            ),
            duration=int(session["duration"]),
        )
        for session in d["sessions"]
    )
    if "declared_duration" in d:
        declared = d["declared_duration"]
    else:
        # Older dicts: a Duration was declared if every session lasts that long.
        same = all(session.duration == d["duration"] for session in sessions)
        declared = d["duration"] if same else None
    return Playbook(
        title=d["title"],
        duration=declared,
        votes=int(d["votes"]),
        lanes=tuple(d["lanes"]),
        roles=tuple(d.get("roles", ())),
        questions=tuple(d["questions"]),
        anonymity=d.get("anonymity", config.DEFAULT_ANONYMITY),
        language=d.get("language", config.LANGUAGES[0]),
        intro_html=d.get("intro_html", ""),
        sessions=sessions,
    )
