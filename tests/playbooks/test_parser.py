"""The markdown playbook parser (DESIGN.md §3), tested on the documents facilitators write."""

from __future__ import annotations

import json
import re
from textwrap import dedent

import pytest
from babel.support import Translations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playtest import config, resources
from playtest.playbooks.parser import parse_playbook, participant_markdown
from playtest.playbooks.parser.document import ParseResult, PlaybookDocument, SegmentPlan
from playtest.playbooks.parser.problems import Problem, Severity
from playtest.playbooks.parser.serialise import playbook_from_dict, playbook_to_dict
from playtest.playbooks.rendering import plain_text, render_inline, render_markdown

DESIGN_EXAMPLE = """\
Title: Cross-functional intake playtest
Sessions: 4
Duration: 90
Lanes: Highlights
       Blockers
       Opportunities
Roles: Intake officer
       Benefits officer
       Policy advisor
Questions: I know who to ask when a case is unclear
           I can resolve a case without handing it off
           I feel connected to colleagues in other teams
Votes: 5

Intro text shown to everyone before the first segment (markdown). With no `# Session N`
heading, this one agenda serves all four sessions.

## Welcome and ground rules (10 min) {: .plenary }
Body shown to participants.

### Facilitator notes
Shown to facilitators only.

## Case work in pods (45 min) {: .work }
## Reflect: highlights, blockers, opportunities (20 min) {: .reflect }
## Discussion (15 min) {: .discuss }
"""


def parse(text: str) -> ParseResult:
    return parse_playbook(dedent(text))


def parse_ok(text: str) -> PlaybookDocument:
    result = parse(text)
    assert result.errors == (), [str(problem) for problem in result.errors]
    assert result.playbook is not None
    return result.playbook


def only_segment(text: str) -> SegmentPlan:
    (session,) = parse_ok(text).sessions
    (segment,) = session.segments
    return segment


def messages(problems: tuple[Problem, ...]) -> list[tuple[int | None, str]]:
    return [(problem.line, problem.message) for problem in problems]


def all_html(playbook: PlaybookDocument) -> list[str]:
    html = [playbook.intro_html]
    for session in playbook.sessions:
        for segment in session.segments:
            html += [segment.prompt_html, segment.notes_html]
    return html


# --- the example in DESIGN.md ----------------------------------------------------------------


def test_design_example_serves_one_agenda_to_all_four_sessions():
    result = parse_playbook(DESIGN_EXAMPLE)

    assert result.ok and result.errors == () and result.warnings == ()
    playbook = result.playbook
    assert playbook.title == "Cross-functional intake playtest"
    assert playbook.duration == 90
    assert playbook.lanes == ("Highlights", "Blockers", "Opportunities")
    assert playbook.roles == ("Intake officer", "Benefits officer", "Policy advisor")
    assert playbook.questions[1] == "I can resolve a case without handing it off"
    assert playbook.votes == 5
    assert [session.number for session in playbook.sessions] == [1, 2, 3, 4]
    assert {session.segments for session in playbook.sessions} == {playbook.sessions[0].segments}
    assert [(s.title, s.minutes, s.kind) for s in playbook.sessions[3].segments] == [
        ("Welcome and ground rules", 10, "plenary"),
        ("Case work in pods", 45, "work"),
        ("Reflect: highlights, blockers, opportunities", 20, "reflect"),
        ("Discussion", 15, "discuss"),
    ]
    assert [session.duration for session in playbook.sessions] == [90, 90, 90, 90]
    assert playbook.sessions[0].minutes == 90


def test_design_example_keeps_facilitator_notes_out_of_the_prompt():
    welcome = parse_playbook(DESIGN_EXAMPLE).playbook.sessions[0].segments[0]

    assert welcome.prompt_html == "<p>Body shown to participants.</p>"
    assert welcome.notes_html == "<p>Shown to facilitators only.</p>"


def test_design_example_intro_is_the_text_before_the_first_segment():
    intro = parse_playbook(DESIGN_EXAMPLE).playbook.intro_html

    assert intro.startswith("<p>Intro text shown to everyone")
    assert "<code># Session N</code>" in intro
    assert "Welcome" not in intro


def test_segments_remember_their_heading_line():
    segments = parse_playbook(DESIGN_EXAMPLE).playbook.sessions[0].segments

    assert [segment.line for segment in segments] == [18, 24, 25, 26]


# --- durations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "minutes"),
    [
        ("45 min", 45),
        ("45 mins", 45),
        ("45 minutes", 45),
        ("45m", 45),
        ("1 minute", 1),
        ("1 h", 60),
        ("2 hours", 120),
        ("1 hr", 60),
        ("1 hour", 60),
        ("1h 30m", 90),
        ("1h30m", 90),
        ("1 hour 30 minutes", 90),
        ("1:15", 75),
        ("0:45", 45),
        ("8:00", 480),
        ("45 MIN", 45),
        (" 45 min ", 45),
        ("1 h 30", 90),
        ("2 heures", 120),
    ],
)
def test_every_duration_spelling(written, minutes):
    segment = only_segment(f"Title: T\n\n## Reflect ({written})\n")

    assert (segment.title, segment.minutes) == ("Reflect", minutes)


@pytest.mark.parametrize(
    "heading",
    [
        "Case work",
        "Case work (45)",
        "Case work (forty-five minutes)",
        "Case work (45 min",
        "Case work 45 min",
        "Case work [45 min]",
        "Case work (1:75)",
        "Case work (45 seconds)",
    ],
)
def test_a_segment_without_a_bracketed_duration_is_an_error(heading):
    result = parse(f"Title: T\n\n## {heading}\n")

    assert result.playbook is None
    assert messages(result.errors) == [
        (3, f'segment "{heading}" has no duration — write it like "(45 min)"')
    ]


def test_only_the_last_bracket_is_the_duration():
    segment = only_segment("Title: T\n\n## Case work (pairs) (45 min) {: .work }\n")

    assert (segment.title, segment.minutes) == ("Case work (pairs)", 45)


def test_a_bracket_after_the_duration_hides_it():
    result = parse("Title: T\n\n## Case work (45 min) (pairs)\n")

    assert messages(result.errors) == [
        (3, 'segment "Case work (45 min) (pairs)" has no duration — write it like "(45 min)"')
    ]


