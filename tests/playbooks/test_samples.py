"""The sample playbooks shipped in playbooks/ import cleanly and say what they promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from playtest.playbooks.parser import parse_playbook, participant_markdown
from playtest.playbooks.parser.document import PlaybookDocument

SAMPLES = Path(__file__).resolve().parents[2] / "playbooks"
SAMPLE_FILES = sorted(SAMPLES.glob("*.md"))


def load(name: str) -> PlaybookDocument:
    result = parse_playbook((SAMPLES / name).read_bytes())
    assert result.ok, [str(problem) for problem in result.errors]
    return result.playbook


def test_the_three_documented_samples_exist():
    names = {path.name for path in SAMPLE_FILES}

    assert {"cross-functional-intake.md", "retro-60.md", "intake-transversal-fr.md"} <= names


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_every_sample_imports_without_errors_or_warnings(path):
    result = parse_playbook(path.read_bytes())

    assert [str(problem) for problem in result.errors] == []
    assert [str(problem) for problem in result.warnings] == []


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_every_segment_has_a_prompt_and_notes_stay_out_of_it(path):
    playbook = parse_playbook(path.read_bytes()).playbook

    for session in playbook.sessions:
        for segment in session.segments:
            assert segment.prompt_html, f"session {session.number}: {segment.title}"
            assert "notes" not in segment.prompt_html.lower()
            if segment.notes_html:
                assert segment.notes_html not in segment.prompt_html


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_participant_version_of_every_sample_has_no_facilitator_notes(path):
    full = parse_playbook(path.read_bytes()).playbook
    version = parse_playbook(participant_markdown(path.read_bytes()))

    assert version.ok and version.warnings == ()
    for session, full_session in zip(version.playbook.sessions, full.sessions, strict=True):
        assert [s.title for s in session.segments] == [s.title for s in full_session.segments]
        assert all(segment.notes_html == "" for segment in session.segments)


def test_cross_functional_intake_is_four_ninety_minute_sessions():
    playbook = load("cross-functional-intake.md")

    assert playbook.title == "Cross-functional intake playtest"
    assert playbook.language == "en"
    assert playbook.duration == 90
    assert [(s.number, s.minutes) for s in playbook.sessions] == [(n, 90) for n in range(1, 5)]
    assert playbook.lanes == ("Highlights", "Blockers", "Opportunities")
    assert playbook.roles == ("Intake officer", "Benefits officer", "Policy advisor", "Team lead")
    assert playbook.votes == 5
    assert len(playbook.questions) >= 3
    assert "I know who to ask when a case is unclear" in playbook.questions
    assert "I can resolve a case without handing it off" in playbook.questions
    assert "I feel connected to colleagues in other teams" in playbook.questions


def test_cross_functional_intake_has_its_own_first_and_last_session():
    sessions = load("cross-functional-intake.md").sessions

    assert sessions[0].title == "Getting started"
    assert sessions[3].title == "Looking back and deciding"
    assert sessions[1].segments == sessions[2].segments != sessions[0].segments
    for session in sessions:
        assert {"work", "reflect", "discuss"} <= {segment.kind for segment in session.segments}
        assert any(segment.notes_html for segment in session.segments)


def test_cross_functional_intake_intro_warns_about_client_details():
    intro = load("cross-functional-intake.md").intro_html

    assert "<strong>Privacy:</strong>" in intro
    assert "<code>C-104</code>" in intro


def test_retro_is_a_single_sixty_minute_session():
    playbook = load("retro-60.md")

    (session,) = playbook.sessions
    assert session.duration == session.minutes == 60
    assert session.segments[0].title == "Set the stage"
    assert "reflect" in {segment.kind for segment in session.segments}
    assert len(playbook.lanes) == 3


def test_french_version_mirrors_the_english_playtest():
    english = load("cross-functional-intake.md")
    french = load("intake-transversal-fr.md")

    assert french.language == "fr"
    assert french.lanes == ("Points forts", "Obstacles", "Occasions")
    assert len(french.roles) == len(english.roles)
    assert len(french.questions) == len(english.questions)
    assert french.votes == english.votes
    for fr_session, en_session in zip(french.sessions, english.sessions, strict=True):
        assert [(s.minutes, s.kind) for s in fr_session.segments] == [
            (s.minutes, s.kind) for s in en_session.segments
        ]
        assert (fr_session.title is None) == (en_session.title is None)


def test_french_notes_use_the_french_heading():
    source = (SAMPLES / "intake-transversal-fr.md").read_text(encoding="utf-8")
    french = load("intake-transversal-fr.md")

    assert "### Notes pour l'animation" in source
    assert "Facilitator notes" not in source
    welcome = french.sessions[0].segments[0]
    assert welcome.title == "Bienvenue et règles du jeu"
    assert "équipe d'innovation" in welcome.notes_html
