"""Every status, kind and role the app stores or sends, as StrEnums (their values are the wire
and database values, so a member compares equal to the plain string it stands for)."""

from __future__ import annotations

from enum import StrEnum


class SessionStatus(StrEnum):
    """Where a session's clock is (DESIGN.md §4)."""

    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


class ClockAction(StrEnum):
    """What a facilitator can do to the clock (`timer:control {action}`)."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    NEXT = "next"
    PREVIOUS = "previous"
    EXTEND = "extend"
    FINISH = "finish"
    UNDO = "undo"  # the last next/previous/extend/finish, within config.UNDO_WINDOW_S


class BoardMode(StrEnum):
    """`open`: everyone sees cards as posted; `private`: only revealed lanes (DESIGN.md §4)."""

    OPEN = "open"
    PRIVATE = "private"


class SegmentKind(StrEnum):
    """The kind of a timed block of the agenda (DESIGN.md §3)."""

    WORK = "work"
    REFLECT = "reflect"
    DISCUSS = "discuss"
    BREAK = "break"
    PLENARY = "plenary"


class Anonymity(StrEnum):
    """The playbook's `Anonymity`: each card chooses, every card is anonymous, or none is."""

    OPTIONAL = "optional"
    ALWAYS = "always"
    OFF = "off"


class CaseStatus(StrEnum):
    """A case's state, replayed from its event log."""

    OPEN = "open"
    ANSWERED = "answered"


class CaseEventKind(StrEnum):
    """One entry of a case's append-only log: participants' work, then facilitators' corrections."""

    OPENED = "opened"
    HANDOFF = "handoff"
    ANSWERED = "answered"
    HANDOFF_UNDONE = "handoff_undone"
    REOPENED = "reopened"


class CaseCorrection(StrEnum):
    """A facilitator's correction of a case (`case:correct {action}`)."""

    UNDO_HANDOFF = "undo_handoff"
    REOPEN = "reopen"


class RatingPhase(StrEnum):
    """When a rating is given: before or after a session."""

    BEFORE = "before"
    AFTER = "after"


class ViewerKind(StrEnum):
    """Who is looking at a live session (a socket, a state request)."""

    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    OBSERVER = "observer"
    PROJECTOR = "projector"


class AccountRole(StrEnum):
    """A staff account's instance role: an admin also manages accounts, a facilitator runs
    playtests, an observer only reads (and can only be an observer member)."""

    ADMIN = "admin"
    FACILITATOR = "facilitator"
    OBSERVER = "observer"


class MemberRole(StrEnum):
    """What an account may do in one playtest (DESIGN.md §12): owners also manage members."""

    OWNER = "owner"
    FACILITATOR = "facilitator"
    OBSERVER = "observer"


class ActionStatus(StrEnum):
    """Where an agreed change stands (DESIGN.md §10); done and dropped are the ends."""

    PROPOSED = "proposed"
    AGREED = "agreed"
    TRYING = "trying"
    DONE = "done"
    DROPPED = "dropped"