def test_a_full_day_session_is_a_valid_duration():
    """A "job swap day": one 480-minute segment plus an hour, Duration 540."""
    result = parse_playbook(
        dedent(
            """\
            Title: Job swap day
            Duration: 540

            ## Shadow a colleague in another team (8 hours) {: .work }
            ## Reflect: what surprised you (1 h) {: .reflect }
            """
        )
    )

    assert (result.errors, result.warnings) == ((), ())
    assert result.playbook.duration == 540
    assert [s.minutes for s in result.playbook.sessions[0].segments] == [480, 60]


@pytest.mark.parametrize(
    "written", ["0 min", "0:00", "481 min", "8:01", "9 hours", "99999999999 m"]
)
def test_segment_minutes_outside_1_to_480_are_an_error(written):
    result = parse(f"Title: T\n\n## Reflect ({written})\n")

    assert messages(result.errors) == [
        (3, f'segment "Reflect" lasts "{written}" — a segment takes 1 to 480 minutes')
    ]


# --- titles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("**Case** work with `C-104` (45 min)", "Case work with C-104"),
        ("Read [the guide](https://example.org) (5 min)", "Read the guide"),
        ("Q&A and *wrap-up* (5 min)", "Q&A and wrap-up"),
        ("Budget &amp; staffing (5 min)", "Budget & staffing"),
        ("Learn C# (5 min)", "Learn C#"),
        ("1. Welcome (5 min)", "1. Welcome"),
        ("Welcome (5 min) ##", "Welcome"),
        ("Welcome   (5 min)   {:   .plenary   }  ", "Welcome"),
        ("<b>Bold</b> move (5 min)", "Bold move"),
        ("Accueil et règles du jeu (10 min)", "Accueil et règles du jeu"),
    ],
)
def test_segment_titles_are_plain_text(heading, title):
    assert only_segment(f"Title: T\n\n## {heading}\n").title == title


def test_an_empty_segment_heading_is_an_error():
    result = parse("Title: T\n\n##\n## (10 min)\n")

    assert messages(result.errors) == [
        (3, 'this segment heading is empty — write it like "## Case work (45 min)"'),
        (
            4,
            'this segment has no title before its duration — write it like "## Case work (45 min)"',
        ),
    ]


# --- kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", config.SEGMENT_KINDS)
def test_attr_list_class_gives_the_kind(kind):
    assert only_segment(f"Title: T\n\n## Lunch (30 min) {{: .{kind} }}\n").kind == kind


@pytest.mark.parametrize("attrs", ["{:.reflect}", "{ .reflect }", "{: #start .reflect }"])
def test_attr_list_spellings(attrs):
    segment = only_segment(f"Title: T\n\n## Warm-up (10 min) {attrs}\n")

    assert (segment.title, segment.kind) == ("Warm-up", "reflect")


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Lunch", "break"),
        ("Coffee break", "break"),
        ("Pause café", "break"),
        ("Debrief the case work", "reflect"),
        ("Quick RETRO", "reflect"),
        ("Retrospective", "reflect"),
        ("Reflection", "reflect"),
        ("Discuss the cases", "discuss"),
        ("Group discussion", "discuss"),
        ("Case-work in pods", "work"),
        ("Cases", "work"),
        ("Working together", "work"),
        ("Welcome", "plenary"),
        ("Casework", "plenary"),
        ("Breakout rooms", "plenary"),
        ("Workshop", "plenary"),
        ("Réflexion", "plenary"),
    ],
)
def test_kind_from_whole_words_in_the_title(title, kind):
    assert only_segment(f"Title: T\n\n## {title} (10 min)\n").kind == kind


def test_class_wins_over_title_words():
    assert only_segment("Title: T\n\n## Lunch and learn (45 min) {: .work }\n").kind == "work"


def test_unknown_class_is_an_error():
    result = parse("Title: T\n\n## Case work (45 min) {: .workshop }\n")

    assert messages(result.errors) == [
        (
            3,
            'segment "Case work" has an unknown kind ".workshop" — use '
            ".work, .reflect, .discuss, .break, .plenary",
        )
    ]


def test_two_kinds_is_an_error():
    result = parse("Title: T\n\n## Case work (45 min) {: .work .reflect }\n")

    assert messages(result.errors) == [
        (3, 'segment "Case work" has 2 kinds (.work and .reflect) — keep one')
    ]


def test_kind_before_the_duration_is_an_error():
    result = parse("Title: T\n\n## Case work {: .work } (45 min)\n")

    assert messages(result.errors) == [
        (
            3,
            'segment "Case work {: .work }" has its kind before the duration — put it last, '
            'like "## Case work (45 min) {: .work }"',
        )
    ]


# --- sessions ---------------------------------------------------------------------------------


FOUR_SESSIONS = """\
Title: Intake playtest
Sessions: 4
Duration: 90

Welcome to the playtest.

## Check-in (10 min)
## Case work (45 min)
## Reflect (20 min)
## Discussion (15 min)

# Session 1: Getting started
## Welcome (20 min)
## Case work (40 min)
## Reflect (30 min)

# session 4 : Looking back
## Retro (60 min)
## Close (30 min)
"""


def test_session_headings_give_sessions_their_own_agenda():
    playbook = parse_ok(FOUR_SESSIONS)

    assert [(s.number, s.title) for s in playbook.sessions] == [
        (1, "Getting started"),
        (2, None),
        (3, None),
        (4, "Looking back"),
    ]
    assert [s.title for s in playbook.sessions[0].segments] == ["Welcome", "Case work", "Reflect"]
    assert [s.title for s in playbook.sessions[3].segments] == ["Retro", "Close"]


def test_sessions_without_a_heading_reuse_the_shared_agenda():
    playbook = parse_ok(FOUR_SESSIONS)

    shared = ["Check-in", "Case work", "Reflect", "Discussion"]
    assert [s.title for s in playbook.sessions[1].segments] == shared
    assert playbook.sessions[2].segments == playbook.sessions[1].segments


def test_session_heading_without_a_title():
    playbook = parse_ok(
        "Title: T\nSessions: 2\n\n## Reflect (5 min)\n# Session 2\n## Retro (5 min)\n"
    )

    assert [s.title for s in playbook.sessions] == [None, None]
    assert playbook.sessions[1].segments[0].title == "Retro"


