"""Two teams on one server: every route and every socket event keeps a playtest to its members.

Both walks are generated from the app's registries (app.url_map and the /live handlers), so a
new route or event cannot be forgotten: a route naming a playtest, round or session must
answer a non-member with 404 and an observer member's change with `forbidden`; any other
route must be listed in NOT_PER_PLAYTEST with the reason; an unknown URL argument fails.
"""

from __future__ import annotations

import pytest
from flask import url_for

from playtest.actions.models import Action
from playtest.cases import services as cases
from playtest.extensions import db, socketio
from playtest.facilitation import services as facilitation
from playtest.members import services as members
from playtest.realtime import NAMESPACE
from tests.auth import PASSWORD
from tests.conftest import drain, emit

# URL arguments that name something inside one playtest, and the others a route may have.
PER_PLAYTEST_ARGS = {"playtest_id", "round_id", "session_id", "case_id", "action_id"}
OTHER_ARGS = {"user_id", "fmt"}
# Routes that name no playtest, and why anyone signed in (or anyone at all) may reach them.
NOT_PER_PLAYTEST = {
    "static": "the app's own CSS, JS and images",
    "facilitation.front": "home: the join form, or a signed-in person's way to their playtests",
    "facilitation.front_again": "a join link without its code: a redirect to the join form",
    "auth.login": "signing in",
    "auth.logout": "signing out",
    "auth.set_password": "a one-time link's own secret decides",
    "i18n.choose": "the language toggle",
    "playbooks.index": "the playbook library is shared (DESIGN.md §12)",
    "playbooks.preview": "the playbook library is shared",
    "playbooks.shared": "a playbook's share link is the secret",
    "playbooks.shared_markdown": "a playbook's share link is the secret",
    "facilitation.playtests": "lists only the account's own playtests (tested below)",
    "facilitation.join": "participants join with the session's code, no account",
    "admin.users": "admins only (tests/admin)",
    "admin.reset": "admins only",
    "admin.deactivate": "admins only",
    "admin.reactivate": "admins only",
    "admin.revoke_tokens": "admins only",
    "api.join": "participants join with the session's code, no account",
    "api.upload_playbook": "the playbook library is shared",
    "api.create_playtest": "the new playtest is its creator's",
    "actions.feedback_page": "“You said, we did”: the link's own secret decides",
    "removals.remove_playbook": "the playbook library is shared (tests/removals)",
}
SOCKET_LIFECYCLE = {"connect", "disconnect", "*"}
# The run of show's events (DESIGN.md §9): an observer member may send none of them either.
RUN_OF_SHOW_EVENTS = {
    "me:role",
    "agenda:edit",
    "ready:ask",
    "ready:set",
    "ratings:open",
    "reflection:staff_add",
}


@pytest.fixture
def teams(app, make):
    """Alice's playtest (Dave co-facilitates, Carol observes) and Bob of another team."""
    app.config["WTF_CSRF_ENABLED"] = False  # the membership answer, not CSRF's, is under test
    alice = make.facilitator("alice@example.gov", PASSWORD, member=False)
    playtest = facilitation.create_playtest("Alice's intake playtest", alice)
    round_ = facilitation.add_round(playtest, "Baseline", make.playbook().id)
    session, _ = facilitation.schedule_session(round_, 1)
    bob = make.facilitator("bob@example.gov", PASSWORD, member=False)
    carol = make.facilitator("carol@example.gov", PASSWORD, member=False)
    dave = make.facilitator("dave@example.gov", PASSWORD, member=False)
    members.add_member(alice, playtest, carol.email, "observer")
    members.add_member(alice, playtest, dave.email, "facilitator")
    _token, attendance = make.join(session, "Erin", "Intake officer")
    case, _ = cases.open_case(
        facilitation.participant_viewer(attendance),
        {"client_id": "00000000-0000-4000-8000-000000000017", "label": "C-1"},
    )
    action = Action(
        playtest_id=playtest.id,
        round_id=round_.id,
        origin_session_id=session.id,
        origin_session_number=1,
        client_id="walker-action-1",
        text="Agreed change",
        status="agreed",
        history=[],
    )
    db.session.add(action)
    db.session.commit()
    return {
        "action_id": action.id,
        "playtest_id": playtest.id,
        "round_id": round_.id,
        "session_id": session.id,
        "case_id": case.id,  # a case of Alice's playtest, for the case page
        "user_id": dave.id,  # a member, for the member-removal routes
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "tokens": {who: make.token(user) for who, user in (("bob", bob), ("carol", carol))},
    }


