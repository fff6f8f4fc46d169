"""Members of a playtest: the list, the page section, the API, the audit, co-facilitation."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from playtest.extensions import db
from playtest.facilitation import services as facilitation
from playtest.members import services as members
from playtest.models import AuditEntry, Playbook, PlaytestMember
from playtest.playbooks.services import import_playbook
from tests.auth import PASSWORD, csrf_token, login, page_token
from tests.conftest import SMALL_PLAYBOOK, drain, emit


@pytest.fixture
def alice(make):
    return make.facilitator("alice@example.gov", PASSWORD, member=False)


@pytest.fixture
def bob(make):
    return make.facilitator("bob@example.gov", PASSWORD, member=False)


@pytest.fixture
def playtest(alice, make):
    playtest = facilitation.create_playtest("Alice's intake playtest", alice)
    round_ = facilitation.add_round(playtest, "Baseline", make.playbook().id)
    facilitation.schedule_session(round_, 1)
    return playtest


def wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def api(make, user) -> dict:
    return {"Authorization": f"Bearer {make.token(user)}"}


def roles_of(playtest) -> dict[str, str]:
    db.session.expire_all()
    return {m.user.email: m.role for m in members.members_of(playtest)}


def test_the_creator_owns_a_new_playtest_and_the_list_shows_only_ones_own(
    csrf_app, client, alice, bob, playtest
):
    assert roles_of(playtest) == {"alice@example.gov": "owner"}
    mine = facilitation.create_playtest("Bob's benefits playtest", bob)
    login(client, "bob@example.gov")
    listing = client.get("/playtests").get_data(as_text=True)
    assert "Bob&#39;s benefits playtest" in listing
    assert "Alice" not in listing and f'href="/playtests/{playtest.id}"' not in listing
    assert f'href="/playtests/{mine.id}"' in listing


def test_an_owner_adds_changes_and_removes_members_by_api_and_each_change_is_audited(
    client, make, alice, bob, playtest
):
    owner = api(make, alice)
    path = f"/api/v1/playtests/{playtest.id}/members"
    added = client.post(
        path, json={"email": "Bob@Example.gov", "role": "facilitator"}, headers=owner
    )
    assert added.status_code == 201
    assert added.json["email"] == "bob@example.gov" and added.json["role"] == "facilitator"
    changed = client.post(path, json={"email": "bob@example.gov", "role": "owner"}, headers=owner)
    assert changed.status_code == 200 and changed.json["role"] == "owner"
    listed = client.get(path, headers=api(make, bob)).json
    assert [(m["email"], m["role"]) for m in listed] == [
        ("alice@example.gov", "owner"),
        ("bob@example.gov", "owner"),
    ]
    removed = client.delete(f"{path}/{bob.id}", headers=owner)
    assert removed.status_code == 200 and removed.json == {"user_id": bob.id, "removed": True}
    assert client.get(path, headers=api(make, bob)).status_code == 404
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [
        (e.action, e.user_id, e.target, e.detail["email"], e.detail["role"]) for e in entries
    ] == [
        ("member:add", alice.id, f"playtest:{playtest.id}", "bob@example.gov", "facilitator"),
        ("member:role", alice.id, f"playtest:{playtest.id}", "bob@example.gov", "owner"),
        ("member:remove", alice.id, f"playtest:{playtest.id}", "bob@example.gov", "owner"),
    ]
    assert entries[1].detail["previous_role"] == "facilitator"


def test_members_are_refused_with_clear_messages(client, make, alice, bob, playtest):
    owner = api(make, alice)
    path = f"/api/v1/playtests/{playtest.id}/members"
    make.facilitator("watcher@example.gov", role="observer", member=False)

    def refusal(body) -> tuple[int, str]:
        response = client.post(path, json=body, headers=owner)
        return response.status_code, response.json["error"]["message"]

    assert refusal({"email": "nobody@example.gov", "role": "observer"}) == (
        422,
        "No account has that email address. Ask an admin to create one first.",
    )
    assert refusal({"email": "bob@example.gov", "role": "boss"}) == (
        422,
        "Choose owner, facilitator or observer.",
    )
    assert refusal({"email": "watcher@example.gov", "role": "facilitator"}) == (
        422,
        "watcher@example.gov has an observer account, so they can only observe.",
    )
    # The last owner can be neither demoted nor removed.
    assert refusal({"email": "alice@example.gov", "role": "facilitator"})[1] == (
        "A playtest needs an owner. Make someone else an owner first."
    )
    last = client.delete(f"{path}/{alice.id}", headers=owner)
    assert last.status_code == 422
    assert roles_of(playtest) == {"alice@example.gov": "owner"}


def test_only_owners_change_members(client, make, alice, bob, playtest):
    members.add_member(alice, playtest, bob.email, "facilitator")
    path = f"/api/v1/playtests/{playtest.id}/members"
    response = client.post(
        path, json={"email": "alice@example.gov", "role": "observer"}, headers=api(make, bob)
    )
    assert response.status_code == 403
    assert response.json["error"]["message"] == "Only the playtest's owners can do that."
    assert client.delete(f"{path}/{alice.id}", headers=api(make, bob)).status_code == 403


def test_an_observer_account_reads_only_even_as_an_owner(client, make, alice, playtest):
    """An account made observer after joining as owner keeps reading, and changes nothing."""
    watcher = make.facilitator("watcher@example.gov", PASSWORD, member=False)
    members.add_member(alice, playtest, watcher.email, "owner")
    make.facilitator("watcher@example.gov", PASSWORD, role="observer", member=False)
    headers = api(make, watcher)
    assert (
        client.get(f"/api/v1/playtests/{playtest.id}/summary", headers=headers).status_code == 200
    )
    rounds = client.post(
        f"/api/v1/playtests/{playtest.id}/rounds",
        json={"label": "X", "playbook_id": 1},
        headers=headers,
    )
    assert rounds.status_code == 403
    members_path = f"/api/v1/playtests/{playtest.id}/members"
    assert (
        client.post(
            members_path, json={"email": "alice@example.gov", "role": "observer"}, headers=headers
        ).status_code
        == 403
    )


def test_the_owner_manages_members_on_the_playtest_page(csrf_app, client, alice, bob, playtest):
    login(client, "alice@example.gov")
    page = client.get(f"/playtests/{playtest.id}").get_data(as_text=True)
    assert '<h2 class="govuk-heading-l" id="members">Members</h2>' in page
    assert f'action="/playtests/{playtest.id}/members"' in page
    token = csrf_token(page)
    assert (
        client.post(
            f"/playtests/{playtest.id}/members",
            data={"email": "bob@example.gov", "role": "observer"},
        ).status_code
        == 400
    )  # no CSRF token
    wrong = client.post(
        f"/playtests/{playtest.id}/members",
        data={"email": "nobdy@example.gov", "role": "observer", "csrf_token": token},
    )
    assert wrong.status_code == 400
    html = wrong.get_data(as_text=True)
    assert "No account has that email address." in html and 'value="nobdy@example.gov"' in html
    added = client.post(
        f"/playtests/{playtest.id}/members",
        data={"email": "bob@example.gov", "role": "observer", "csrf_token": token},
    )
    assert added.status_code == 302 and added.location.endswith(f"/playtests/{playtest.id}#members")
    assert roles_of(playtest) == {"alice@example.gov": "owner", "bob@example.gov": "observer"}
    removed = client.post(
        f"/playtests/{playtest.id}/members/{bob.id}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 302
    assert roles_of(playtest) == {"alice@example.gov": "owner"}


def test_a_facilitator_member_sees_the_members_but_no_forms_to_change_them(
    csrf_app, client, alice, bob, playtest
):
    members.add_member(alice, playtest, bob.email, "facilitator")
    login(client, "bob@example.gov")
    page = client.get(f"/playtests/{playtest.id}").get_data(as_text=True)
    assert "alice@example.gov" in page
    assert '/members"' not in page and "Add member" not in page
    assert f"/playtests/{playtest.id}/members/" not in page  # no member's Remove button
    assert "Add a round" in page  # facilitators still run the playtest
    token = page_token(client, f"/playtests/{playtest.id}")
    response = client.post(
        f"/playtests/{playtest.id}/members",
        data={"email": "bob@example.gov", "role": "owner", "csrf_token": token},
    )
    assert response.status_code == 403


def test_two_facilitators_run_one_console_and_an_observer_watches_it(
    make, live, alice, bob, playtest
):
    session = playtest.rounds[0].sessions[0]
    members.add_member(alice, playtest, bob.email, "facilitator")
    carol = make.facilitator("carol@example.gov", PASSWORD, member=False)
    members.add_member(alice, playtest, carol.email, "observer")
    consoles = [live.staff(make.token(user), session.id) for user in (alice, bob, carol)]
    states = [drain(console)["state"][0] for console in consoles]
    # Facilitators and the observer alike read the facilitator notes; presence counts all three.
    assert all("notes_html" in state["agenda"]["segments"][0] for state in states)
    assert emit(consoles[0], "timer:control", {"action": "start"})["ok"]
    assert emit(consoles[1], "timer:control", {"action": "pause"})["ok"]
    for console in consoles:
        statuses = [timer["status"] for timer in drain(console)["timer"]]
        assert statuses == ["running", "paused"]
    refused = emit(consoles[2], "timer:control", {"action": "resume"})
    assert refused["error"]["code"] == "forbidden"
    assert facilitation.presence(session.id)["staff"] == 3


def test_a_member_removed_while_their_console_is_open_can_do_nothing_more(
    make, live, alice, bob, playtest
):
    session = playtest.rounds[0].sessions[0]
    members.add_member(alice, playtest, bob.email, "facilitator")
    token = make.token(bob)
    console = live.staff(token, session.id)
    assert emit(console, "timer:control", {"action": "start"})["ok"]
    members.remove_member(alice, playtest, bob.id)
    assert not console.is_connected("/live")  # dropped at once
    again = live.connect({"token": token, "session_id": session.id})
    assert not again.is_connected("/live")


def test_a_removal_the_socket_did_not_hear_of_still_refuses_its_next_event(
    make, live, alice, bob, playtest
):
    """Another process's socket, say: its next staff event is checked against membership."""
    session = playtest.rounds[0].sessions[0]
    members.add_member(alice, playtest, bob.email, "facilitator")
    console = live.staff(make.token(bob), session.id)
    drain(console)
    db.session.execute(sa.delete(PlaytestMember).where(PlaytestMember.user_id == bob.id))
    db.session.commit()
    refused = emit(console, "timer:control", {"action": "start"})
    assert refused["error"] == {"code": "not_found", "message": "No such session."}
    assert facilitation.clock_of(db.session.get(type(session), session.id)).status == "not_started"
    # Then the socket is closed (just after the refusal's ack), so it hears the room no more.
    wait_until(lambda: not console.is_connected("/live"))