def test_session_duration_is_its_own_sum_without_a_declared_duration():
    playbook = parse_ok(
        """\
        Title: T
        Sessions: 2

        ## Reflect (30 min)
        ## Discuss (15 min)

        # Session 2
        ## Reflect (1 h)
        """
    )

    assert playbook.duration is None
    assert [(s.duration, s.minutes) for s in playbook.sessions] == [(45, 45), (60, 60)]
    assert playbook_to_dict(playbook)["duration"] == 45


def test_declared_duration_applies_to_every_session():
    playbook = parse_ok(FOUR_SESSIONS)

    assert playbook.duration == 90
    assert [s.duration for s in playbook.sessions] == [90, 90, 90, 90]
    assert [s.minutes for s in playbook.sessions] == [90, 90, 90, 90]


def test_session_headings_only_with_no_shared_agenda():
    playbook = parse_ok(
        """\
        Title: T
        Sessions: 2

        # Session 1: First
        ## Reflect (10 min)
        # Session 2: Second
        ## Reflect (20 min)
        """
    )

    assert [(s.title, s.minutes) for s in playbook.sessions] == [("First", 10), ("Second", 20)]


def test_session_heading_problems_are_reported_on_their_line():
    result = parse(
        """\
        Title: T
        Sessions: 3

        ## Reflect (10 min)
        # Session 2: Deeper
        ## Reflect (10 min)
        # Session 2: Again
        ## Reflect (10 min)
        # Session 4
        ## Reflect (10 min)
        # Session 0
        # Appendix
        ## Reflect (10 min)
        # Session 3
        """
    )

    assert result.playbook is None
    assert messages(result.errors) == [
        (7, '"# Session 2" appears twice (first on line 5) — give each session one agenda'),
        (
            9,
            '"# Session 4" is out of range — this playbook has 3 sessions; set "Sessions: 4" '
            "in the header, or renumber it",
        ),
        (11, '"# Session 0" is out of range — this playbook has 3 sessions; renumber it'),
        (
            12,
            '"# Appendix" is not a session heading — a level-1 heading must read like '
            '"# Session 2: Going further"; use "##" for segments',
        ),
        (
            14,
            'session 3 has no segment — add one like "## Case work (45 min)" under "# Session 3"',
        ),
    ]


def test_session_heading_beyond_the_default_single_session():
    result = parse("Title: T\n\n# Session 2\n## Reflect (10 min)\n")

    assert messages(result.errors) == [
        (
            None,
            'session 1 has no segment — add "# Session 1" with its segments, or put shared '
            'segments before the first "# Session" heading',
        ),
        (
            3,
            '"# Session 2" is out of range — this playbook has 1 session; set "Sessions: 2" in '
            "the header, or renumber it",
        ),
    ]


def test_sessions_left_without_any_agenda_are_errors():
    result = parse("Title: T\nSessions: 3\n\n# Session 1\n## Reflect (10 min)\n")

    assert messages(result.errors) == [
        (
            2,
            f'session {number} has no segment — add "# Session {number}" with its segments, '
            'or put shared segments before the first "# Session" heading',
        )
        for number in (2, 3)
    ]


def test_a_document_without_segments_is_an_error():
    result = parse("Title: Nothing yet\n\nWe will write the agenda later.\n")

    assert messages(result.errors) == [
        (None, 'the playbook has no segment — add one like "## Welcome (10 min)"')
    ]


def test_too_many_segments_in_one_session():
    limit = config.PLAYBOOK_MAX_SEGMENTS_PER_SESSION
    agenda = "".join(f"## Reflect {n} (1 min)\n" for n in range(limit + 1))
    result = parse_playbook(f"Title: T\n\n{agenda}")

    assert messages(result.errors) == [
        (
            3 + limit,
            f"The shared agenda has {limit + 1} segments — a session holds at most {limit}; "
            "merge some or split the session",
        )
    ]


def test_the_segment_limit_is_inclusive():
    limit = config.PLAYBOOK_MAX_SEGMENTS_PER_SESSION
    agenda = "".join(f"## Reflect {n} (1 min)\n" for n in range(limit))

    assert len(parse_playbook(f"Title: T\n\n{agenda}").playbook.sessions[0].segments) == limit


def test_twenty_sessions_is_the_most():
    most = config.PLAYBOOK_MAX_SESSIONS
    assert len(parse_ok(f"Title: T\nSessions: {most}\n\n## Reflect (5 min)\n").sessions) == most

    result = parse(f"Title: T\nSessions: {most + 1}\n\n## Reflect (5 min)\n")
    assert messages(result.errors) == [
        (
            2,
            f'Sessions must be a whole number from 1 to {most}, not "{most + 1}" — write it like '
            '"Sessions: 4"',
        )
    ]


# --- header -----------------------------------------------------------------------------------


def test_defaults_when_the_header_only_has_a_title():
    playbook = parse_ok("Title: Retro\n\n## Reflect (30 min)\n")

    assert playbook.title == "Retro"
    assert len(playbook.sessions) == 1
    assert playbook.duration is None
    assert playbook.lanes == config.DEFAULT_LANES
    assert playbook.questions == config.DEFAULT_QUESTIONS
    assert playbook.roles == ()
    assert playbook.votes == config.DEFAULT_VOTES
    assert playbook.anonymity == config.DEFAULT_ANONYMITY
    assert playbook.language == "en"
    assert playbook.intro_html == ""


def test_header_keys_are_case_insensitive_and_values_may_start_on_the_next_line():
    playbook = parse_ok(
        """\
        TITLE: Intake, benefits and policy: a playtest
        lanes:
            Went well, mostly
            Got in the way
        ROLES:    Intake officer
        \tBenefits officer
        Votes: 0
        anonymity: Always
        LANGUAGE: FR

        ## Reflect (10 min)
        """
    )

    assert playbook.title == "Intake, benefits and policy: a playtest"
    assert playbook.lanes == ("Went well, mostly", "Got in the way")
    assert playbook.roles == ("Intake officer", "Benefits officer")
    assert playbook.votes == 0
    assert playbook.anonymity == "always"
    assert playbook.language == "fr"