def walked_routes(app, teams) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every route that names something inside Alice's playtest."""
    found = []
    for rule in app.url_map.iter_rules():
        names = set(rule.arguments)
        if not names & PER_PLAYTEST_ARGS:
            assert rule.endpoint in NOT_PER_PLAYTEST, (
                f"{rule.endpoint} ({rule.rule}): a route that names no playtest. List it in "
                "NOT_PER_PLAYTEST with the reason anyone may reach it, or, if it belongs to a "
                "playtest, give this test its argument in PER_PLAYTEST_ARGS"
            )
            continue
        unknown = names - PER_PLAYTEST_ARGS - OTHER_ARGS
        assert not unknown, f"{rule.endpoint}: tell this test what {unknown} is"
        values = {name: teams[name] for name in names - {"fmt"}}
        if "fmt" in names:
            values["fmt"] = "json"
        with app.test_request_context():
            url = url_for(rule.endpoint, table="cases", **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


def request(client, endpoint: str, method: str, url: str, token: str):
    """A page with the login cookie, an API call with the bearer token (JSON {} as body)."""
    if endpoint.startswith("api."):
        headers = {"Authorization": f"Bearer {token}"}
        return client.open(url, method=method, json={}, headers=headers)
    return client.open(url, method=method, data={})


def signed_in(app, email: str):
    """A client signed in through the login form (CSRF is off in these tests)."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_every_route_of_a_playtest_is_404_for_a_non_member(app, teams):
    bob = signed_in(app, "bob@example.gov")
    routes = walked_routes(app, teams)
    assert len(routes) > 20  # the walk really covers the app
    for endpoint, method, url in routes:
        response = request(bob, endpoint, method, url, teams["tokens"]["bob"])
        assert response.status_code == 404, (endpoint, method, url, response.status_code)
        if endpoint.startswith("api."):
            assert response.json["error"]["code"] == "not_found", (endpoint, method)
    # The same page as for an id that does not exist (but for the address in the language
    # toggle's way back): nothing confirms it.
    theirs = f"/playtests/{teams['playtest_id']}"
    missing = bob.get("/playtests/999999").get_data(as_text=True)
    page = bob.get(theirs).get_data(as_text=True)
    assert page.replace(theirs, "/playtests/999999") == missing


def test_every_route_of_a_playtest_lets_an_observer_member_read_but_change_nothing(app, teams):
    carol = signed_in(app, "carol@example.gov")
    for endpoint, method, url in walked_routes(app, teams):
        response = request(carol, endpoint, method, url, teams["tokens"]["carol"])
        if method == "GET":
            assert response.status_code == 200, (endpoint, url, response.status_code)
        else:
            assert response.status_code == 403, (endpoint, method, url, response.status_code)
            if endpoint.startswith("api."):
                assert response.json["error"]["code"] == "forbidden", (endpoint, method)


def live_events() -> set[str]:
    """Every event a /live client can send, from the Socket.IO server's handler registry."""
    return set(socketio.server.handlers[NAMESPACE]) - SOCKET_LIFECYCLE


def test_a_non_member_cannot_open_a_socket_on_the_session(app, live, teams):
    session_id = teams["session_id"]
    by_token = live.connect({"token": teams["tokens"]["bob"], "session_id": session_id})
    assert not by_token.is_connected(NAMESPACE)
    bob = signed_in(app, "bob@example.gov")
    by_cookie = live.connect({"session_id": session_id}, flask_client=bob)
    assert not by_cookie.is_connected(NAMESPACE)
    # The refusal says what an unknown session's says: nothing about this one.
    unknown = live.connect({"token": teams["tokens"]["bob"], "session_id": 999999})
    assert not unknown.is_connected(NAMESPACE)


def test_every_event_is_forbidden_to_an_observer_member(app, live, teams):
    carol = live.staff(teams["tokens"]["carol"], teams["session_id"])
    state = drain(carol)["state"][0]
    assert state["session"]["id"] == teams["session_id"]  # she reads the session...
    events = live_events()
    assert {"timer:control", "reflection:hide", "board:mode", "reflection:group"} <= events
    assert {"action:add", "action:propose", "action:update"} <= events
    assert RUN_OF_SHOW_EVENTS <= events
    for event in sorted(events):
        ack = emit(carol, event, {})
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", (event, ack)


def test_every_event_of_a_cookie_socket_is_forbidden_to_an_observer_member(app, live, teams):
    """Signed in with the login cookie instead of a token: the same membership rules."""
    client = signed_in(app, "carol@example.gov")
    carol = live.connect({"session_id": teams["session_id"]}, flask_client=client)
    assert carol.is_connected(NAMESPACE)
    for event in sorted(live_events()):
        ack = emit(carol, event, {})
        assert ack["error"]["code"] == "forbidden", (event, ack)


def test_an_unknown_event_gets_an_unknown_event_ack(live, teams):
    carol = live.staff(teams["tokens"]["carol"], teams["session_id"])
    ack = emit(carol, "timer:explode", {"action": "now"})
    assert ack == {
        "ok": False,
        "error": {"code": "unknown_event", "message": "There is no event called “timer:explode”."},
    }
