"""Problems with a playbook: a stable code and its parameters, shown in the reader's language.

Pure, like the rest of the parser: no Flask. `Problem.message` is the English text (the CLI
prints it, the database keeps it beside the code); a page or the API passes the reader's
translations (any `gettext.NullTranslations`, e.g. Flask-Babel's) to `Problem.render`. Every
message below is marked for `make extract`: `N_(...)`, or an `ngettext` call where the wording
follows a number, so `messages.po` holds them like any other text.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

ENGLISH = gettext.NullTranslations()


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where someone reads it."""
    return message


class Severity(StrEnum):
    ERROR = "error"  # blocks the import
    WARNING = "warning"


# Every message by code, in English with %(name)s placeholders. Quoted values are what the
# author wrote or should write, so translations keep them verbatim (keys stay English).
MESSAGES: dict[str, str] = {
    # the file as a whole
    "not_unicode": N_(
        "the text contains characters that are not valid Unicode — "
        "save the file as UTF-8 and upload it again"
    ),
    "not_utf8": N_("the file is not UTF-8 text — save it as UTF-8 and upload it again"),
    "too_large": N_(
        "the playbook is %(size)d KiB — the limit is %(limit)d KiB; "
        "shorten the notes or split it in two"
    ),
    "too_much_markup": N_(
        "the playbook has too much markup to show quickly — split long paragraphs, "
        'and look for stray "[", "(", "*" or "#" characters'
    ),
    "too_much_markup_here": N_(
        "the playbook has too much markup to show quickly, most of it in the paragraph "
        'starting here — split long paragraphs, and look for stray "[", "(", "*" or "#" '
        "characters"
    ),
    # the header
    "header_not_closed": N_(
        'the header starts with "---" but never ends — add a line "---" after its last key'
    ),
    "not_a_header_line": N_(
        '"%(text)s" is not a header line — write "Key: value", and indent each extra value '
        "by 4 spaces"
    ),
    "unknown_key": N_('unknown header key "%(key)s" is ignored — the keys are %(keys)s'),
    "unknown_key_guess": N_('unknown header key "%(key)s" is ignored — did you mean "%(guess)s"?'),
    "key_twice": N_('"%(key)s" is given twice (first on line %(first)d) — keep one'),
    "no_title": N_(
        "the header has no Title — start the file with a line like "
        '"Title: Cross-functional intake playtest"'
    ),
    "title_empty": N_('Title is empty — write it like "Title: Cross-functional intake playtest"'),
    "value_empty": N_('%(key)s is empty — write it like "%(key)s: %(example)s"'),
    "one_value": N_(
        '%(key)s takes one value, not %(count)d — write it like "%(key)s: %(example)s"'
    ),
    "not_a_number": N_(
        '%(key)s must be a whole number from %(low)d to %(high)d, not "%(value)s" '
        '— write it like "%(key)s: %(example)s"'
    ),
    "not_minutes": N_(
        '%(key)s must be a whole number of minutes from %(low)d to %(high)d, not "%(value)s" '
        '— write it like "%(key)s: %(example)s"'
    ),
    "not_a_choice": N_(
        '%(key)s must be %(choices)s, not "%(value)s" — write it like "%(key)s: %(example)s"'
    ),
    "lanes_empty": N_(
        'Lanes is empty — write one lane per line, like "Lanes: Highlights", or leave the key out'
    ),
    "roles_empty": N_(
        'Roles is empty — write one role per line, like "Roles: Intake officer", '
        "or leave the key out"
    ),
    "questions_empty": N_(
        "Questions is empty — write one question per line, like "
        '"Questions: I know who to ask when a case is unclear", or leave the key out'
    ),
    "lane_count": N_(
        "Lanes lists %(count)d lanes — a board has %(low)d to %(high)d; merge or drop some"
    ),
    "lane_twice": N_('lane "%(value)s" is listed twice (first on line %(first)d) — keep one'),
    "role_twice": N_('role "%(value)s" is listed twice (first on line %(first)d) — keep one'),
    "question_twice": N_(
        'question "%(value)s" is listed twice (first on line %(first)d) — keep one'
    ),
    # headings and segments
    "notes_outside_segment": N_(
        "facilitator notes must sit inside a segment, or everyone would see them — "
        'move them below a segment heading like "## Welcome (10 min)"'
    ),
    "notes_as_segment": N_(
        '"%(title)s" is a level-2 heading, so it reads as a segment — '
        'write it as "### %(title)s" inside the segment'
    ),
    "no_duration": N_('segment "%(title)s" has no duration — write it like "(45 min)"'),
    "heading_empty": N_('this segment heading is empty — write it like "## Case work (45 min)"'),
    "no_title_before_duration": N_(
        'this segment has no title before its duration — write it like "## Case work (45 min)"'
    ),
    "kind_before_duration": N_(
        'segment "%(title)s" has its kind before the duration — put it last, like '
        '"## Case work (45 min) {: .work }"'
    ),
    "minutes_out_of_range": N_(
        'segment "%(title)s" lasts "%(written)s" — a segment takes %(low)d to %(high)d minutes'
    ),
    "unknown_kind": N_('segment "%(title)s" has an unknown kind ".%(kind)s" — use %(kinds)s'),
    "several_kinds": N_('segment "%(title)s" has %(count)d kinds (%(kinds)s) — keep one'),
    # sessions and agendas
    "not_a_session_heading": N_(
        '"# %(text)s" is not a session heading — a level-1 heading must read like '
        '"# Session 2: Going further"; use "##" for segments'
    ),
    "session_beyond_limit": N_(
        '"# Session %(written)s" is out of range — a playbook has 1 to %(most)d sessions; '
        "renumber it"
    ),
    "session_twice": N_(
        '"# Session %(number)d" appears twice (first on line %(first)d) — '
        "give each session one agenda"
    ),
    "no_segment": N_('the playbook has no segment — add one like "## Welcome (10 min)"'),
    "session_too_many_segments": N_(
        "Session %(number)d has %(count)d segments — a session holds at most %(limit)d; "
        "merge some or split the session"
    ),
    "shared_too_many_segments": N_(
        "The shared agenda has %(count)d segments — a session holds at most %(limit)d; "
        "merge some or split the session"
    ),
    "session_no_segment": N_(
        'session %(number)d has no segment — add one like "## Case work (45 min)" '
        'under "# Session %(number)d"'
    ),
    "session_without_agenda": N_(
        'session %(number)d has no segment — add "# Session %(number)d" with its segments, '
        'or put shared segments before the first "# Session" heading'
    ),
    "text_before_first_segment": N_(
        'the text under "# Session %(number)d" before its first segment is shown to no one '
        "— move it into a segment, or into the intro"
    ),
    "shared_agenda_unused": N_(
        'the segments before the first "# Session" heading are not used, since every '
        'session has its own agenda — remove them or a "# Session" heading'
    ),
    "minutes_differ": N_(
        "the segments add up to %(total)d min, but Duration is %(duration)d "
        "— adjust a segment or the Duration"
    ),
    "session_minutes_differ": N_(
        "the segments of session %(number)d add up to %(total)d min, but Duration is "
        "%(duration)d — adjust a segment or the Duration"
    ),
    "no_reflect": N_(
        'the agenda has no reflect segment — add one like "## Reflect (15 min) '
        '{: .reflect }" so people post highlights, blockers and opportunities'
    ),
    "session_no_reflect": N_(
        'session %(number)d has no reflect segment — add one like "## Reflect (15 min) '
        '{: .reflect }" so people post highlights, blockers and opportunities'
    ),
}

