"""Parse a markdown playbook (DESIGN.md §3) into sessions and segments, reporting every problem.

The parser is pure: text in, frozen dataclasses (`document`) and coded, line-numbered
problems (`problems`) out. `header` reads the header, `headings` a segment heading, `body` the
agendas; `serialise` turns a document into the JSON the database stores.
"""

from __future__ import annotations

from playtest import config
from playtest.playbooks.parser.body import Body, build, check_agendas, scan
from playtest.playbooks.parser.document import ParseResult, PlaybookDocument
from playtest.playbooks.parser.header import read_header, read_settings
from playtest.playbooks.parser.problems import Problems
from playtest.playbooks.rendering import MAX_MARKDOWN_WORK, markdown_work


def _decode(source: bytes | str, problems: Problems) -> str | None:
    """The source as text with "\\n" line ends and no BOM, or None after an error."""
    if isinstance(source, str):
        try:
            size = len(source.encode("utf-8"))
        except UnicodeEncodeError:
            problems.error(None, "not_unicode")
            return None
        text = source
    else:
        raw = bytes(source)
        size = len(raw)
        text = None
    if size > config.PLAYBOOK_MAX_BYTES:
        problems.error(
            None, "too_large", size=-(-size // 1024), limit=config.PLAYBOOK_MAX_BYTES // 1024
        )
        return None
    if text is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.error(None, "not_utf8")
            return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _result(problems: Problems, playbook: PlaybookDocument | None = None) -> ParseResult:
    return ParseResult(
        playbook, Problems.in_order(problems.errors), Problems.in_order(problems.warnings)
    )


def parse_playbook(source: bytes | str) -> ParseResult:
    """Parse a playbook; never raises, and reports every problem with its line."""
    problems = Problems()
    text = _decode(source, problems)
    if text is None:
        return _result(problems)
    lines = text.split("\n")
    entries, body_start = read_header(lines, problems)
    settings = read_settings(entries, problems)
    work, costliest = markdown_work(lines[body_start:])
    if work > MAX_MARKDOWN_WORK:
        # Rendering this would tie a server up for minutes; no real playbook comes close.
        if costliest is None:
            problems.error(None, "too_much_markup")
        else:
            problems.error(body_start + costliest + 1, "too_much_markup_here")
        return _result(problems)
    body = Body(lines, body_start, settings, problems)
    check_agendas(body, settings, problems)
    return _result(problems, None if problems.errors else build(body, settings))


def participant_markdown(source: bytes | str) -> str:
    """The same document with every facilitator-notes section removed."""
    if isinstance(source, str):
        text = source.encode("utf-8", "replace").decode("utf-8")
    else:
        text = bytes(source).decode("utf-8", "replace")
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    _, body_start = read_header(lines, Problems())
    headings, _ = scan(lines, body_start)
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
