"""The playbook body: the intro, then segments (H2) in a shared agenda or under "# Session N".

Reads the document line by line and hands each prompt, note and intro to `rendering`, so
everything it returns as HTML is sanitised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playtest import config
from playtest.playbooks.parser.document import PlaybookDocument, SegmentPlan, SessionAgenda
from playtest.playbooks.parser.header import Settings, to_int
from playtest.playbooks.parser.headings import Draft, is_notes_title, segment_heading
from playtest.playbooks.parser.problems import Problems, all_of
from playtest.playbooks.rendering import fenced_code_lines, plain_text, render_markdown

# Python-Markdown's own pattern (blockprocessors.py), so that what the parser calls a
# heading is what Markdown renders.
_HEADING_RE = re.compile(r"(?P<level>#{1,6})(?P<text>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*")
# Facilitator notes also count when indented, quoted or in a list item, where Markdown still
# renders them as headings: hiding too much is the safe mistake.
_NESTED_NOTES_RE = re.compile(
    r"(?:[ >*+-]|[0-9]+[.)])+(?P<level>#{3,6})(?P<text>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*"
)
_REFERENCE_RE = re.compile(r"[ ]{0,3}\[(?P<id>[^\]\n]+)\]:[ ]*\S+.*")
_BRACKETED_RE = re.compile(r"\[([^\]\n]+)\]")
_SESSION_RE = re.compile(r"session\s+(?P<number>[0-9]+)\s*(?::\s*(?P<title>.*))?", re.IGNORECASE)


@dataclass(frozen=True)
class Heading:
    index: int  # into the document's lines
    level: int
    text: str  # markdown, as written
    notes: bool  # a facilitator-notes heading


def scan(lines: list[str], start: int) -> tuple[dict[int, Heading], set[int]]:
    """Headings by line index from `start` on, and the indexes of lines inside code.

    A heading is a hash heading at column 0 (Python-Markdown's rule) or a facilitator-notes
    heading anywhere outside code.
    """
    code = {start + index for index in fenced_code_lines(lines[start:])}
    found: dict[int, Heading] = {}
    for index in range(start, len(lines)):
        if index in code:
            continue
        line = lines[index].expandtabs(4)
        if match := _HEADING_RE.fullmatch(line):
            level, text = len(match["level"]), match["text"].strip()
            found[index] = Heading(index, level, text, level >= 3 and is_notes_title(text))
        elif (match := _NESTED_NOTES_RE.fullmatch(line)) and is_notes_title(match["text"]):
            found[index] = Heading(index, len(match["level"]), match["text"].strip(), True)
    return found, code


@dataclass
class _Agenda:
    """The segments under one "# Session N" heading, or the shared ones (number 0)."""

    number: int
    line: int | None  # of the "# Session N" heading
    title: str | None = None
    drafts: list[Draft] = field(default_factory=list)
    preamble: list[tuple[int, str]] = field(default_factory=list)


class Body:
    """Walks the body once, splitting it into the intro and the agendas' segments."""

    def __init__(self, lines: list[str], start: int, settings: Settings, problems: Problems):
        self.lines = lines
        self.settings = settings
        self.problems = problems
        self.intro: list[str] = []
        self.shared = _Agenda(0, None)
        self.agendas: dict[int, _Agenda] = {}
        self.segment_count = 0
        headings, code = scan(lines, start)
        # Reference-style links may be defined anywhere; each chunk gets the ones it uses.
        self.references: dict[str, str] = {}
        for index in range(start, len(lines)):
            if index not in code and (match := _REFERENCE_RE.fullmatch(lines[index])):
                self.references.setdefault(match["id"].strip().casefold(), lines[index])
        self._walk(start, headings)

    def _walk(self, start: int, headings: dict[int, Heading]) -> None:
        agenda: _Agenda | None = self.shared
        draft: Draft | None = None
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
                draft = segment_heading(heading.text, index + 1, self.problems)
                self.segment_count += 1
                if agenda is not None:
                    agenda.drafts.append(draft)
                continue
            if heading and notes_level is not None and heading.level <= notes_level:
                notes_level = None
            if heading and heading.notes and notes_level is None:
                notes_level = heading.level
                if draft is None:
                    self.problems.error(index + 1, "notes_outside_segment")
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

    def _session(self, heading: Heading) -> _Agenda | None:
        """The agenda a "# Session N" heading starts, or None after reporting why not."""
        line = heading.index + 1
        text = plain_text(heading.text)
        match = _SESSION_RE.fullmatch(text)
        if not match:
            self.problems.error(line, "not_a_session_heading", text=text)
            return None
        number = to_int(match["number"])
        count = self.settings.sessions
        most = config.PLAYBOOK_MAX_SESSIONS
        if not 1 <= number <= (count or most):
            written = match["number"]
            if count is None:  # the Sessions line has its own error
                self.problems.error(line, "session_beyond_limit", written=written, most=most)
            elif 1 <= number <= most:
                self.problems.error(
                    line, "session_over_count", written=written, count=count, number=number
                )
            else:
                self.problems.error(line, "session_out_of_range", written=written, count=count)
            return None
        if number in self.agendas:
            self.problems.error(
                line, "session_twice", number=number, first=self.agendas[number].line
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


def check_agendas(body: Body, settings: Settings, problems: Problems) -> None:
    """Errors and warnings about the agendas as a whole."""
    if not body.segment_count:
        problems.error(None, "no_segment")
        return
    limit = config.PLAYBOOK_MAX_SEGMENTS_PER_SESSION
    for agenda in [body.shared, *body.agendas.values()]:
        if len(agenda.drafts) > limit:
            line, count = agenda.drafts[limit].line, len(agenda.drafts)
            if agenda.number:
                problems.error(
                    line,
                    "session_too_many_segments",
                    number=agenda.number,
                    count=count,
                    limit=limit,
                )
            else:
                problems.error(line, "shared_too_many_segments", count=count, limit=limit)
        if agenda.number and not agenda.drafts:
            problems.error(agenda.line, "session_no_segment", number=agenda.number)
        if text := next(((n, t) for n, t in agenda.preamble if t.strip()), None):
            problems.warn(text[0], "text_before_first_segment", number=agenda.number)
    if settings.sessions is None:
        return
    numbers = range(1, settings.sessions + 1)
    using_shared = [number for number in numbers if number not in body.agendas]
    if using_shared and not body.shared.drafts:
        for number in using_shared:
            problems.error(settings.sessions_line, "session_without_agenda", number=number)
    if body.shared.drafts and not using_shared:
        problems.warn(body.shared.drafts[0].line, "shared_agenda_unused")
    for agenda in [body.shared, *body.agendas.values()]:
        if not agenda.drafts or (agenda.number == 0 and not using_shared):
            continue
        _check_agenda_shape(agenda, settings, problems, using_shared)


def _check_agenda_shape(
    agenda: _Agenda, settings: Settings, problems: Problems, using_shared: list[int]
) -> None:
    """Warn when an agenda's minutes miss the Duration or it has no time to reflect."""
    if not all(draft.valid for draft in agenda.drafts):
        return
    # Whose agenda the warnings name: one session's, the shared one (when some sessions have
    # their own), or simply "the agenda"; they sit on its heading, else on the header line.
    if agenda.number:
        differ, no_reflect = "session_minutes_differ", "session_no_reflect"
        line, names = agenda.line, {"number": agenda.number}
    elif len(using_shared) < (settings.sessions or 1):
        differ, no_reflect = "shared_minutes_differ", "shared_no_reflect"
        sessions = all_of(str(number) for number in using_shared)
        line, names = None, {"sessions": sessions, "count": len(using_shared)}
    else:
        differ, no_reflect = "minutes_differ", "no_reflect"
        line, names = None, {}
    total = sum(draft.minutes or 0 for draft in agenda.drafts)
    if settings.duration is not None and total != settings.duration:
        problems.warn(
            line if line is not None else settings.duration_line,
            differ,
            **names,
            total=total,
            duration=settings.duration,
        )
    if not any(draft.kind == "reflect" for draft in agenda.drafts):
        problems.warn(line if line is not None else agenda.drafts[0].line, no_reflect, **names)


def build(body: Body, settings: Settings) -> PlaybookDocument:
    """The document of a body and header that had no errors."""

    def segments(agenda: _Agenda) -> tuple[SegmentPlan, ...]:
        return tuple(
            SegmentPlan(
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
            SessionAgenda(
                number=number,
                title=agenda.title if agenda else None,
                segments=own,
                duration=settings.duration if settings.duration is not None else minutes,
            )
        )
    return PlaybookDocument(
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
