"""Run the real server (`playtest serve`: gunicorn + gevent) in a subprocess, for e2e tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from playtest import create_app
from playtest.cli import upgrade_database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """One `playtest serve` process group on a port, over a given database (and Redis)."""

    def __init__(
        self,
        database_url: str,
        log_path: Path,
        *,
        port: int | None = None,
        redis_url: str | None = None,
        extra_env: dict | None = None,
    ) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.redis_url = redis_url
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> ServerProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLAYTEST_")}
        env.update(
            PLAYTEST_DATABASE_URL=self.database_url,
            PLAYTEST_SECRET_KEY="e2e-secret",
            PLAYTEST_RATELIMIT_ENABLED="false",
        )
        env.update(self.extra_env)
        if self.redis_url:
            env["PLAYTEST_REDIS_URL"] = self.redis_url
        self._close_log()
        self._log = log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "playtest", "serve", "--port", str(self.port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so kill() takes gunicorn's workers down too
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/login", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.kill()  # do not leave a half-started server (or its log file) behind
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the whole process group: no graceful shutdown, as in a crash."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._close_log()
        self._wait_port_free()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._close_log()
        self._wait_port_free()

    def _wait_port_free(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.1)


@contextmanager
def seeded_app(database_url: str):
    """An app context on the server's database, schema migrated, for seeding and checking."""
    from playtest.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "DATABASE_URL": None, "SECRET_KEY": "e2e-secret"}
    )
    with app.app_context():
        upgrade_database()
        yield app
        db.session.remove()
        db.engine.dispose()
