"""End to end: a real server is SIGKILLed mid-session and restarted; nothing is lost."""

from __future__ import annotations

import threading
import time

import requests
import socketio

from tests.conftest import Factory
from tests.server import seeded_app


class Watcher:
    """A python-socketio client that records the latest `state` and `timer` it received."""

    def __init__(self, url: str, auth: dict) -> None:
        self.states: list[dict] = []
        self.timers: list[dict] = []
        self.cards: list[dict] = []
        self.changed = threading.Condition()
        self.client = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
        self.client.on("state", self._on("states"), namespace="/live")
        self.client.on("timer", self._on("timers"), namespace="/live")
        self.client.on("reflection:added", self._on("cards"), namespace="/live")
        self.client.connect(
            url, namespaces=["/live"], auth=auth, transports=["websocket"], wait_timeout=15
        )

    def _on(self, name: str):
        def handler(payload):
            with self.changed:
                getattr(self, name).append(payload)
                self.changed.notify_all()

        return handler

    def wait_for(self, predicate, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                left = deadline - time.monotonic()
                assert left > 0, "timed out waiting for the server"
                self.changed.wait(left)

    def call(self, event: str, payload: dict) -> dict:
        # `state` is emitted inside the server's connect handler, so it can arrive a moment
        # before this client counts /live as connected (browsers buffer until then).
        deadline = time.monotonic() + 30
        while "/live" not in self.client.namespaces and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.client.call(event, payload, namespace="/live", timeout=10)

    def close(self) -> None:
        self.client.disconnect()


def test_sigkill_mid_session_keeps_the_clock_and_every_card(fresh_database_url, server_factory):
    with seeded_app(fresh_database_url) as app:
        make = Factory(app)
        staff_token = make.token(make.facilitator())
        session = make.session()
        session_id, code = session.id, session.join_code
    server = server_factory()
    tokens = [
        requests.post(
            server.url + "/api/v1/join",
            json={"code": code, "display_name": f"Person {i}", "role": "Intake officer"},
            timeout=5,
        ).json()["participant_token"]
        for i in range(3)
    ]
    staff = Watcher(server.url, {"token": staff_token, "session_id": session_id})
    people = [Watcher(server.url, {"token": token}) for token in tokens]
    try:
        for watcher in (staff, *people):
            watcher.wait_for(lambda w=watcher: len(w.states) == 1)
        assert staff.call("timer:control", {"action": "start"})["ok"]
        assert staff.call("timer:control", {"action": "next"})["ok"]
        paused = staff.call("timer:control", {"action": "pause"})["timer"]
        acked = [
            people[i].call(
                "reflection:add",
                {"client_id": f"card-{i}-0000000", "lane": "Blockers", "text": f"card {i}"},
            )
            for i in range(3)
        ]
        assert all(a["ok"] for a in acked)

        server.kill()
        server.start()

        for watcher in (staff, *people):
            watcher.wait_for(lambda w=watcher: len(w.states) >= 2)
            state = watcher.states[-1]
            assert state["timer"]["status"] == "paused"
            assert state["timer"]["segment_index"] == 1
            assert abs(state["timer"]["remaining_s"] - paused["remaining_s"]) < 0.5
            assert sorted(c["text"] for c in state["reflections"]) == ["card 0", "card 1", "card 2"]
        resumed = staff.call("timer:control", {"action": "resume"})
        assert resumed["ok"] and resumed["timer"]["status"] == "running"
        for watcher in people:
            watcher.wait_for(lambda w=watcher: w.timers and w.timers[-1]["status"] == "running")
        # A resend after the restart is answered with the original card, not a copy.
        again = people[0].call(
            "reflection:add", {"client_id": "card-0-0000000", "lane": "Blockers", "text": "card 0"}
        )
        assert again["ok"] and again["created"] is False
        assert again["reflection"]["id"] == acked[0]["reflection"]["id"]
    finally:
        for watcher in (staff, *people):
            watcher.close()
