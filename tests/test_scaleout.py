"""Two real server processes over one database and Redis: fan-out across them, and failover.

Clients reach the servers through a small TCP front door per server that falls back to the
other one when its own refuses connections, as an nginx `upstream` with a `backup` would.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest
import requests
import socketio

from tests.conftest import REDIS_URL, Factory
from tests.server import seeded_app

pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="needs Redis: set PLAYTEST_TEST_REDIS_URL (CI does)"
)


class FrontDoor:
    """A loopback TCP proxy: each connection goes to the first backend port that accepts."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            upstream = self._dial()
            if upstream is None:
                client.close()
                continue
            with self._lock:
                self._open.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    def _dial(self) -> socket.socket | None:
        for port in self.backends:
            try:
                return socket.create_connection(("127.0.0.1", port), timeout=2)
            except OSError:
                continue
        return None

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        src.settimeout(None)
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        for sock in (src, dst):  # one side gone: close both, so the client sees the drop
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def close(self) -> None:
        self.listener.close()
        with self._lock:
            for sock in self._open:
                sock.close()


class Member:
    """A python-socketio client on /live (websocket only) that records what it receives."""

    EVENTS = ("state", "timer", "presence", "reflection:added", "reflection:updated")

    def __init__(self, url: str, auth: dict) -> None:
        self.got: dict[str, list[dict]] = {name: [] for name in self.EVENTS}
        self.changed = threading.Condition()
        self.client = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
        for name in self.EVENTS:
            self.client.on(name, self._recorder(name), namespace="/live")
        # A loaded CI machine can take more than the default second to answer a connect.
        self.client.connect(
            url, namespaces=["/live"], auth=auth, transports=["websocket"], wait_timeout=15
        )
        self.wait_for(lambda: self.got["state"])

    def _recorder(self, name: str):
        def record(payload: dict) -> None:
            with self.changed:
                self.got[name].append(payload)
                self.changed.notify_all()

        return record

    def wait_for(self, predicate, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                left = deadline - time.monotonic()
                assert left > 0, "timed out waiting for the server"
                self.changed.wait(left)

    def card_texts(self) -> set[str]:
        return {card["text"] for card in self.got["reflection:added"]}

    def call(self, event: str, payload: dict) -> dict:
        return self.client.call(event, payload, namespace="/live", timeout=10)

    def post(self, text: str, client_id: str | None = None) -> dict:
        ack = self.call(
            "reflection:add",
            {"client_id": client_id or str(uuid.uuid4()), "lane": "Blockers", "text": text},
        )
        assert ack["ok"], ack
        return ack

    def close(self) -> None:
        self.client.disconnect()


def seed_session(database_url: str) -> tuple[str, int, str]:
    """A facilitator's API token, and a scheduled session's id and join code."""
    with seeded_app(database_url) as app:
        make = Factory(app)
        staff_token = make.token(make.facilitator())
        session = make.session()
        return staff_token, session.id, session.join_code


def two_processes(server_factory) -> tuple:
    """Two `playtest serve` processes over one database and Redis, on a channel of their own
    (so other runs sharing this Redis never reach their sockets)."""
    channel = {"PLAYTEST_SOCKETIO_CHANNEL": f"playtest-test-{uuid.uuid4().hex}"}
    return (
        server_factory(redis_url=REDIS_URL, extra_env=channel),
        server_factory(redis_url=REDIS_URL, extra_env=channel),
    )


def join(server, code: str, name: str) -> str:
    """Join the session through `server` as an intake officer; the participant token."""
    answer = requests.post(
        server.url + "/api/v1/join",
        json={"code": code, "display_name": name, "role": "Intake officer"},
        timeout=5,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["participant_token"]


def test_two_processes_share_cards_timer_and_presence_and_survive_a_kill(
    fresh_database_url, server_factory
):
    staff_token, session_id, code = seed_session(fresh_database_url)
    one, two = two_processes(server_factory)
    door_one, door_two = FrontDoor([one.port, two.port]), FrontDoor([two.port, one.port])

    members: list[Member] = []

    def connect(door: FrontDoor, auth: dict) -> Member:
        members.append(Member(door.url, auth))
        return members[-1]

    try:
        staff_one = connect(door_one, {"token": staff_token, "session_id": session_id})
        ada = connect(door_one, {"token": join(one, code, "Ada")})
        bo = connect(door_two, {"token": join(two, code, "Bo")})

        # Presence: Bo connected to process two; the console on process one hears of it.
        staff_one.wait_for(lambda: any(p["online"] == 2 for p in staff_one.got["presence"]))
        cy_token = join(two, code, "Cy")
        cy = connect(door_two, {"token": cy_token})
        staff_one.wait_for(lambda: any(p["online"] == 3 for p in staff_one.got["presence"]))
        cy.close()
        members.remove(cy)
        staff_one.wait_for(lambda: staff_one.got["presence"][-1]["online"] == 2)

        # Cards: posted on one process, delivered to clients of both.
        ada.post("from process one")
        bo.post("from process two")
        for member in (staff_one, ada, bo):
            member.wait_for(
                lambda m=member: {"from process one", "from process two"} <= m.card_texts()
            )

        # Timer: controlled on process one, heard on process two.
        started = staff_one.call("timer:control", {"action": "start"})
        assert started["ok"], started
        bo.wait_for(lambda: bo.got["timer"] and bo.got["timer"][-1]["status"] == "running")
        assert bo.got["timer"][-1]["ends_at"] == started["timer"]["ends_at"]

        last_ack = ada.post("just before the crash", client_id="ada-last-card-0001")
        one.kill()

        # Process one's clients come back through their door to process two.
        for member in (staff_one, ada):
            member.wait_for(lambda m=member: len(m.got["state"]) >= 2)
        bo.post("while process one was down")  # Ada's fresh state or live feed must show it
        expected = {
            "from process one",
            "from process two",
            "just before the crash",
            "while process one was down",
        }
        for member in (staff_one, ada):
            member.wait_for(
                lambda m=member: (
                    "while process one was down"
                    in m.card_texts() | {c["text"] for c in m.got["state"][-1]["reflections"]}
                )
            )
        # An outbox resend after the failover is answered with the original card.
        again = ada.post("just before the crash", client_id="ada-last-card-0001")
        assert again["created"] is False
        assert again["reflection"]["id"] == last_ack["reflection"]["id"]

        # Nothing lost, nothing doubled: a fresh look at the board has each card once.
        fresh = requests.get(
            two.url + f"/api/v1/sessions/{session_id}/state",
            headers={"Authorization": f"Bearer {staff_token}"},
            timeout=5,
        ).json()
        texts = sorted(card["text"] for card in fresh["reflections"])
        assert texts == sorted(expected)
        assert fresh["timer"]["status"] == "running"
        assert fresh["presence"]["online"] == 2  # Ada and Bo, each once, though Ada moved

        # And the survivor keeps fanning out to everyone, the moved clients included.
        paused = staff_one.call("timer:control", {"action": "pause"})
        assert paused["ok"], paused
        for member in (ada, bo):
            member.wait_for(lambda m=member: m.got["timer"][-1]["status"] == "paused")
        bo.post("after the failover")
        for member in (staff_one, ada):
            member.wait_for(lambda m=member: "after the failover" in m.card_texts())
    finally:
        for member in members:
            member.close()
        door_one.close()
        door_two.close()


def test_a_room_snapshot_kept_by_one_process_shows_what_the_other_changed(
    fresh_database_url, server_factory
):
    """Each process keeps its rooms' shared `state` between connects; a card posted, hidden or
    a clock started through the other process must show to the next phone connecting here."""
    staff_token, session_id, code = seed_session(fresh_database_url)
    one, two = two_processes(server_factory)
    ada_token, bo_token = join(one, code, "Ada"), join(one, code, "Bo")
    members: list[Member] = []

    def connect(server, auth: dict) -> Member:
        members.append(Member(server.url, auth))
        return members[-1]

    def next_phone_on_two() -> dict:
        phone = connect(two, {"token": bo_token})
        state = phone.got["state"][-1]
        phone.close()
        members.remove(phone)
        return state

    try:
        staff = connect(one, {"token": staff_token, "session_id": session_id})
        ada = connect(one, {"token": ada_token})
        bo = connect(two, {"token": bo_token})  # process two builds and keeps the room's part
        assert next_phone_on_two()["reflections"] == []

        card = ada.post("posted through process one")["reflection"]
        bo.wait_for(lambda: "posted through process one" in bo.card_texts())
        assert [c["text"] for c in next_phone_on_two()["reflections"]] == [
            "posted through process one"
        ]

        hidden = staff.call("reflection:hide", {"id": card["id"], "hidden": True})
        assert hidden["ok"], hidden
        staff_sees = requests.get(
            one.url + f"/api/v1/sessions/{session_id}/state",
            headers={"Authorization": f"Bearer {staff_token}"},
            timeout=5,
        ).json()
        assert staff_sees["reflections"][0]["hidden"] is True
        # Process two heard of it when its phones did: the next phone there no longer sees it.
        bo.wait_for(lambda: bo.got["reflection:updated"])
        assert next_phone_on_two()["reflections"] == []

        started = staff.call("timer:control", {"action": "start"})
        assert started["ok"], started
        bo.wait_for(lambda: bo.got["timer"] and bo.got["timer"][-1]["status"] == "running")
        assert next_phone_on_two()["session"]["status"] == "running"
    finally:
        for member in members:
            member.close()