def test_a_long_title_may_wrap_onto_continuation_lines():
    playbook = parse_ok(
        "Title: Cross-functional intake\n    playtest, spring round\n\n## Retro (5m)\n"
    )

    assert playbook.title == "Cross-functional intake playtest, spring round"


@pytest.mark.parametrize("closing", ["---", "...", "---   "])
def test_header_inside_yaml_style_fences(closing):
    playbook = parse_ok(
        f"""\
---
Title: Fenced

Lanes: Keep
    Change
{closing}
Intro.

## Reflect (10 min)
"""
    )

    assert (playbook.title, playbook.lanes) == ("Fenced", ("Keep", "Change"))
    assert playbook.intro_html == "<p>Intro.</p>"


def test_a_closing_fence_alone_ends_the_header():
    playbook = parse_ok("Title: T\nVotes: 3\n---\nIntro.\n\n## Reflect (5 min)\n")

    assert (playbook.votes, playbook.intro_html) == (3, "<p>Intro.</p>")


def test_a_space_before_the_colon_is_accepted():
    assert parse_ok("Title : Mise à l'essai\n\n## Retro (5 min)\n").title == "Mise à l'essai"


def test_header_may_follow_blank_lines():
    assert parse_ok("\n\nTitle: Late start\n\n## Retro (5 min)\n").title == "Late start"


def test_the_header_ends_at_the_first_line_that_is_not_a_key():
    playbook = parse_ok("Title: T\nThis line is the intro.\n\n## Retro (5 min)\n")

    assert playbook.intro_html == "<p>This line is the intro.</p>"


def test_every_header_problem_on_its_line():
    result = parse(
        """\
        Title: Problems
        Sessions: four
        Duration: 0
        Lanes: A
            B
            C
            D
            E
            F
            G
            H
            I
        Roles: Intake officer
            Benefits officer
            intake officer
        Votes: 51
        Anonymity: sometimes
        Language: de
        Title: Again
        Questions:
        Lane: Typo

        ## Reflect (10 min)
        """
    )

    assert result.playbook is None
    assert messages(result.errors) == [
        (
            2,
            'Sessions must be a whole number from 1 to 20, not "four" — write it like '
            '"Sessions: 4"',
        ),
        (
            3,
            'Duration must be a whole number of minutes from 1 to 19200, not "0" — write it like '
            '"Duration: 90"',
        ),
        (4, "Lanes lists 9 lanes — a board has 1 to 8; merge or drop some"),
        (15, 'role "intake officer" is listed twice (first on line 13) — keep one'),
        (16, 'Votes must be a whole number from 0 to 50, not "51" — write it like "Votes: 5"'),
        (
            17,
            'Anonymity must be optional, always or off, not "sometimes" — write it like '
            '"Anonymity: optional"',
        ),
        (18, 'Language must be en or fr, not "de" — write it like "Language: en"'),
        (19, '"Title" is given twice (first on line 1) — keep one'),
        (
            20,
            'Questions is empty — write one question per line, like "Questions: I know who to '
            'ask when a case is unclear", or leave the key out',
        ),
    ]
    assert messages(result.warnings) == [
        (21, 'unknown header key "Lane" is ignored — did you mean "Lanes"?')
    ]


@pytest.mark.parametrize("value", ["4.0", "+4", "4 sessions", "٤", "-1", ""])
def test_numbers_are_plain_integers(value):
    result = parse(f"Title: T\nSessions: {value}\n\n## Reflect (5 min)\n")

    expected = (
        'Sessions is empty — write it like "Sessions: 4"'
        if not value
        else f'Sessions must be a whole number from 1 to 20, not "{value}" — write it like '
        '"Sessions: 4"'
    )
    assert messages(result.errors) == [(2, expected)]


def test_a_single_value_key_with_two_values():
    result = parse("Title: T\nVotes: 5\n    3\n\n## Reflect (5 min)\n")

    assert messages(result.errors) == [
        (2, 'Votes takes one value, not 2 — write it like "Votes: 5"')
    ]


def test_missing_title_has_no_line():
    result = parse("Sessions: 2\n\n## Reflect (5 min)\n")

    assert messages(result.errors) == [
        (
            None,
            "the header has no Title — start the file with a line like "
            '"Title: Cross-functional intake playtest"',
        )
    ]


def test_empty_title_is_reported_on_its_line():
    result = parse("Title:\nVotes: 3\n\n## Reflect (5 min)\n")

    assert messages(result.errors) == [
        (1, 'Title is empty — write it like "Title: Cross-functional intake playtest"')
    ]


def test_unclosed_fence_is_an_error():
    result = parse("---\nTitle: T\n\n## Reflect (5 min)\n")

    assert messages(result.errors) == [
        (1, 'the header starts with "---" but never ends — add a line "---" after its last key')
    ]


def test_a_yaml_list_inside_fences_is_explained():
    result = parse("---\nTitle: T\nLanes:\n  - Keep\n---\n## Reflect (5 min)\n")

    assert messages(result.errors) == [
        (
            3,
            'Lanes is empty — write one lane per line, like "Lanes: Highlights", or leave the '
            "key out",
        ),
        (
            4,
            '"- Keep" is not a header line — write "Key: value", and indent each extra value '
            "by 4 spaces",
        ),
    ]


def test_unknown_keys_are_warnings_that_do_not_block():
    result = parse("Title: T\nFacilitator: Sam\n\n## Reflect (5 min)\n")

    assert result.ok and result.playbook.title == "T"
    assert messages(result.warnings) == [
        (
            2,
            'unknown header key "Facilitator" is ignored — the keys are Title, Sessions, '
            "Duration, Lanes, Roles, Questions, Votes, Anonymity, Language",
        )
    ]


# --- encodings and line ends ------------------------------------------------------------------


def test_bom_and_crlf_do_not_shift_line_numbers():
    source = "\ufeffTitle: T\r\n\r\n## Case work\r\n".encode()

    result = parse_playbook(source)

    assert messages(result.errors) == [
        (3, 'segment "Case work" has no duration — write it like "(45 min)"')
    ]


def test_bom_crlf_bytes_parse_like_plain_text():
    source = DESIGN_EXAMPLE.replace("\n", "\r\n").encode("utf-8-sig")

    assert parse_playbook(source).playbook == parse_playbook(DESIGN_EXAMPLE).playbook


