"""The case event log in the process-mining standards (DESIGN.md §11), pure: rows in, text out.

IEEE 1849-2016 XES (one trace per case) and OCEL 2.0 JSON (cases, roles, sessions and
participants as objects). Corrections are removed as everywhere else (journeys.replayed).
Both writers stream: they take the cases one at a time, as a query yields them, and give
back text chunks, so a big playtest's export never sits in memory as one string. A
participant appears only as their id, never a display name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TextIO
from xml.sax.saxutils import quoteattr

from playtest.summary.journeys import ANSWERED, HANDOFF, OPENED, CaseLog, LogEvent, Role, replayed

# The activity names of the standards' events, per stored kind.
ACTIVITIES = {OPENED: "open", HANDOFF: "handoff", ANSWERED: "answer"}

XES_EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
)
XES_CLASSIFIERS = (
    ("Activity", "concept:name"),
    ("Role", "org:role"),
    ("Activity and role", "concept:name org:role"),
)


def timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds, e.g. 2026-11-23T09:00:00.000Z (an xs:dateTime too)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- XES -------------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold at all, even escaped (most C0 controls, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _attribute(kind: str, key: str, value: object, indent: str) -> str:
    text = _NOT_XML.sub("\ufffd", str(value))
    return f"{indent}<{kind} key={quoteattr(key)} value={quoteattr(text)}/>\n"


def xes_chunks(logs: Iterable[CaseLog], name: str) -> Iterator[str]:
    """The XES document in chunks: the log's declarations, then one trace per case."""
    yield _xes_head(name)
    for log in logs:
        yield _trace(log)
    yield "</log>\n"


def write_xes(logs: Iterable[CaseLog], name: str, out: TextIO) -> None:
    """Write the XES document to a text file, chunk by chunk."""
    for chunk in xes_chunks(logs, name):
        out.write(chunk)


def _xes_head(name: str) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">\n',
    ]
    lines += [
        f"  <extension name={quoteattr(n)} prefix={quoteattr(p)} uri={quoteattr(u)}/>\n"
        for n, p, u in XES_EXTENSIONS
    ]
    # Globals: the attributes every trace and every event has, with their defaults. A case
    # opened by someone without a role has no org:role, so org:role is not among them.
    lines.append('  <global scope="trace">\n')
    lines.append(_attribute("string", "concept:name", "__INVALID__", "    "))
    lines.append(_attribute("string", "playtest:label", "", "    "))
    lines.append(_attribute("string", "playtest:round", "", "    "))
    lines.append(_attribute("int", "playtest:round_id", 0, "    "))
    lines.append(_attribute("int", "playtest:session", 0, "    "))
    lines.append("  </global>\n")
    lines.append('  <global scope="event">\n')
    lines.append(_attribute("string", "concept:name", "__INVALID__", "    "))
    lines.append(_attribute("date", "time:timestamp", "1970-01-01T00:00:00.000Z", "    "))
    lines.append(_attribute("string", "lifecycle:transition", "complete", "    "))
    lines.append(_attribute("int", "playtest:session", 0, "    "))
    lines.append("  </global>\n")
    lines += [
        f"  <classifier name={quoteattr(n)} keys={quoteattr(keys)}/>\n"
        for n, keys in XES_CLASSIFIERS
    ]
    lines.append(_attribute("string", "concept:name", name, "  "))
    return "".join(lines)


def _trace(log: CaseLog) -> str:
    lines = [
        "  <trace>\n",
        _attribute("string", "concept:name", log.case_id, "    "),
        _attribute("string", "playtest:label", log.label, "    "),
        _attribute("string", "playtest:round", log.round_label, "    "),
        _attribute("int", "playtest:round_id", log.round_id, "    "),
        _attribute("int", "playtest:session", log.session_id, "    "),
    ]
    for event, holder in replayed(log.events):
        lines.append("    <event>\n")
        lines.append(_attribute("string", "concept:name", ACTIVITIES[event.kind], "      "))
        if holder is not None:
            lines.append(_attribute("string", "org:role", holder, "      "))
        if event.participant_id is not None:
            lines.append(_attribute("string", "org:resource", event.participant_id, "      "))
        lines.append(_attribute("date", "time:timestamp", timestamp(event.at), "      "))
        lines.append(_attribute("string", "lifecycle:transition", "complete", "      "))
        lines.append(_attribute("int", "playtest:session", event.session_id, "      "))
        lines.append("    </event>\n")
    lines.append("  </trace>\n")
    return "".join(lines)


# --- OCEL 2.0 JSON ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionHead:
    """A session as the OCEL log names it."""

    id: int
    number: int
    round_id: int
    round_label: str


