"""Random payloads at every /live event: the server always acks, never crashes, stays consistent."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playtest.actions.models import Action
from playtest.cases.services import replay
from playtest.enums import ActionStatus
from playtest.errors import ErrorCode
from playtest.extensions import db
from playtest.facilitation import timekeeping
from playtest.models import Case, Reflection, Session, Vote
from tests.conftest import drain, emit

EVENTS = [
    "reflection:add",
    "reflection:edit",
    "reflection:delete",
    "reflection:vote",
    "reflection:hide",
    "reflection:group",
    "board:mode",
    "board:reveal",
    "timer:control",
    "case:open",
    "case:handoff",
    "case:answer",
    "case:correct",
    "case:delete",
    "case:rename",
    "rating:submit",
    "rating:close",
    "action:add",
    "action:propose",
    "action:update",
    "me:role",
    "agenda:edit",
    "ready:ask",
    "ready:set",
    "ratings:open",
    "reflection:staff_add",
    "no:such-event",
]
CODES = {str(code) for code in ErrorCode}

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=700)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
small_ids = st.integers(min_value=-2, max_value=12)
plausible = st.fixed_dictionaries(
    {},
    optional={
        "client_id": st.uuids().map(str) | st.text(max_size=80),
        "lane": st.sampled_from(["Highlights", "Blockers", "Opportunities"]) | st.text(max_size=20),
        "text": st.text(max_size=520),
        "anonymous": st.booleans() | scalars,
        "id": small_ids | scalars,
        "ids": st.lists(small_ids, max_size=5) | scalars,
        "on": st.booleans() | scalars,
        "hidden": st.booleans() | scalars,
        "title": st.text(max_size=210) | scalars,
        "mode": st.sampled_from(["open", "private"]) | scalars,
        "action": st.sampled_from(
            [
                "start",
                "pause",
                "resume",
                "next",
                "previous",
                "extend",
                "undo",
                "undo_handoff",
                "reopen",
            ]
        )
        | scalars,
        "minutes": st.integers(-5, 200) | scalars,
        "label": st.text(max_size=70),
        "case_type": st.text(max_size=90) | scalars,
        "case_id": small_ids | scalars,
        "to_role": st.sampled_from(["Intake officer", "Policy advisor", "Benefits officer"])
        | scalars,
        "reason": st.text(max_size=510) | scalars,
        "outcome": st.text(max_size=210) | scalars,
        "phase": st.sampled_from(["before", "after"]) | scalars,
        "answers": st.dictionaries(st.sampled_from(["0", "1", "2", "x", "-1"]), st.integers(-1, 7))
        | json_values,
        "closed": st.booleans() | scalars,
        "owner": st.text(max_size=130) | scalars,
        "status": st.sampled_from(["proposed", "agreed", "trying", "done", "dropped"]) | scalars,
        "due_session_number": st.integers(-1, 22) | scalars,
        "source_ids": st.lists(small_ids, max_size=3) | scalars,
        "role": st.sampled_from(["Intake officer", "Policy advisor", "Benefits officer"]) | scalars,
        "participant_id": small_ids | scalars,
        "op": st.sampled_from(["move", "minutes", "insert", "remove"]) | scalars,
        "index": small_ids | scalars,
        "to": small_ids | scalars,
        "at": small_ids | scalars,
        "kind": st.sampled_from(["work", "reflect", "break"]) | scalars,
        "ready": st.booleans() | scalars,
    },
)
steps = st.lists(
    st.tuples(st.sampled_from(EVENTS), plausible | json_values, st.sampled_from(["ada", "staff"])),
    min_size=1,
    max_size=20,
)


def test_random_event_payloads_never_break_the_server(make, live, caplog):
    session = make.session()
    token, _ = make.join(session, "Ada", "Intake officer")
    clients = {
        "ada": live.participant(token),
        "staff": live.staff(make.token(make.facilitator()), session.id),
    }

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(steps)
    def run(sequence):
        for event, payload, who in sequence:
            ack = emit(clients[who], event, payload)
            assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (event, payload)
            if not ack["ok"]:
                assert ack["error"]["code"] in CODES, ack
                assert isinstance(ack["error"]["message"], str) and ack["error"]["message"]
            drain(clients[who])
        db.session.expire_all()
        for card in db.session.scalars(sa.select(Reflection)):
            votes = db.session.scalar(
                sa.select(sa.func.count()).where(Vote.reflection_id == card.id)
            )
            assert card.votes == votes, card.id
            assert len(card.text) <= 500
        for case in db.session.scalars(sa.select(Case)):
            cached = (case.status, case.holder_role, case.handoffs, case.answered_at)
            replay(case)
            assert (case.status, case.holder_role, case.handoffs, case.answered_at) == cached
            db.session.rollback()
        for action in db.session.scalars(sa.select(Action)):
            assert 0 < len(action.text) <= 300 and len(action.owner) <= 120
            assert action.status in set(ActionStatus)
            assert action.history[-1]["status"] == action.status
        # The agenda stays a real one, and the clock can always say where it stands.
        row = db.session.get(Session, session.id)
        segments = timekeeping.session_segments(row)
        assert 1 <= len(segments) <= 40
        assert all(1 <= seg["minutes"] <= 480 for seg in segments)
        assert timekeeping.timer(row)["server_now"]

    run()
    for client in clients.values():
        assert client.is_connected("/live")
    # Every refusal was a rule's, with its own message: no handler fell over on a payload.
    assert "unexpected error" not in caplog.text