def test_old_mac_line_ends():
    assert parse_playbook("Title: T\r\r## Reflect (5 min)\r").playbook.sessions[0].minutes == 5


def test_bad_encoding_is_an_error_without_a_line():
    result = parse_playbook("Title: Café\n\n## Reflect (5 min)\n".encode("latin-1"))

    assert messages(result.errors) == [
        (None, "the file is not UTF-8 text — save it as UTF-8 and upload it again")
    ]


def test_text_with_a_lone_surrogate_is_an_error():
    result = parse_playbook("Title: \ud800\n\n## Reflect (5 min)\n")

    assert result.playbook is None
    assert result.errors[0].line is None


def test_size_limit_is_256_kib():
    head = "Title: Big\n\n## Reflect (5 min)\n"
    filler = "x" * (config.PLAYBOOK_MAX_BYTES - len(head) - 1) + "\n"

    assert parse_playbook((head + filler).encode()).ok
    result = parse_playbook((head + "x" + filler).encode())
    assert messages(result.errors) == [
        (
            None,
            "the playbook is 257 KiB — the limit is 256 KiB; shorten the notes or split it in two",
        )
    ]


def test_french_accents_and_typographic_apostrophes():
    playbook = parse_ok(
        """\
        Title: Mise à l’essai — accueil
        Lanes: Points forts
            Obstacles
            Occasions
        Language: fr

        # Session 1 : Prise en main
        ## Réflexion : points forts (15 min) {: .reflect }
        Qu’est-ce qui a bien marché ?

        ### Notes pour l’animation
        Passez le tableau en mode privé.
        """
    )

    (segment,) = playbook.sessions[0].segments
    assert playbook.title == "Mise à l’essai — accueil"
    assert playbook.sessions[0].title == "Prise en main"
    assert segment.title == "Réflexion : points forts"
    assert segment.prompt_html == "<p>Qu’est-ce qui a bien marché ?</p>"
    assert segment.notes_html == "<p>Passez le tableau en mode privé.</p>"


# --- facilitator notes and prompts ------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Facilitator notes",
        "facilitator NOTES",
        "Notes for facilitators",
        "Notes for facilitators:",
        "Notes pour l'animation",
        "Notes pour l’animation",
        "**Facilitator notes**",
    ],
)
def test_facilitator_notes_headings(heading):
    segment = only_segment(
        f"Title: T\n\n## Reflect (5 min)\nPost a card.\n\n### {heading}\nHide the noisy card.\n"
    )

    assert segment.prompt_html == "<p>Post a card.</p>"
    assert segment.notes_html == "<p>Hide the noisy card.</p>"


def test_notes_run_until_the_next_heading_of_level_three_or_less():
    segment = only_segment(
        """\
        Title: T

        ## Case work (45 min)
        Work the tray.

        ### Facilitator notes
        Walk the room.

        #### If a pod finishes early
        Hand out the spare tray.

        ### What to log
        Every handoff.

        ### Notes for facilitators
        Remind people at minute 20.
        """
    )

    assert segment.prompt_html == (
        "<p>Work the tray.</p>\n<h3>What to log</h3>\n<p>Every handoff.</p>"
    )
    assert segment.notes_html == (
        "<p>Walk the room.</p>\n<h4>If a pod finishes early</h4>\n"
        "<p>Hand out the spare tray.</p>\n<p>Remind people at minute 20.</p>"
    )


def test_notes_end_at_the_next_segment():
    playbook = parse_ok(
        "Title: T\n\n## Case work (45 min)\n### Facilitator notes\nSecret\n"
        "## Reflect (5 min)\nPost\n"
    )

    work, reflect = playbook.sessions[0].segments
    assert (work.notes_html, reflect.prompt_html, reflect.notes_html) == (
        "<p>Secret</p>",
        "<p>Post</p>",
        "",
    )


@pytest.mark.parametrize(
    "nested",
    [
        "    ### Facilitator notes",
        "> ### Facilitator notes",
        "  ### Notes for facilitators",
        "- ### Facilitator notes",
        "2. ### Facilitator notes",
    ],
)
def test_indented_quoted_or_listed_notes_headings_are_still_hidden(nested):
    segment = only_segment(
        f"Title: T\n\n## Case work (45 min)\n- Work the tray\n\n{nested}\n    Secret plan\n"
    )

    assert "Secret" not in segment.prompt_html
    assert "Secret plan" in segment.notes_html


def test_notes_in_the_intro_are_an_error_so_they_are_never_shown():
    result = parse("Title: T\n\nWelcome.\n\n### Facilitator notes\nSecret\n\n## Reflect (5 min)\n")

    assert messages(result.errors) == [
        (
            5,
            "facilitator notes must sit inside a segment, or everyone would see them — move "
            'them below a segment heading like "## Welcome (10 min)"',
        )
    ]


def test_a_level_two_notes_heading_is_explained():
    result = parse("Title: T\n\n## Reflect (5 min)\n## Facilitator notes\n")

    assert messages(result.errors) == [
        (
            4,
            '"Facilitator notes" is a level-2 heading, so it reads as a segment — write it as '
            '"### Facilitator notes" inside the segment',
        )
    ]


def test_prompt_markdown_is_rendered():
    segment = only_segment(
        """\
        Title: T

        ## Case work (45 min)
        Work **together** on the *tray*:

        1. Open the case
        2. Log each handoff

        | Lane | Example |
        |------|---------|
        | Blockers | Waiting on policy |

        > Ask across the desk.
        """
    )

    assert "<strong>together</strong>" in segment.prompt_html
    assert "<ol>\n<li>Open the case</li>" in segment.prompt_html
    assert "<td>Waiting on policy</td>" in segment.prompt_html
    assert "<blockquote>" in segment.prompt_html


def test_reference_links_may_be_defined_anywhere():
    playbook = parse_ok(
        "Title: T\n\nSee [the guide][g].\n\n## Reflect (5 min)\nUse [the guide][g].\n\n"
        "## Discuss (5 min)\n\n[g]: https://example.org/guide\n"
    )

    link = '<a href="https://example.org/guide" rel="noopener noreferrer">the guide</a>'
    assert link in playbook.intro_html
    assert link in playbook.sessions[0].segments[0].prompt_html


