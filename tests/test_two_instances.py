"""Two Playtest instances (their own databases) on one Redis database share nothing: not the
Socket.IO channel, not a rate-limit budget (playtest/instance.py)."""

from __future__ import annotations

import uuid

import pytest
import redis
import sqlalchemy as sa

from playtest.extensions import db
from playtest.models import Instance
from tests.conftest import REDIS_URL, Factory
from tests.facilitation.test_restart import Watcher
from tests.server import ServerProcess, seeded_app

pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="needs Redis: set PLAYTEST_TEST_REDIS_URL (CI does)"
)


def seed(url: str) -> dict:
    """Session 1 of a fresh database, with Ada and Bea joined: the same ids in every instance."""
    with seeded_app(url) as app:
        make = Factory(app)
        session = make.session()
        ada, _ = make.join(session, "Ada")
        bea, _ = make.join(session, "Bea")
        instance_id = db.session.scalar(sa.select(Instance.instance_id))
        assert session.id == 1
    return {"ada": ada, "bea": bea, "instance_id": instance_id}


def post(who: Watcher, text: str) -> dict:
    return who.call(
        "reflection:add", {"client_id": str(uuid.uuid4()), "lane": "Blockers", "text": text}
    )


def test_two_instances_on_one_redis_database_share_no_room_and_no_budget(tmp_path):
    urls = [f"sqlite:///{tmp_path / name}" for name in ("staging.sqlite3", "production.sqlite3")]
    seeds = [seed(url) for url in urls]
    assert seeds[0]["instance_id"] != seeds[1]["instance_id"]  # each database made its own
    servers = [
        ServerProcess(
            url,
            tmp_path / f"server-{n}.log",
            redis_url=REDIS_URL,
            extra_env={"PLAYTEST_RATELIMIT_ENABLED": "true"},
        ).start()
        for n, url in enumerate(urls)
    ]
    watchers: list[Watcher] = []
    try:
        ada1, bea1, ada2 = (
            Watcher(servers[i].url, {"token": seeds[i][who]})
            for i, who in ((0, "ada"), (0, "bea"), (1, "ada"))
        )
        watchers += [ada1, bea1, ada2]
        assert post(ada1, "from instance one")["ok"]
        bea1.wait_for(lambda: any(c["text"] == "from instance one" for c in bea1.cards))
        assert post(ada2, "from instance two")["ok"]
        ada2.wait_for(lambda: any(c["text"] == "from instance two" for c in ada2.cards))
        assert {c["text"] for c in ada2.cards} == {"from instance two"}
        assert {c["text"] for c in bea1.cards} == {"from instance one"}

        # Ada of instance one uses up her posting budget (30 a minute)...
        acks = [post(ada1, f"card {n}") for n in range(29)]
        assert all(ack["ok"] for ack in acks)
        assert post(ada1, "one too many")["error"]["code"] == "rate_limited"
        # ...and participant 1 of instance two still has all of hers.
        assert post(ada2, "still allowed")["ok"]

        # Every rate-limit key in Redis carries the instance id it belongs to.
        store = redis.Redis.from_url(REDIS_URL)
        keys = [key.decode() for key in store.scan_iter("*live-posts*")]
        prefixes = {f"playtest:{s['instance_id']}:" for s in seeds}
        assert keys and all(any(key.startswith(p) for p in prefixes) for key in keys), keys
        assert {p for p in prefixes if any(key.startswith(p) for key in keys)} == prefixes
        store.close()
    finally:
        for watcher in watchers:
            watcher.close()
        for server in servers:
            server.stop()


def test_an_explicit_instance_id_wins_over_the_databases(tmp_path, monkeypatch):
    from playtest import create_app

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    stored = seed(url)["instance_id"]
    monkeypatch.setenv("PLAYTEST_INSTANCE_ID", "copy-of-production")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATABASE_URL": None, "SECRET_KEY": "x"})
    assert app.config["INSTANCE_ID"] == "copy-of-production"
    monkeypatch.delenv("PLAYTEST_INSTANCE_ID")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATABASE_URL": None, "SECRET_KEY": "x"})
    assert app.config["INSTANCE_ID"] == stored
