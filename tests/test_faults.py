"""Faults end to end against the real server: crashes, frozen clients, the database going away."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import PG_URL, Factory
from tests.facilitation.test_restart import Watcher
from tests.server import seeded_app


def seed(database_url: str, participants: int, server_url: str) -> dict:
    with seeded_app(database_url) as app:
        make = Factory(app)
        staff_token = make.token(make.facilitator())
        session = make.session()
        session_id, code = session.id, session.join_code
    tokens = [
        requests.post(
            server_url + "/api/v1/join",
            json={"code": code, "display_name": f"P{i}", "role": "Intake officer"},
            timeout=10,
        ).json()["participant_token"]
        for i in range(participants)
    ]
    return {"staff_token": staff_token, "session_id": session_id, "tokens": tokens}


def stored_card_ids(database_url: str) -> set[int]:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        ids = set(conn.execute(sa.text("SELECT id FROM reflections")).scalars())
    engine.dispose()
    return ids


class Poster:
    """One participant posting cards in a loop, keeping every ack and its own outbox."""

    def __init__(self, watcher: Watcher, name: str) -> None:
        self.watcher = watcher
        self.name = name
        self.acked: dict[str, int] = {}
        self.outbox: list[dict] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        n = 0
        while not self.stop.is_set() and n < 200:
            if not self.outbox:
                self.outbox.append(
                    {"client_id": str(uuid.uuid4()), "lane": "Blockers", "text": f"{self.name}-{n}"}
                )
                n += 1
            self.flush()
            time.sleep(0.05)

    def flush(self) -> None:
        """Like the browser: resend the head of the outbox until the server acks it."""
        while self.outbox:
            payload = self.outbox[0]
            try:
                ack = self.watcher.call("reflection:add", payload)
            except Exception:  # disconnected or timed out: keep it, try again later
                return
            if not ack.get("ok"):
                return
            self.acked[payload["client_id"]] = ack["reflection"]["id"]
            self.outbox.pop(0)


def test_sigkill_while_twenty_clients_post_loses_no_acked_card(fresh_database_url, server_factory):
    server = server_factory()
    data = seed(fresh_database_url, 20, server.url)
    watchers = [Watcher(server.url, {"token": t}) for t in data["tokens"]]
    posters = [Poster(w, f"p{i}") for i, w in enumerate(watchers)]
    try:
        for poster in posters:
            poster.thread.start()
        time.sleep(2)
        server.kill()
        time.sleep(1)
        server.start()
        time.sleep(3)
        for poster in posters:
            poster.stop.set()
        for poster in posters:
            poster.thread.join(timeout=30)
        for poster in posters:  # anything still queued goes out now the server is back
            deadline = time.monotonic() + 30
            while poster.outbox and time.monotonic() < deadline:
                poster.flush()
                time.sleep(0.2)
            assert not poster.outbox, poster.name
        acked = {cid: card for p in posters for cid, card in p.acked.items()}
        assert len(acked) > 40  # the posters really were busy around the crash
        stored = stored_card_ids(fresh_database_url)
        assert set(acked.values()) <= stored
        assert len(stored) == len(acked)  # exactly once: no duplicates from resends
        for watcher in watchers:  # every client got a fresh state after reconnecting...
            watcher.wait_for(lambda w=watcher: len(w.states) >= 2)
        after_restart = {c["id"] for c in watchers[0].states[-1]["reflections"]} | {
            c["id"] for c in watchers[0].cards
        }
        assert set(acked.values()) <= after_restart  # ...and through it, every acked card
    finally:
        for poster in posters:
            poster.stop.set()
        for watcher in watchers:
            watcher.close()


FROZEN_CLIENT = textwrap.dedent(
    """
    import json, sys, time, socketio
    url, token = sys.argv[1], sys.argv[2]
    client = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
    @client.on("state", namespace="/live")
    def state(payload):
        texts = sorted(c["text"] for c in payload["reflections"])
        print(json.dumps({"state": texts, "timer": payload["timer"]["status"]}), flush=True)
    client.connect(url, namespaces=["/live"], auth={"token": token}, transports=["websocket"])
    print(json.dumps({"connected": True}), flush=True)
    time.sleep(600)
    """
)


def test_a_client_frozen_for_two_minutes_gets_everything_it_missed(
    fresh_database_url, server_factory
):
    """SIGSTOP freezes a phone's client (dead Wi-Fi, no close frame) long past the ping timeout."""
    frozen_for = float(os.environ.get("PLAYTEST_FROZEN_CLIENT_SECONDS", "120"))
    server = server_factory()
    data = seed(fresh_database_url, 2, server.url)
    staff = Watcher(server.url, {"token": data["staff_token"], "session_id": data["session_id"]})
    other = Watcher(server.url, {"token": data["tokens"][1]})
    frozen = subprocess.Popen(
        [sys.executable, "-c", FROZEN_CLIENT, server.url, data["tokens"][0]],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = [frozen.stdout.readline(), frozen.stdout.readline()]
        assert '"state": []' in "".join(first) and '"connected": true' in "".join(first)
        os.kill(frozen.pid, signal.SIGSTOP)
        for i in range(3):
            assert other.call(
                "reflection:add",
                {"client_id": f"missed-{i}-00000", "lane": "Blockers", "text": f"missed {i}"},
            )["ok"]
        assert staff.call("timer:control", {"action": "start"})["ok"]
        time.sleep(frozen_for)
        os.kill(frozen.pid, signal.SIGCONT)
        line = frozen.stdout.readline()  # the fresh state after it notices and reconnects
        assert '"state": ["missed 0", "missed 1", "missed 2"]' in line
        assert '"timer": "running"' in line
    finally:
        os.kill(frozen.pid, signal.SIGCONT)
        frozen.kill()
        frozen.wait()
        frozen.stdout.close()
        staff.close()
        other.close()


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (PLAYTEST_TEST_DATABASE_URL)")
def test_database_away_for_seconds_gives_a_clear_retry_and_no_half_rows(
    fresh_database_url, server_factory
):
    server = server_factory()
    data = seed(fresh_database_url, 1, server.url)
    person = Watcher(server.url, {"token": data["tokens"][0]})
    name = sa.make_url(fresh_database_url).database
    admin = sa.create_engine(sa.make_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        assert person.call("case:open", {"client_id": "before-000000", "label": "C-1"})["ok"]
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
        during = person.call("case:open", {"client_id": "during-000000", "label": "C-2"})
        assert during["ok"] is False
        assert during["error"]["code"] == "unavailable"
        assert "again" in during["error"]["message"]
        time.sleep(3)
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        retry = person.call("case:open", {"client_id": "during-000000", "label": "C-2"})
        assert retry["ok"] is True and retry["created"] is True
        again = person.call("case:open", {"client_id": "during-000000", "label": "C-2"})
        assert again["case"]["id"] == retry["case"]["id"]
        engine = sa.create_engine(fresh_database_url)
        with engine.connect() as conn:
            cases = conn.execute(sa.text("SELECT id FROM cases ORDER BY id")).scalars().all()
            opened = (
                conn.execute(
                    sa.text(
                        "SELECT case_id FROM case_events WHERE kind = 'opened' ORDER BY case_id"
                    )
                )
                .scalars()
                .all()
            )
        engine.dispose()
        assert cases == opened and len(cases) == 2  # every case has its event, none half-written
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
        person.close()


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (PLAYTEST_TEST_DATABASE_URL)")
def test_database_closing_idle_connections_costs_no_event(fresh_database_url, server_factory):
    """A PostgreSQL restart between events closes every pooled connection; nobody notices.

    The pool replaces a closed connection when it hands it out, without a query per event.
    """
    server = server_factory()
    data = seed(fresh_database_url, 2, server.url)
    person = Watcher(server.url, {"token": data["tokens"][0]})
    name = sa.make_url(fresh_database_url).database
    admin = sa.create_engine(sa.make_url(PG_URL), isolation_level="AUTOCOMMIT")

    def close_server_connections() -> None:
        with admin.connect() as conn:
            closed = conn.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                    " WHERE datname = :n"
                ),
                {"n": name},
            ).scalar()
        assert closed >= 1  # the server's pooled connections really were there to close

    others: list[Watcher] = []
    try:
        assert person.call("case:open", {"client_id": "before-000000", "label": "C-1"})["ok"]
        close_server_connections()
        after = person.call("case:open", {"client_id": "after-0000000", "label": "C-2"})
        assert after["ok"] is True, after
        close_server_connections()
        others.append(Watcher(server.url, {"token": data["tokens"][1]}))
        others[0].wait_for(lambda: len(others[0].states) == 1)
        assert others[0].states[0]["presence"]["online"] == 2
    finally:
        for watcher in (person, *others):
            watcher.close()
        admin.dispose()