def test_intro_may_follow_the_first_session_heading():
    playbook = parse_ok("Title: T\n\nBefore.\n# Session 1: One\nAfter.\n## Reflect (5 min)\n")

    assert playbook.intro_html == "<p>Before.</p>\n<p>After.</p>"


def test_text_between_a_later_session_heading_and_its_first_segment_is_a_warning():
    result = parse(
        "Title: T\nSessions: 2\n\n## Reflect (5 min)\n# Session 2\nLost words.\n"
        "## Reflect (5 min)\n"
    )

    assert result.ok
    assert messages(result.warnings) == [
        (
            6,
            'the text under "# Session 2" before its first segment is shown to no one — move it '
            "into a segment, or into the intro",
        )
    ]


# --- code blocks and setext -------------------------------------------------------------------


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_headings_inside_fenced_code_are_not_headings(fence):
    segment = only_segment(
        f"Title: T\n\n## Reflect (5 min)\nCopy this:\n\n{fence}markdown\n# Session 9\n"
        f"## Not a segment\n### Facilitator notes\n{fence}\n"
    )

    assert segment.prompt_html == (
        "<p>Copy this:</p>\n<pre><code># Session 9\n## Not a segment\n"
        "### Facilitator notes\n</code></pre>"
    )
    assert segment.notes_html == ""


def test_an_unclosed_fence_is_not_code_so_later_headings_count():
    playbook = parse_ok("Title: T\n\n## Reflect (5 min)\n```\n## Discuss (5 min)\n")

    assert [s.title for s in playbook.sessions[0].segments] == ["Reflect", "Discuss"]


def test_setext_underlines_are_not_headings():
    segment = only_segment("Title: T\n\n## Reflect (5 min)\nFirst part\n---\nSecond part\n===\n")

    assert segment.prompt_html == "<p>First part</p>\n<hr>\n<p>Second part\n===</p>"


def test_headings_need_the_hash_in_the_first_column():
    segment = only_segment(
        "Title: T\n\n## Reflect (5 min)\n ## Indented, not a segment (5 min)\n\n"
        "    ## code, not a segment\n"
    )

    assert segment.prompt_html == (
        "<p>## Indented, not a segment (5 min)</p>\n"
        "<pre><code>## code, not a segment\n</code></pre>"
    )


# --- warnings ---------------------------------------------------------------------------------


def test_minutes_that_miss_the_declared_duration_are_a_warning():
    result = parse("Title: T\nDuration: 90\n\n## Case work (45 min)\n## Reflect (20 min)\n")

    assert result.ok
    assert result.playbook.sessions[0].duration == 90
    assert result.playbook.sessions[0].minutes == 65
    assert messages(result.warnings) == [
        (2, "the segments add up to 65 min, but Duration is 90 — adjust a segment or the Duration")
    ]


def test_warnings_name_the_session():
    result = parse(
        """\
        Title: T
        Sessions: 3
        Duration: 60

        ## Case work (30 min)
        ## Reflect (30 min)

        # Session 3: Wrap-up
        ## Case work (50 min)
        """
    )

    assert result.ok
    assert messages(result.warnings) == [
        (
            8,
            "the segments of session 3 add up to 50 min, but Duration is 60 — adjust a segment "
            "or the Duration",
        ),
        (
            8,
            'session 3 has no reflect segment — add one like "## Reflect (15 min) {: .reflect }" '
            "so people post highlights, blockers and opportunities",
        ),
    ]


def test_shared_agenda_warnings_list_the_sessions_using_it():
    result = parse(
        "Title: T\nSessions: 3\nDuration: 30\n\n## Case work (20 min)\n\n"
        "# Session 2\n## Reflect (30 min)\n"
    )

    assert messages(result.warnings) == [
        (
            3,
            "the segments of the shared agenda (sessions 1 and 3) add up to 20 min, but "
            "Duration is 30 — adjust a segment or the Duration",
        ),
        (
            5,
            "the shared agenda (sessions 1 and 3) has no reflect segment — add one like "
            '"## Reflect (15 min) {: .reflect }" so people post highlights, blockers and '
            "opportunities",
        ),
    ]


def test_an_unused_shared_agenda_is_a_warning():
    result = parse("Title: T\n\n## Reflect (5 min)\n# Session 1\n## Reflect (10 min)\n")

    assert result.ok and result.playbook.sessions[0].minutes == 10
    assert messages(result.warnings) == [
        (
            3,
            'the segments before the first "# Session" heading are not used, since every session '
            'has its own agenda — remove them or a "# Session" heading',
        )
    ]


# --- every problem at once --------------------------------------------------------------------


def test_all_problems_are_reported_together_in_line_order():
    result = parse(
        """\
        Title: Draft
        Votes: lots
        Colour: blue

        ## Welcome
        ## Case work (45 min) {: .pairs }
        ## Reflect (0 min)
        # Session 2
        """
    )

    assert [problem.line for problem in result.errors] == [2, 5, 6, 7, 8]
    assert [problem.line for problem in result.warnings] == [3]
    assert result.playbook is None and not result.ok


def test_problems_print_with_their_line():
    result = parse("Title: T\n\n## Case work\n")

    assert str(result.errors[0]) == (
        'line 3: segment "Case work" has no duration — write it like "(45 min)"'
    )
    assert str(Problem(None, Severity.ERROR, "not_utf8")) == (
        "the file is not UTF-8 text — save it as UTF-8 and upload it again"
    )


def test_problems_keep_their_code_and_parameters_through_storage():
    result = parse("Title: T\nVotes: lots\nColour: blue\n\n## Two (5 min) {: .work .reflect }\n")
    problems = result.errors + result.warnings

    assert [p.code for p in problems] == ["not_a_number", "several_kinds", "unknown_key"]
    assert [p.severity for p in problems] == [Severity.ERROR, Severity.ERROR, Severity.WARNING]
    for problem in problems:
        stored = json.loads(json.dumps(problem.to_dict()))
        assert stored["message"] == problem.message
        assert Problem.from_dict(stored) == problem


