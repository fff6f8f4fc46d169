"""Actions line up with the measures in the summary (DESIGN.md §10), and trial rounds leave."""

from __future__ import annotations

from playtest.extensions import db
from playtest.models import Round
from playtest.summary.services import playtest_summary
from tests.conftest import drain, emit, new_id
from tests.summary.test_routes import sign_in


def test_actions_in_effect_are_those_trying_or_done_when_a_session_started(board, make, live):
    session = board["session"]
    playtest_id = session.round.playtest_id
    emit(board["staff"], "timer:control", {"action": "start"})
    tried = emit(board["staff"], "action:add", {"client_id": new_id(), "text": "Huddle"})["action"]
    emit(board["staff"], "action:update", {"id": tried["id"], "status": "trying"})
    emit(board["staff"], "action:add", {"client_id": new_id(), "text": "Only agreed"})
    dropped = emit(board["staff"], "action:add", {"client_id": new_id(), "text": "No"})["action"]
    emit(board["staff"], "action:update", {"id": dropped["id"], "status": "dropped"})
    emit(board["staff"], "timer:control", {"action": "finish"})
    second = make.session(number=2, playtest=session.round.playtest)
    staff = live.staff(board["staff_token"], second.id)
    drain(staff)
    emit(staff, "timer:control", {"action": "start"})

    summary = playtest_summary(playtest_id)
    round_ = summary["rounds"][0]
    first_block, second_block = round_["sessions"]
    assert first_block["actions_in_effect"] == []  # added after session 1 started
    assert second_block["actions_in_effect"] == [tried["id"]]
    assert round_["actions"] == {
        "n": 3,
        "by_status": {"proposed": 0, "agreed": 1, "trying": 1, "done": 0, "dropped": 1},
    }
    spans = {a["id"]: a for a in summary["actions"]}
    assert spans[tried["id"]]["trying_at"] and spans[tried["id"]]["ended_at"] is None
    assert spans[dropped["id"]]["ended_status"] == "dropped"
    emit(staff, "timer:control", {"action": "finish"})
    summary = playtest_summary(playtest_id)
    assert summary == {
        **playtest_summary(playtest_id, stored=False),
        "generated_at": summary["generated_at"],
    }


def test_a_round_excluded_from_the_summary_is_in_no_figure(board, make, client):
    session = board["session"]
    playtest = session.round.playtest
    trial = make.session(playtest=playtest, label="Try it live")
    headers = {"Authorization": f"Bearer {board['staff_token']}"}
    url = f"/api/v1/playtests/{playtest.id}/summary"
    assert [r["label"] for r in client.get(url, headers=headers).json["rounds"]] == [
        "Baseline",
        "Try it live",
    ]
    assert len(client.get(url, headers=headers).json["comparisons"]) == 1
    db.session.get(Round, trial.round_id).excluded_from_summary = True
    db.session.commit()
    summary = client.get(url, headers=headers).json
    assert [r["label"] for r in summary["rounds"]] == ["Baseline"]
    assert summary["comparisons"] == []


def test_the_reports_first_page_names_what_the_room_changed(board, client, make):
    session = board["session"]
    staff = board["staff"]
    done = emit(staff, "action:add", {"client_id": new_id(), "text": "One shared inbox"})
    emit(staff, "action:update", {"id": done["action"]["id"], "status": "done"})
    trying = emit(staff, "action:add", {"client_id": new_id(), "text": "Daily huddle"})
    emit(staff, "action:update", {"id": trying["action"]["id"], "status": "trying"})
    dropped = emit(staff, "action:add", {"client_id": new_id(), "text": "Rota app"})
    emit(staff, "action:update", {"id": dropped["action"]["id"], "status": "dropped"})
    emit(staff, "action:add", {"client_id": new_id(), "text": "Ask legal", "owner": "Team lead"})
    sign_in(client, make.facilitator("reader@example.gov"))
    html = client.get(f"/playtests/{session.round.playtest_id}/report").get_data(as_text=True)
    first_page = html[html.index('id="executive-summary"') : html.index("data-executive-measures")]
    listed = first_page[first_page.index("data-executive-actions") :]
    # Done first, then trying, then agreed; a dropped action is not what the room changed.
    assert (
        listed.index("One shared inbox") < listed.index("Daily huddle") < listed.index("Ask legal")
    )
    assert "Rota app" not in listed
    assert "owner: Team lead" in listed
