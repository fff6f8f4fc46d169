"""Removing a playtest, a round, an empty session, an unused playbook version: a page that
names what will go, CSRF, an audit entry; and a round left out of the summary."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from playtest.extensions import db
from playtest.facilitation import services as facilitation
from playtest.models import AuditEntry, Case, Playbook, Playtest, Reflection, Round, Session
from playtest.summary.services import playtest_summary
from tests.auth import login, page_token
from tests.conftest import SMALL_PLAYBOOK


@pytest.fixture
def staff(csrf_app, client, make):
    make.facilitator()
    login(client)
    return client


@pytest.fixture
def used(make):
    """A playtest with a baseline round whose session has a card and a case."""
    session = make.session()
    _token, ada = make.join(session, "Ada", "Intake officer")
    db.session.add(
        Reflection(
            session_id=session.id,
            participant_id=ada.participant_id,
            author_role="Intake officer",
            client_id="r-1",
            lane="Blockers",
            text="x",
        )
    )
    db.session.add(
        Case(
            round_id=session.round_id,
            session_id=session.id,
            participant_id=ada.participant_id,
            client_id="c-1",
            label="C-1",
            holder_role="Intake officer",
        )
    )
    db.session.commit()
    return session


def confirm(client, path: str) -> tuple[str, str]:
    page = client.get(path)
    assert page.status_code == 200
    return page.get_data(as_text=True), page_token(client, path)


def audited(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def test_removing_a_playtest_names_what_goes_and_needs_the_token(staff, used):
    playtest_id = used.round.playtest_id
    path = f"/playtests/{playtest_id}/remove"
    text, token = confirm(staff, path)
    assert "Remove the playtest “Intake playtest”?" in text
    for words in ("1 round", "1 session", "1 attendance", "1 card", "1 case and its log"):
        assert words in text
    assert staff.post(path, data={}).status_code in (400, 422)
    assert db.session.get(Playtest, playtest_id) is not None
    answer = staff.post(path, data={"csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/playtests")
    db.session.expire_all()
    assert db.session.get(Playtest, playtest_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reflection)) == 0
    assert audited("playtest:remove") == 1


def test_removing_a_round_keeps_the_others_in_order(staff, used, make):
    playtest = used.round.playtest
    second = make.session(playtest=playtest, label="Prototype A")
    third = make.session(playtest=playtest, label="Prototype B")
    path = f"/rounds/{second.round_id}/remove"
    text, token = confirm(staff, path)
    assert "Remove the round “Prototype A”?" in text
    assert staff.post(path, data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    labels = [(r.label, r.position) for r in db.session.get(Playtest, playtest.id).rounds]
    assert labels == [("Baseline", 0), ("Prototype B", 1)]
    assert db.session.get(Session, third.id) is not None
    summary = playtest_summary(playtest.id)
    assert [r["label"] for r in summary["rounds"]] == ["Baseline", "Prototype B"]
    assert audited("round:remove") == 1


def test_only_an_empty_session_can_be_removed(staff, used, make):
    text, token = confirm(staff, f"/sessions/{used.id}/remove")
    assert "Only a session that never started and that nobody joined" in text
    assert "Yes, remove it" not in text
    refused = staff.post(f"/sessions/{used.id}/remove", data={"csrf_token": token})
    assert refused.status_code == 422
    assert db.session.get(Session, used.id) is not None
    empty, _ = facilitation.schedule_session(used.round, 2)
    text, token = confirm(staff, f"/sessions/{empty.id}/remove")
    assert "its join code and projector link" in text
    assert staff.post(f"/sessions/{empty.id}/remove", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Session, empty.id) is None
    assert audited("session:remove") == 1


def test_a_playbook_version_goes_only_when_no_round_uses_it(staff, used, make):
    in_use = used.round.playbook_id
    text, token = confirm(staff, f"/playbooks/{in_use}/remove")
    assert "A round uses this version, so it stays." in text
    assert staff.post(f"/playbooks/{in_use}/remove", data={"csrf_token": token}).status_code == 422
    spare = make.playbook(SMALL_PLAYBOOK.replace("Small test playtest", "Spare playbook"))
    text, token = confirm(staff, f"/playbooks/{spare.id}/remove")
    assert "“Spare playbook”, version 1" in text
    assert (
        staff.post(f"/playbooks/{spare.id}/remove", data={"csrf_token": token}).status_code == 302
    )
    db.session.expire_all()
    assert db.session.get(Playbook, spare.id) is None
    assert db.session.get(Playbook, in_use) is not None
    assert audited("playbook:remove") == 1


def test_a_round_left_out_of_the_summary_and_put_back(staff, used, make):
    playtest = used.round.playtest
    trial = make.session(playtest=playtest, label="Try it live")
    page = f"/playtests/{playtest.id}"
    token = page_token(staff, page)
    answer = staff.post(
        f"/rounds/{trial.round_id}/exclusion", data={"excluded": "1", "csrf_token": token}
    )
    assert answer.status_code == 302
    assert db.session.get(Round, trial.round_id).excluded_from_summary is True
    assert "Left out of the summary" in staff.get(page).get_data(as_text=True)
    assert [r["label"] for r in playtest_summary(playtest.id)["rounds"]] == ["Baseline"]
    staff.post(f"/rounds/{trial.round_id}/exclusion", data={"excluded": "0", "csrf_token": token})
    db.session.expire_all()
    assert len(playtest_summary(playtest.id)["rounds"]) == 2
    assert audited("round:exclude") == 2