def test_problems_render_in_french_with_french_lists_and_plurals():
    french = Translations.load(str(resources.TRANSLATIONS), ["fr"])
    result = parse(
        """\
        Title: T
        Anonymity: maybe

        ## Two (5 min) {: .work .reflect }
        # Session 2
        """
    )

    assert [problem.render(french) for problem in result.errors] == [
        "Anonymity doit valoir optional, always ou off, et non «\u00a0maybe\u00a0» "
        "— écrivez par exemple «\u00a0Anonymity\u00a0: optional\u00a0»",
        "l'étape «\u00a0Two\u00a0» a 2 types (.work et .reflect) — n'en gardez qu'un",
        "«\u00a0# Session 2\u00a0» est hors limites — ce guide compte 1 séance; indiquez "
        "«\u00a0Sessions\u00a0: 2\u00a0» dans l'en-tête, ou changez son numéro",
    ]
    assert result.errors[2].message.startswith(  # English keeps its own words
        '"# Session 2" is out of range — this playbook has 1 session; set "Sessions: 2"'
    )


def test_the_examples_french_messages_give_are_valid_playbook_lines():
    # French writes a no-break space before a colon, and so do the French messages.
    playbook = parse_ok(
        "Title\u00a0: Mise à l'essai\nSessions\u202f: 2\nVotes\u00a0: 3\n\n"
        "## Réflexion (15 min) {.reflect}\n"
        "# Session 2\u00a0: Aller plus loin\n"
        "## Travail sur les dossiers (45 min) {.work}\n"
    )

    assert (playbook.title, playbook.votes, len(playbook.sessions)) == ("Mise à l'essai", 3, 2)
    assert playbook.sessions[0].segments[0].kind == "reflect"
    assert playbook.sessions[1].title == "Aller plus loin"
    assert playbook.sessions[1].segments[0].kind == "work"


# --- sanitising -------------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    '<div onclick="alert(1)" style="position:fixed">raw block</div>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg><script>alert(1)</script></svg>",
    '<p style="color:red" onmouseover="alert(1)">styled</p>',
    "<object data=x></object><embed src=x>",
    "<form action=x><input name=y></form>",
    "[ref]: javascript:alert(1)\n\n[click][ref]",
    "![img](https://evil.example/track.png)",
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
]
FORBIDDEN = re.compile(
    r"<script|<img|<iframe|<svg|<object|<embed|<form|<input|<style|<div|javascript:|"
    r"\son\w+=|style=|<!--",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives_into_any_html(payload):
    playbook = parse_ok(
        f"Title: T\n\n{payload}\n\n## Reflect (5 min)\n{payload}\n\n"
        f"### Facilitator notes\n{payload}\n"
    )

    for html in all_html(playbook):
        assert not FORBIDDEN.search(html), html


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:3])
def test_titles_are_plain_text_without_markup(payload):
    segment = only_segment(f"Title: T\n\n## Reflect {payload} (5 min)\n")

    assert "<" not in segment.title and "alert" not in segment.title


def test_links_open_safely():
    segment = only_segment(
        "Title: T\n\n## Reflect (5 min)\nRead [the guide](https://example.org).\n"
    )

    assert segment.prompt_html == (
        '<p>Read <a href="https://example.org" rel="noopener noreferrer">the guide</a>.</p>'
    )


def test_render_inline_keeps_emphasis_and_drops_blocks():
    assert render_inline("**Bold** and <h3>big</h3> [x](javascript:y)") == (
        '<strong>Bold</strong> and big <a rel="noopener noreferrer">x</a>'
    )


def test_plain_text_unescapes_entities_and_strips_tags():
    assert plain_text("AT&amp;T <em>*now*</em> `C-104` \\*") == "AT&T now C-104 *"


def test_runs_of_headings_and_rules_render_as_written():
    html = render_markdown("Intro\n---\n### A\ntext\n***\n> ### Quoted\n> ---\n> more\n#### B #")

    assert html == (
        "<p>Intro</p>\n<hr>\n<h3>A</h3>\n<p>text</p>\n<hr>\n<blockquote>\n<h3>Quoted</h3>\n"
        "<hr>\n<p>more</p>\n</blockquote>\n<h4>B</h4>"
    )


def test_fenced_code_keeps_its_lines_exactly():
    html = render_markdown("```\n## not a heading\n---\n```")

    assert html == "<pre><code>## not a heading\n---\n</code></pre>"


def test_deeply_nested_lists_render_as_plain_text_instead_of_failing():
    html = render_markdown("- " * 600 + "deep <script>x</script>")

    assert html.startswith("<pre>") and "deep" in html and "<script" not in html


# --- documents too costly to render ---------------------------------------------------------

TOO_COSTLY = (
    "the playbook has too much markup to show quickly, most of it in the paragraph starting "
    'here — split long paragraphs, and look for stray "[", "(", "*" or "#" characters'
)


@pytest.mark.parametrize(
    "paragraph",
    ["[x](" * 60_000, "[" * 100_000 + "]" * 100_000, "\\*" * 100_000, "*a* " * 60_000],
    ids=["unclosed links", "nested brackets", "escapes", "emphasis"],
)
def test_pathological_markup_is_refused_at_its_paragraph(paragraph):
    result = parse_playbook(f"Title: T\n\n## Reflect (5 min)\nRead this.\n\n{paragraph}\n")

    assert messages(result.errors) == [(6, TOO_COSTLY)]


def test_endless_rules_are_refused():
    result = parse_playbook("Title: T\n\n## Reflect (5 min)\n" + "---\n" * 60_000)

    assert messages(result.errors) == [
        (
            None,
            "the playbook has too much markup to show quickly — split long paragraphs, and "
            'look for stray "[", "(", "*" or "#" characters',
        )
    ]


def test_a_full_size_realistic_playbook_is_accepted():
    prompt = (
        "Work the cases in your tray **together**. Read [the intake guide]"
        "(https://intranet.example.gov/services/intake/guides/case-handling?version=3) and the "
        "[policy notes][policy] before you start, and log every *handoff*, even a quick "
        "question across the room. Use case labels such as `C-104`, never client names.\n\n"
        "- Open the case in the app\n- Record each handoff, with the reason\n"
        "- Mark it **answered** when the client could be told\n\n"
        "| Lane | Example |\n|---|---|\n| Blockers | _Waiting on policy_ |\n\n"
        "### Facilitator notes\nWalk the room; do not answer policy questions yourself. "
        "Remind people to log handoffs at the halfway mark.\n"
    )
    agenda = "".join(f"## Case work, part {n} (10 min)\n{prompt}\n" for n in range(1, 19))
    sessions = "".join(f"# Session {n}\n{agenda}## Reflect (10 min)\n" for n in range(1, 21))
    source = f"Title: Big\nSessions: 20\n\n{sessions}\n[policy]: https://example.gov/policy\n"
    assert len(source.encode()) > config.PLAYBOOK_MAX_BYTES * 0.8

    playbook = parse_ok(source)

    first = playbook.sessions[19].segments[0]
    assert '<a href="https://example.gov/policy" rel="noopener noreferrer">' in first.prompt_html
    assert first.notes_html.startswith("<p>Walk the room")


