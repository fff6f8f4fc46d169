"""What the parser returns: a valid playbook's document, or the problems that block it."""

from __future__ import annotations

from dataclasses import dataclass, field

from playtest.playbooks.parser.problems import Problem


@dataclass(frozen=True)
class SegmentPlan:
    """One timed block of a session's agenda, as the playbook plans it."""

    title: str
    minutes: int
    kind: str
    prompt_html: str
    notes_html: str
    # Where the segment's heading sits in the source; 0 once stored and loaded again.
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class SessionAgenda:
    """One session's agenda; `duration` is the declared Duration, else the segments' sum."""

    number: int
    title: str | None
    segments: tuple[SegmentPlan, ...]
    duration: int

    @property
    def minutes(self) -> int:
        """Minutes the segments add up to."""
        return sum(segment.minutes for segment in self.segments)


@dataclass(frozen=True)
class PlaybookDocument:
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
    sessions: tuple[SessionAgenda, ...]


@dataclass(frozen=True)
class ParseResult:
    """A playbook when there are no errors; warnings either way."""

    playbook: PlaybookDocument | None
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import."""
        return not self.errors
