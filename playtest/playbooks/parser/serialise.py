"""A playbook document as JSON-able data and back: `Playbook.document` in the database holds it."""

from __future__ import annotations

from typing import Any

from playtest import config
from playtest.playbooks.parser.document import PlaybookDocument, SegmentPlan, SessionAgenda


def playbook_to_dict(pb: PlaybookDocument) -> dict[str, Any]:
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


def playbook_from_dict(d: dict[str, Any]) -> PlaybookDocument:
    """The playbook `playbook_to_dict` described (segment lines become 0)."""
    sessions = tuple(
        SessionAgenda(
            number=int(session["number"]),
            title=session.get("title"),
            segments=tuple(
                SegmentPlan(
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
    return PlaybookDocument(
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