# --- participant version ----------------------------------------------------------------------


def test_participant_markdown_removes_every_notes_section():
    version = participant_markdown(DESIGN_EXAMPLE.encode("utf-8-sig"))

    assert "Facilitator notes" not in version
    assert "Shown to facilitators only." not in version
    assert "Body shown to participants.\n\n## Case work in pods (45 min) {: .work }" in version
    result = parse_playbook(version)
    assert result.ok and result.warnings == ()
    assert all(seg.notes_html == "" for seg in result.playbook.sessions[0].segments)
    assert [s.title for s in result.playbook.sessions[0].segments] == [
        s.title for s in parse_playbook(DESIGN_EXAMPLE).playbook.sessions[0].segments
    ]


def test_participant_markdown_keeps_prompt_sections_and_code():
    source = dedent(
        """\
        Title: T

        ## Case work (45 min)
        Work the tray.

        ### Notes pour l’animation
        Secret.
        #### Still secret
        Also secret.

        ### What to log
        ```
        ### Facilitator notes
        ```
        """
    )

    version = participant_markdown(source)

    assert "ecret" not in version
    assert "### What to log" in version
    assert "```\n### Facilitator notes\n```" in version


# --- storage ----------------------------------------------------------------------------------


def test_playbook_to_dict_is_json_with_the_documented_shape():
    playbook = parse_ok(FOUR_SESSIONS)

    document = json.loads(json.dumps(playbook_to_dict(playbook)))

    assert document["title"] == "Intake playtest"
    assert document["duration"] == 90
    assert document["lanes"] == list(config.DEFAULT_LANES)
    assert document["sessions"][0]["title"] == "Getting started"
    assert document["sessions"][1] == {
        "number": 2,
        "title": None,
        "duration": 90,
        "minutes": 90,
        "segments": [
            {
                "title": "Check-in",
                "minutes": 10,
                "kind": "plenary",
                "prompt_html": "",
                "notes_html": "",
            },
            {
                "title": "Case work",
                "minutes": 45,
                "kind": "work",
                "prompt_html": "",
                "notes_html": "",
            },
            {
                "title": "Reflect",
                "minutes": 20,
                "kind": "reflect",
                "prompt_html": "",
                "notes_html": "",
            },
            {
                "title": "Discussion",
                "minutes": 15,
                "kind": "discuss",
                "prompt_html": "",
                "notes_html": "",
            },
        ],
    }
    assert {"votes", "roles", "questions", "anonymity", "language", "intro_html"} <= set(document)


def test_playbook_round_trips_through_a_dict():
    playbook = parse_playbook(DESIGN_EXAMPLE).playbook

    again = playbook_from_dict(json.loads(json.dumps(playbook_to_dict(playbook))))

    assert again == playbook
    assert again.sessions[0].segments[0].line == 0


def test_undeclared_duration_round_trips_as_none():
    playbook = parse_ok("Title: T\n\n## Reflect (25 min)\n")

    again = playbook_from_dict(playbook_to_dict(playbook))

    assert (again.duration, again.sessions[0].duration) == (None, 25)


def test_a_dict_without_declared_duration_still_loads():
    document = playbook_to_dict(parse_playbook(DESIGN_EXAMPLE).playbook)
    del document["declared_duration"]

    assert playbook_from_dict(document).duration == 90


# --- properties -------------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        "Title: T\n",
        "title: Équipe\n",
        "Sessions: 2\n",
        "Sessions: 0\n",
        "Duration: 30\n",
        "Votes: 3\n",
        "Lanes: A\n",
        "    B\n",
        "Anonymity: off\n",
        "---\n",
        "...\n",
        "\n",
        "# Session 1\n",
        "# Session 2: Two\n",
        "# Other\n",
        "## Case work (10 min)\n",
        "## Reflect (1h30m) {: .reflect }\n",
        "## Break (0:15)\n",
        "## Nope (0 min)\n",
        "## Kinds (5m) {: .nope }\n",
        "### Facilitator notes\n",
        "> ### Notes pour l'animation\n",
        "#### Sub\n",
        "Some *text* here.\n",
        "```\n",
        "~~~\n",
        "- item\n",
        "    indented\n",
        "<script>alert(1)</script>\n",
        "[x](javascript:alert(1))\n",
        "\r\n",
        "\ufeff",
        "{: .work }",
        "(",
        ")",
        "#",
        "\t",
    ]
)
MARKDOWNISH = st.lists(st.one_of(FRAGMENTS, st.text(max_size=6)), max_size=40).map("".join)


def check_result(result: ParseResult) -> None:
    assert (result.playbook is None) == bool(result.errors)
    for problem in result.errors + result.warnings:
        assert problem.line is None or problem.line >= 1
        assert problem.message
    if result.playbook is not None:
        for html in all_html(result.playbook):
            assert not FORBIDDEN.search(html)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), MARKDOWNISH))
def test_parse_never_raises_on_text(text):
    check_result(parse_playbook(text))
    participant_markdown(text)


@settings(max_examples=200)
@given(st.binary())
def test_parse_never_raises_on_bytes(data):
    check_result(parse_playbook(data))
    participant_markdown(data)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_valid_playbooks_round_trip(text):
    result = parse_playbook("Title: Generated\n\n## Reflect (5 min)\n" + text)
    if result.playbook is not None:
        assert playbook_from_dict(json.loads(json.dumps(playbook_to_dict(result.playbook)))) == (
            result.playbook
        )


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_participant_version_never_carries_notes(text):
    result = parse_playbook(participant_markdown("Title: T\n\n## Reflect (5 min)\n" + text))
    if result.playbook is not None:
        for session in result.playbook.sessions:
            assert all(segment.notes_html == "" for segment in session.segments)
