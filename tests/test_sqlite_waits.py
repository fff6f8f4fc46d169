"""A slow SQLite database never freezes the server (the real gevent server, playtest/sqlite.py).

Another process holds the database's write lock for 10 s. Meanwhile a static file, a page that
reads the database and another session's socket answer within a second, and the one write
that waited is saved once the lock is gone (or refused as `unavailable`, which the outbox
sends again): nothing acknowledged is lost. A behaviour check with a generous bound.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import requests
import sqlalchemy as sa

from tests.conftest import Factory
from tests.facilitation.test_restart import Watcher
from tests.server import ServerProcess, seeded_app

HOLD_S = 10
LOCKER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE sessions SET data_version = data_version")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.execute("COMMIT")
    print("released", flush=True)
    """
)


def timed(call) -> tuple[float, object]:
    started = time.monotonic()
    result = call()
    return time.monotonic() - started, result


def test_a_writer_waiting_for_a_locked_database_stops_nobody_else(tmp_path):
    path = tmp_path / "locked.sqlite3"
    url = f"sqlite:///{path}"
    with seeded_app(url) as app:
        make = Factory(app)
        one, two = make.session(), make.session()
        ada_token, _ = make.join(one, "Ada")
        bea_token, _ = make.join(two, "Bea")
        code_two = two.join_code
    server = ServerProcess(url, tmp_path / "server.log").start()
    ada = Watcher(server.url, {"token": ada_token})
    bea = Watcher(server.url, {"token": bea_token})
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(path), str(HOLD_S)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert locker.stdout.readline().strip() == "locked"
        card = {"client_id": "waited-for-the-lock-01", "lane": "Blockers", "text": "Patience"}
        acks: list[dict] = []
        writer = threading.Thread(
            target=lambda: acks.append(ada.client.call("reflection:add", card, "/live", 40))
        )
        writer.start()
        time.sleep(1)
        assert writer.is_alive()  # the write really is waiting for the lock
        for _ in range(3):
            elapsed, css = timed(
                lambda: requests.get(server.url + "/static/css/playtest.css", timeout=5)
            )
            assert css.status_code == 200 and elapsed < 1, elapsed
            elapsed, page = timed(lambda: requests.get(f"{server.url}/j/{code_two}", timeout=5))
            assert page.status_code == 200 and elapsed < 1, elapsed  # reads the database
            elapsed, ack = timed(
                lambda: bea.call("reflection:edit", {"id": 999999, "text": "Is anyone there?"})
            )
            assert ack["error"]["code"] == "not_found" and elapsed < 1, (elapsed, ack)
            time.sleep(1)
        assert locker.stdout.readline().strip() == "released"
        writer.join(timeout=40)
        (ack,) = acks
        if not ack["ok"]:  # refused while locked: the outbox sends it again
            assert ack["error"]["code"] == "unavailable", ack
            ack = ada.call("reflection:add", card)
        assert ack["ok"], ack
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            stored = conn.execute(
                sa.text("SELECT id FROM reflections WHERE client_id = :c"),
                {"c": card["client_id"]},
            ).all()
        engine.dispose()
        assert [row[0] for row in stored] == [ack["reflection"]["id"]]
    finally:
        locker.kill()
        locker.wait()
        locker.stdout.close()
        ada.close()
        bea.close()
        server.stop()
