"""SQL statements per hot-path action: what each socket event costs the database.

    python bench/statements.py [--database-url URL]

Runs the app in-process (Flask-SocketIO's test client, a fresh SQLite file by default),
with a session scheduled from the sample playbook, and counts the statements each action
sends (SQLAlchemy's `before_cursor_execute`, so BEGIN/COMMIT as the driver sends them are not
counted; COMMITs are counted separately from the session's `after_commit`). The posting hot
path is one read and one INSERT; a change there shows here before it shows in bench/run.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

NAMESPACE = "/live"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=20, help="actions of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="playtest-statements-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/statements.sqlite3"
        sys.path.insert(0, str(BENCH))
        from run import seed_sessions

        [code] = seed_sessions(url, 1)
        count(url, code, args.repeat)


def count(url: str, code: str, repeat: int) -> None:
    from playtest import create_app
    from playtest.extensions import db, socketio

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "DATABASE_URL": None,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "PRESENCE_HEARTBEAT": False,
        }
    )
    http = app.test_client()
    tokens = []
    for name, role in (("Ada", "Intake officer"), ("Bea", "Benefits officer")):
        joined = http.post("/api/v1/join", json={"code": code, "display_name": name, "role": role})
        tokens.append(joined.get_json()["participant_token"])
    statements: Counter = Counter()
    commits: Counter = Counter()
    current = ["setup"]

    def on_statement(_conn, _cursor, statement, *_args) -> None:
        statements[current[0]] += 1
        statements[(current[0], statement.split(None, 1)[0].upper())] += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", on_statement)
    sa.event.listen(db.session, "after_commit", lambda _s: commits.update([current[0]]))

    def socket(token: str):
        return socketio.test_client(
            app, namespace=NAMESPACE, auth={"token": token}, flask_test_client=http
        )

    runs: Counter = Counter()

    def act(label: str, call):
        current[0] = label
        runs[label] += 1
        result = call()
        current[0] = "other"
        return result

    ada, bea = socket(tokens[0]), socket(tokens[1])
    act("connect+disconnect", lambda: socket(tokens[0]).disconnect(namespace=NAMESPACE))
    for _ in range(repeat - 1):
        act("connect+disconnect", lambda: socket(tokens[0]).disconnect(namespace=NAMESPACE))

    def emit(client, event: str, payload: dict) -> dict:
        ack = client.emit(event, payload, namespace=NAMESPACE, callback=True)
        if not ack.get("ok"):
            raise RuntimeError(f"{event}: {ack}")
        return ack

    cards = []
    for i in range(repeat):
        payload = {"client_id": str(uuid.uuid4()), "lane": "Highlights", "text": f"card {i}"}
        ack = act("reflection:add", lambda p=payload: emit(ada, "reflection:add", p))
        cards.append(ack["reflection"]["id"])
    for i in range(repeat):  # each connect after a change builds the room's shared part again
        emit(
            ada,
            "reflection:add",
            {"client_id": str(uuid.uuid4()), "lane": "Highlights", "text": f"change {i}"},
        )
        act(
            "connect after a new card",
            lambda: socket(tokens[0]).disconnect(namespace=NAMESPACE),
        )
    for card_id in cards[: min(repeat, 3)]:  # the playbook's vote allowance
        act(
            "reflection:vote", lambda c=card_id: emit(bea, "reflection:vote", {"id": c, "on": True})
        )
    for i in range(repeat):
        opened = act(
            "case:open",
            lambda i=i: emit(ada, "case:open", {"client_id": str(uuid.uuid4()), "label": f"C-{i}"}),
        )
        case_id = opened["case"]["id"]
        act(
            "case:handoff",
            lambda c=case_id: emit(
                ada,
                "case:handoff",
                {"client_id": str(uuid.uuid4()), "case_id": c, "to_role": "Benefits officer"},
            ),
        )
        act(
            "case:answer",
            lambda c=case_id: emit(
                bea, "case:answer", {"client_id": str(uuid.uuid4()), "case_id": c}
            ),
        )
    sa.event.remove(engine, "before_cursor_execute", on_statement)
    print(
        f"{'action':26} {'statements':>10} {'SELECT':>7} {'INSERT':>7} {'UPDATE':>7} {'COMMIT':>7}"
    )
    for label, n in runs.items():
        per = lambda key, n=n: statements[key] / n  # noqa: E731
        print(
            f"{label:26} {per(label):10.1f} {per((label, 'SELECT')):7.1f} "
            f"{per((label, 'INSERT')):7.1f} {per((label, 'UPDATE')):7.1f} {commits[label] / n:7.1f}"
        )
    print(
        f"database: {url.split(':', 1)[0]}; {repeat} of each; command: python bench/statements.py"
    )


if __name__ == "__main__":
    main()