# Messages whose wording follows the number in their `count` parameter.
PLURAL_MESSAGES: dict[str, Callable[[gettext.NullTranslations, int], str]] = {
    "session_out_of_range": lambda t, n: t.ngettext(
        '"# Session %(written)s" is out of range — this playbook has %(count)d session; '
        "renumber it",
        '"# Session %(written)s" is out of range — this playbook has %(count)d sessions; '
        "renumber it",
        n,
    ),
    "session_over_count": lambda t, n: t.ngettext(
        '"# Session %(written)s" is out of range — this playbook has %(count)d session; '
        'set "Sessions: %(number)d" in the header, or renumber it',
        '"# Session %(written)s" is out of range — this playbook has %(count)d sessions; '
        'set "Sessions: %(number)d" in the header, or renumber it',
        n,
    ),
    "shared_minutes_differ": lambda t, n: t.ngettext(
        "the segments of the shared agenda (session %(sessions)s) add up to %(total)d min, "
        "but Duration is %(duration)d — adjust a segment or the Duration",
        "the segments of the shared agenda (sessions %(sessions)s) add up to %(total)d min, "
        "but Duration is %(duration)d — adjust a segment or the Duration",
        n,
    ),
    "shared_no_reflect": lambda t, n: t.ngettext(
        "the shared agenda (session %(sessions)s) has no reflect segment — add one like "
        '"## Reflect (15 min) {: .reflect }" so people post highlights, blockers and '
        "opportunities",
        "the shared agenda (sessions %(sessions)s) has no reflect segment — add one like "
        '"## Reflect (15 min) {: .reflect }" so people post highlights, blockers and '
        "opportunities",
        n,
    ),
}