def test_a_member_made_observer_mid_session_can_no_longer_control_it(
    make, live, alice, bob, playtest
):
    session = playtest.rounds[0].sessions[0]
    members.add_member(alice, playtest, bob.email, "facilitator")
    console = live.staff(make.token(bob), session.id)
    assert emit(console, "timer:control", {"action": "start"})["ok"]
    members.add_member(alice, playtest, bob.email, "observer")
    assert emit(console, "timer:control", {"action": "pause"})["error"]["code"] == "forbidden"


def test_another_accounts_upload_of_the_same_title_starts_its_own_family(alice, bob):
    first = import_playbook(SMALL_PLAYBOOK, user=alice).playbook
    second = import_playbook(SMALL_PLAYBOOK + "\nMore notes.\n", user=alice).playbook
    theirs = import_playbook(SMALL_PLAYBOOK + "\nBob's version.\n", user=bob).playbook
    assert (first.version, second.version) == (1, 2) and second.family == first.family
    assert theirs.version == 1 and theirs.family != first.family
    # The library stays shared: both families are listed, and either can be used in a round.
    assert {p.id for p in db.session.scalars(sa.select(Playbook))} == {
        first.id,
        second.id,
        theirs.id,
    }
    mine = facilitation.create_playtest("Bob's playtest", bob)
    assert facilitation.add_round(mine, "Baseline", first.id).playbook_id == first.id
