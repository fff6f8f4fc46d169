"""Build the wheel, install it into a fresh venv and run `playtest demo --serve` from it.

Run by .ci/run: a deployment uses `pip install .`, not an editable checkout, so this checks
that the wheel carries templates, static files, translations, migrations and the sample
playbooks: from an empty folder the demo must serve the login page, its CSS and JS, and sign
the demo facilitator in.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "facilitator@example.gov", "playtest-demo"


def run(*args: str, **kwargs) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="playtest-wheel-") as tmp:
        tmp = Path(tmp)
        run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp), str(ROOT))
        (wheel,) = tmp.glob("playtest-*.whl")
        names = zipfile.ZipFile(wheel).namelist()
        for needed in (
            "playtest/templates/auth/login.html",
            "playtest/static/css/playtest.css",
            "playtest/migrations/env.py",
            "playtest/translations/fr/LC_MESSAGES/messages.mo",
            "playtest/sample_playbooks/cross-functional-intake.md",
        ):
            assert needed in names, f"the wheel lacks {needed}"
        venv = tmp / "venv"
        run(sys.executable, "-m", "venv", str(venv))
        run(str(venv / "bin" / "pip"), "install", "-q", str(wheel))
        empty = tmp / "empty"
        empty.mkdir()
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLAYTEST_")}
        env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
        server = subprocess.Popen(
            [str(venv / "bin" / "playtest"), "demo", "--serve", "--port", str(port)],
            cwd=empty,
            env=env,
            start_new_session=True,
        )
        try:
            check_served(f"http://127.0.0.1:{port}/", server)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        assert not any(empty.iterdir()), "the demo wrote into the folder it was started from"
    print("wheel OK: demo served the login page, its CSS and JS, and signed in")


def check_served(base: str, server: subprocess.Popen) -> None:
    http = requests.Session()
    deadline = time.monotonic() + 180
    while True:
        if server.poll() is not None:
            raise SystemExit(f"playtest demo --serve exited with {server.returncode}")
        try:
            login = http.get(urljoin(base, "/login"), timeout=5)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise SystemExit("the demo server never answered") from None
            time.sleep(1)
    assert login.status_code == 200, login.status_code
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', login.text)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        response = http.get(urljoin(base, asset), timeout=5)
        assert response.status_code == 200 and response.content, (asset, response.status_code)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login.text).group(1)
    signed_in = http.post(
        urljoin(base, "/login"),
        data={"csrf_token": token, "email": EMAIL, "password": PASSWORD},
        timeout=10,
    )
    assert signed_in.status_code == 200, signed_in.status_code
    assert "/login" not in signed_in.url, "the demo facilitator could not sign in"
    assert "Cross-functional" in signed_in.text, "the signed-in page shows no demo playtest"


if __name__ == "__main__":
    main()