OCEL_OBJECT_TYPES = [
    {
        "name": "case",
        "attributes": [
            {"name": "label", "type": "string"},
            {"name": "round", "type": "string"},
            {"name": "round_id", "type": "integer"},
        ],
    },
    {"name": "role", "attributes": [{"name": "name", "type": "string"}]},
    {
        "name": "session",
        "attributes": [
            {"name": "number", "type": "integer"},
            {"name": "round", "type": "string"},
            {"name": "round_id", "type": "integer"},
        ],
    },
    {"name": "participant", "attributes": []},  # an id only: never a display name
]
OCEL_EVENT_TYPES = [{"name": name, "attributes": []} for name in ACTIVITIES.values()]
# Object attributes that never change carry the epoch as their time (the standard's
# convention for a value known from the start).
_STATIC = "1970-01-01T00:00:00Z"


def case_object(case_id: int) -> str:
    return f"case:{case_id}"


def role_object(role: str) -> str:
    return f"role:{role}"


def session_object(session_id: int) -> str:
    return f"session:{session_id}"


def participant_object(participant_id: int) -> str:
    return f"participant:{participant_id}"


def ocel_chunks(logs: Iterable[CaseLog], sessions: Sequence[SessionHead]) -> Iterator[str]:
    """The OCEL 2.0 JSON document in chunks: types, then each case's events, then the objects.

    Each event is related to its case (`case`), the role(s) it concerns (`holder` for an open
    or an answer, `from` and `to` for a handoff), its session (`session`) and the participant
    who logged it (`participant`). Objects come last, once every role and participant is known:
    those the events relate to, with `sessions` giving the sessions' number and round.
    """
    dumps = _dumps
    yield '{"objectTypes":' + dumps(OCEL_OBJECT_TYPES)
    yield ',"eventTypes":' + dumps(OCEL_EVENT_TYPES) + ',"events":['
    cases: list[CaseLog] = []
    roles: dict[str, None] = {}
    participants: dict[int, None] = {}
    session_ids: dict[int, None] = {}
    first = True
    for log in logs:
        cases.append(replace(log, events=()))  # the case's own fields are enough from here
        session_ids.setdefault(log.session_id)
        previous: Role = None  # who held the case before this event
        for event, holder in replayed(log.events):
            for role in (previous, holder):
                if role is not None:
                    roles.setdefault(role)
            if event.participant_id is not None:
                participants.setdefault(event.participant_id)
            session_ids.setdefault(event.session_id)
            record = {
                "id": f"event:{event.id}",
                "type": ACTIVITIES[event.kind],
                "time": timestamp(event.at),
                "attributes": [],
                "relationships": _relations(log.case_id, event, previous, holder),
            }
            yield ("" if first else ",") + dumps(record)
            first = False
            previous = holder
    yield '],"objects":['
    heads = {session.id: session for session in sessions}
    objects = (
        *(_case_record(log) for log in cases),
        *(_role_record(role) for role in roles),
        *(_session_record(session_id, heads.get(session_id)) for session_id in session_ids),
        *(
            {"id": participant_object(participant), "type": "participant", "attributes": []}
            for participant in participants
        ),
    )
    for index, record in enumerate(objects):
        yield ("," if index else "") + dumps(record)
    yield "]}\n"


def write_ocel(logs: Iterable[CaseLog], sessions: Sequence[SessionHead], out: TextIO) -> None:
    """Write the OCEL 2.0 JSON document to a text file, chunk by chunk."""
    for chunk in ocel_chunks(logs, sessions):
        out.write(chunk)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _relations(case_id: int, event: LogEvent, previous: Role, holder: Role) -> list[dict]:
    relations = [{"objectId": case_object(case_id), "qualifier": "case"}]
    if event.kind == HANDOFF:
        if previous is not None:
            relations.append({"objectId": role_object(previous), "qualifier": "from"})
        if holder is not None:
            relations.append({"objectId": role_object(holder), "qualifier": "to"})
    elif holder is not None:
        relations.append({"objectId": role_object(holder), "qualifier": "holder"})
    relations.append({"objectId": session_object(event.session_id), "qualifier": "session"})
    if event.participant_id is not None:
        relations.append(
            {"objectId": participant_object(event.participant_id), "qualifier": "participant"}
        )
    return relations


def _static(name: str, value: object) -> dict:
    return {"name": name, "time": _STATIC, "value": value}


def _case_record(log: CaseLog) -> dict:
    return {
        "id": case_object(log.case_id),
        "type": "case",
        "attributes": [
            _static("label", log.label),
            _static("round", log.round_label),
            _static("round_id", log.round_id),
        ],
        "relationships": [{"objectId": session_object(log.session_id), "qualifier": "opened in"}],
    }


def _role_record(role: str) -> dict:
    return {"id": role_object(role), "type": "role", "attributes": [_static("name", role)]}


def _session_record(session_id: int, head: SessionHead | None) -> dict:
    attributes = []
    if head is not None:
        attributes = [
            _static("number", head.number),
            _static("round", head.round_label),
            _static("round_id", head.round_id),
        ]
    return {"id": session_object(session_id), "type": "session", "attributes": attributes}
