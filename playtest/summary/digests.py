"""Stored session digests: a finished session's summary facts, kept so the summary is fast.

A playtest with thousands of sessions' worth of cases cannot be re-read on every request, yet
its exact medians, Mann–Whitney tests and round pairs need every case's numbers and every
answer. So each finished session's SessionFacts (queries.py) are stored once, compactly
(arrays as bytes), and a summary reads the stored digests plus the rows of the sessions that
have none: the live ones, and any whose data changed since.

"Changed since" is exact, not a time-to-live. Every write to a row the summary reads for a
session bumps that session's `data_version` in the same transaction (the flush and bulk
statement listeners in versions.py, which create_app attaches), and a digest is used only
while its version matches. A summary reads the version before the rows, so a digest can only
ever be stored older than it is, never newer: a write racing with a summary makes the next
summary rebuild, not go stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import timedelta
from itertools import islice

import numpy as np
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from playtest import config
from playtest.enums import SessionStatus
from playtest.extensions import db
from playtest.models import (
    SessionDigest,
)
from playtest.summary.queries import CardRow, GroupRow, SessionFacts, session_facts
from playtest.summary.scopes import SessionInfo
from playtest.timeutil import utcnow

# Bump when SessionFacts or its packing changes: digests of another format are rebuilt.
# 2: the cases' journeys (the process map); 3: with the digest of their packed columns.
FORMAT = 3
BATCH = 2000  # sessions read per batch of queries (bounded IN lists)


def facts_for(sessions: Sequence[SessionInfo], stored: bool = True) -> dict[int, SessionFacts]:
    """Every session's facts: from its stored digest when current, else read and (if finished)
    stored for next time. `stored=False` reads everything afresh and stores nothing."""
    facts = load(sessions) if stored else {}
    missing = [s.id for s in sessions if s.id not in facts]
    for batch in _batches(missing, BATCH):
        facts.update(session_facts(batch))
    if stored:
        save([s for s in sessions if s.id in missing and settled(s)], facts)
    return facts


def settled(session: SessionInfo) -> bool:
    """Finished long enough ago that no write that saw it running can still be in flight.

    From then on every write to its summary rows bumps its data_version.
    """
    return (
        session.status == SessionStatus.FINISHED
        and session.finished_at is not None
        and session.finished_at <= utcnow() - timedelta(seconds=config.DIGEST_AFTER_FINISH_S)
    )


def load(sessions: Sequence[SessionInfo]) -> dict[int, SessionFacts]:
    """The current digests of these sessions (those whose data_version still matches)."""
    versions = {s.id: s.data_version for s in sessions if s.status == SessionStatus.FINISHED}
    out: dict[int, SessionFacts] = {}
    table = SessionDigest.__table__
    for batch in _batches(list(versions), BATCH):
        for row in db.session.connection().execute(
            sa.select(table).where(table.c.session_id.in_(batch), table.c.format == FORMAT)
        ):
            if row.data_version == versions[row.session_id]:
                out[row.session_id] = unpack(
                    row.facts, row.handoffs, row.minutes, row.ratings, row.journeys
                )
    return out


def save(sessions: Sequence[SessionInfo], facts: dict[int, SessionFacts]) -> None:
    """Store these sessions' digests at the version read before their rows; best effort.

    Two summaries racing to store the same session collide on its key: the loser keeps its
    answer and stores nothing. A digest is a cache, so failing to store one is never an error.
    """
    if not sessions:
        return
    table = SessionDigest.__table__
    rows = [
        {"session_id": s.id, "data_version": s.data_version, "format": FORMAT, **pack(facts[s.id])}
        for s in sessions
    ]
    try:
        connection = db.session.connection()
        connection.execute(sa.delete(table).where(table.c.session_id.in_([s.id for s in sessions])))
        connection.execute(sa.insert(table), rows)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def pack(facts: SessionFacts) -> dict:
    """SessionFacts as digest columns: small parts as JSON, arrays as little-endian bytes."""
    return {
        "facts": {
            "participants": facts.participants,
            "lanes": {lane: list(counts) for lane, counts in facts.lanes.items()},
            "handoff_map": [list(join) for join in facts.handoff_map],
            "top": [asdict(card) for card in facts.top],
            "groups": [asdict(group) for group in facts.groups],
            "runs": [list(run) for run in facts.runs],
            "journey_roles": facts.journey_roles,
            "journeys_key": facts.journeys_key.hex(),
        },
        "handoffs": facts.handoffs.astype("<i8").tobytes(),
        "minutes": facts.minutes.astype("<f8").tobytes(),
        "ratings": facts.ratings.astype("<i8").tobytes(),
        "journeys": facts.journey_blob,
    }


def unpack(
    small: dict, handoffs: bytes, minutes: bytes, ratings: bytes, journeys: bytes
) -> SessionFacts:
    """The SessionFacts that pack() stored."""
    return SessionFacts(
        participants=list(small["participants"]),
        handoffs=np.frombuffer(handoffs, dtype="<i8").astype(np.int64),
        minutes=np.frombuffer(minutes, dtype="<f8").astype(np.float64),
        ratings=np.frombuffer(ratings, dtype="<i8").astype(np.int64).reshape(-1, 4),
        lanes={lane: (n, hidden) for lane, (n, hidden) in small["lanes"].items()},
        handoff_map=[(f, t, n) for f, t, n in small["handoff_map"]],
        top=[CardRow(**card) for card in small["top"]],
        groups=[GroupRow(**group) for group in small["groups"]],
        runs=[(index, minutes) for index, minutes in small["runs"]],
        journey_roles=list(small["journey_roles"]),
        journey_blob=bytes(journeys),  # unpacked only if a summary needs the columns
        journeys_key=bytes.fromhex(small["journeys_key"]),
    )


def _batches(items: Sequence[int], size: int) -> Iterable[list[int]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