CODES = frozenset(MESSAGES) | frozenset(PLURAL_MESSAGES)

_CONJUNCTIONS = {
    "or": N_("%(items)s or %(last)s"),
    "and": N_("%(items)s and %(last)s"),
}


def any_of(items: Iterable[str]) -> dict[str, list[str]]:
    """A list parameter shown as "a, b or c" (in the reader's language)."""
    return {"or": list(items)}


def all_of(items: Iterable[str]) -> dict[str, list[str]]:
    """A list parameter shown as "a, b and c" (in the reader's language)."""
    return {"and": list(items)}


def _shown(value: Any, translations: gettext.NullTranslations) -> Any:
    """A parameter as the message shows it: lists from any_of/all_of joined, the rest as is."""
    if not isinstance(value, Mapping):
        return value
    ((conjunction, items),) = value.items()
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    pattern = translations.gettext(_CONJUNCTIONS[conjunction])
    return pattern % {"items": ", ".join(items[:-1]), "last": items[-1]}


@dataclass(frozen=True)
class Problem:
    """Something wrong with a playbook: `line` is 1-based, or None when no line applies."""

    line: int | None
    severity: Severity
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        """The problem in English."""
        return self.render()

    def render(self, translations: gettext.NullTranslations = ENGLISH) -> str:
        """The problem in the language of `translations` (English by default)."""
        params = {name: _shown(value, translations) for name, value in self.params.items()}
        if self.code in PLURAL_MESSAGES:
            text = PLURAL_MESSAGES[self.code](translations, int(params["count"]))
        else:
            text = translations.gettext(MESSAGES[self.code])
        return text % params

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """JSON for storage: the code and parameters, and the English text beside them."""
        return {
            "line": self.line,
            "severity": str(self.severity),
            "code": self.code,
            "params": dict(self.params),
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> Problem:
        """The problem `to_dict` stored; KeyError for one stored without a code we know."""
        if stored["code"] not in CODES:
            raise KeyError(stored["code"])
        return cls(stored["line"], Severity(stored["severity"]), stored["code"], stored["params"])


class Problems:
    """Collects errors and warnings as the parser goes."""

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, line: int | None, code: str, **params: Any) -> None:
        self.errors.append(_problem(line, Severity.ERROR, code, params))

    def warn(self, line: int | None, code: str, **params: Any) -> None:
        self.warnings.append(_problem(line, Severity.WARNING, code, params))

    @staticmethod
    def in_order(problems: list[Problem]) -> tuple[Problem, ...]:
        """Problems without a line first, then by line."""
        return tuple(sorted(problems, key=lambda p: (p.line is not None, p.line or 0)))


def _problem(line: int | None, severity: Severity, code: str, params: dict) -> Problem:
    if code not in CODES:  # a typo in the parser, not in the playbook
        raise KeyError(code)
    return Problem(line, severity, code, params)
