"""Benchmark GET /api/v1/playtests/<id>/summary on a playtest with a lot of data.

Seeds one playtest with N sessions' worth of rows (default 10,000; a "session's worth" is
what a 90-minute room of 12 produces: 24 cases with ~80 case events, 18 cards, 60 votes,
96 ratings, 5 segment runs) into a fresh database, then times the summary endpoint.

Shapes (--shape):
  deep  (default) the realistic structure of a big study, 2 rounds x 20 sessions (20 is the
        playbook maximum), with N sessions' worth of cases, case events and cards spread
        over those 40 sessions. Ratings stay at the size of a real room (12 people): the
        schema allows one answer per person, session, phase and question, and a round's
        people are the same people session after session.
  wide  N sessions, literally: N / 20 rounds of 20 sessions, each a session's worth.
        The summary has a confidence block (bootstrap CI, Wilcoxon) per session and per
        round, so this measures the per-session statistics as much as the queries.

    python bench/summary_bench.py                                  # SQLite, deep, 10,000
    python bench/summary_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    python bench/summary_bench.py --shape wide --sessions 400

Prints seeding time, row counts, the time of one summary read afresh from every row and of
the first summary (which stores each finished session's digest, summary/digests.py), then
p50/p95/p99 over --runs requests through the Flask test client (or a real server with
--server-url and --token, after seeding that server's database) in three phases: nothing
changed (the settled playtest's summary text is served again), the baseline round relabelled
before each request (the summary is rebuilt from the stored digests, no session re-read),
and one finished session changed before each request (that session is re-read too).

--process on|off|both (default both) times the phases with the process block (DESIGN.md §11:
process maps, working minutes, rework, the edges that changed) and without it
(build_summary(with_process=False)), to show what it adds to a rebuild.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playtest import create_app  # noqa: E402
from playtest.extensions import db  # noqa: E402
from playtest.models import (  # noqa: E402
    Attendance,
    Case,
    CaseEvent,
    Participant,
    Playbook,
    Playtest,
    Rating,
    Reflection,
    ReflectionGroup,
    Round,
    SegmentRun,
    Session,
    Vote,
    hash_token,
)

PLAYBOOK = """Title: Bench playtest
Sessions: 20
Duration: 90
Roles: Intake officer
       Benefits officer
       Policy advisor
       Team lead
Questions: I know who to ask when a case is unclear
           I can resolve a case without handing it off
           I feel connected to colleagues in other teams
           I am confident the answer we give the client is right
Votes: 5

## Check-in (10 min) {: .plenary }
## Case work in pods (45 min) {: .work }
## Reflect (20 min) {: .reflect }
## Discussion (15 min) {: .discuss }
"""
ROLES = ["Intake officer", "Benefits officer", "Policy advisor", "Team lead"]
LANES = ["Highlights", "Blockers", "Opportunities"]
PEOPLE = 12
CASES, CARDS, VOTES_EACH = 24, 18, 5
SESSIONS_PER_ROUND = 20
CHUNK = 20_000
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Writer:
    """Bulk inserts with ids assigned here (one fresh database), flushed in chunks.

    Every flush writes all pending tables parents first, so foreign keys hold throughout.
    """

    def __init__(self) -> None:
        self.rows: dict[type, list[dict]] = {}
        self.next_id: dict[type, int] = {}
        self.counts: dict[str, int] = {}

    def peek_id(self, model: type) -> int:
        return self.next_id.get(model, 1)

    def add(self, model: type, **values) -> int:
        if "id" not in values:
            values["id"] = self.next_id.get(model, 1)
        self.next_id[model] = max(self.next_id.get(model, 1), values["id"] + 1)
        self.rows.setdefault(model, []).append(values)
        if len(self.rows[model]) >= CHUNK:
            self.flush()
        return values["id"]

    def flush(self) -> None:
        by_table = {model.__table__: model for model in self.rows}
        for table in db.metadata.sorted_tables:
            model = by_table.get(table)
            rows = self.rows.get(model) if model else None
            if rows:
                db.session.execute(sa.insert(model), rows)
                self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
                self.rows[model] = []


def seed(shape: str, sessions_worth: int, seed_value: int) -> tuple[int, dict, float]:
    """Seed one playtest; returns (playtest id, row counts, seconds)."""
    from playtest.playbooks.services import import_playbook

    started = time.perf_counter()
    rng = random.Random(seed_value)
    playbook: Playbook = import_playbook(PLAYBOOK).playbook
    playtest = Playtest(title="Bench: summary at scale")
    db.session.add(playtest)
    db.session.flush()
    if shape == "deep":
        rounds_n, per_round = 2, SESSIONS_PER_ROUND
    else:
        rounds_n = max(2, math.ceil(sessions_worth / SESSIONS_PER_ROUND))
        per_round = SESSIONS_PER_ROUND
    sessions_n = rounds_n * per_round
    scale = sessions_worth / sessions_n  # sessions' worth of cases and cards per session
    writer = Writer()
    people = [Participant(playtest_id=playtest.id) for _ in range(PEOPLE)]
    db.session.add_all(people)
    rounds = [
        Round(
            playtest=playtest,
            label="Baseline" if i == 0 else f"Prototype {i}",
            playbook=playbook,
            position=i,
            is_baseline=i == 0,
        )
        for i in range(rounds_n)
    ]
    db.session.add_all(rounds)
    db.session.flush()
    session_ids = []
    for round_ in rounds:
        for number in range(1, per_round + 1):
            session = Session(
                round_id=round_.id,
                number=number,
                join_code=uuid.uuid4().hex[:16].upper(),
                view_token=uuid.uuid4().hex,
                status="finished",
                segment_index=3,
                created_at=T0,
                finished_at=T0,
            )
            db.session.add(session)
            session_ids.append((round_.id, round_.position, session))
    db.session.flush()

    planned = [10, 45, 20, 15]
    for index, (round_id, position, session) in enumerate(session_ids):
        start = T0 + timedelta(days=index)
        at = start
        for segment, minutes in enumerate(planned):
            actual = minutes + rng.uniform(-3, 5)
            writer.add(
                SegmentRun,
                session_id=session.id,
                segment_index=segment,
                planned_min=float(minutes),
                started_at=at,
                ended_at=at + timedelta(minutes=actual),
                paused_s=0.0,
                extension_s=0.0,
            )
            at += timedelta(minutes=actual)
        for p, person in enumerate(people):
            writer.add(
                Attendance,
                participant_id=person.id,
                session_id=session.id,
                token_hash=hash_token(uuid.uuid4().hex),
                display_name=f"Person {p}",
                role=ROLES[p % len(ROLES)],
                joined_at=start,
            )
            lift = 0.1 if position == 0 else 0.6
            for phase, shift in (("before", 0.0), ("after", lift)):
                for q in range(4):
                    writer.add(
                        Rating,
                        participant_id=person.id,
                        session_id=session.id,
                        phase=phase,
                        question_index=q,
                        value=min(5, max(1, round(3 + shift + rng.gauss(0, 0.8)))),
                        at=start,
                    )
        handoff_mean = 2.0 if position == 0 else 0.8
        for _ in range(round(CASES * scale)):
            case_id = writer.peek_id(Case)
            opener = rng.randrange(PEOPLE)
            opened = start + timedelta(minutes=10 + rng.uniform(0, 30))
            events = [
                dict(
                    case_id=case_id,
                    session_id=session.id,
                    kind="opened",
                    participant_id=people[opener].id,
                    client_id=uuid.uuid4().hex,
                    to_role=ROLES[0],
                    at=opened,
                )
            ]
            holder, handoffs = ROLES[0], 0
            next_event = writer.peek_id(CaseEvent) + 1
            for _step in range(min(6, int(rng.expovariate(1 / handoff_mean)))):
                to_role = rng.choice([r for r in ROLES if r != holder])
                events.append(
                    dict(
                        id=next_event,
                        case_id=case_id,
                        session_id=session.id,
                        kind="handoff",
                        participant_id=people[opener].id,
                        client_id=uuid.uuid4().hex,
                        from_role=holder,
                        to_role=to_role,
                        at=opened + timedelta(minutes=1 + handoffs),
                    )
                )
                next_event += 1
                if rng.random() < 0.02:  # a handoff the facilitator undid: not counted
                    events.append(
                        dict(
                            id=next_event,
                            case_id=case_id,
                            session_id=session.id,
                            kind="handoff_undone",
                            corrects_id=next_event - 1,
                            at=opened + timedelta(minutes=1.5 + handoffs),
                        )
                    )
                    next_event += 1
                    continue
                holder, handoffs = to_role, handoffs + 1
            answered = None
            if rng.random() < 0.9:
                minutes = (8 + 7 * handoffs) * rng.lognormvariate(0, 0.4)
                answered = opened + timedelta(minutes=minutes)
                events.append(
                    dict(
                        id=next_event,
                        case_id=case_id,
                        session_id=session.id,
                        kind="answered",
                        participant_id=people[opener].id,
                        client_id=uuid.uuid4().hex,
                        from_role=holder,
                        at=answered,
                    )
                )
            # The cache that cases.services.replay() keeps on the case row.
            writer.add(
                Case,
                round_id=round_id,
                session_id=session.id,
                participant_id=people[opener].id,
                client_id=uuid.uuid4().hex,
                label=f"C-{rng.randrange(100, 999)}",
                case_type=None,
                pii_flag=False,
                opened_at=opened,
                status="answered" if answered else "open",
                holder_role=holder,
                handoffs=handoffs,
                answered_at=answered,
                answered_session_id=session.id if answered else None,
            )
            for event in events:
                writer.add(CaseEvent, **event)

        group_id = writer.add(ReflectionGroup, session_id=session.id, title="Theme", created_at=at)
        n_cards = round(CARDS * scale)
        first_card = writer.peek_id(Reflection)
        ballots = [
            rng.sample(range(n_cards), k=min(n_cards, round(VOTES_EACH * scale))) for _ in people
        ]
        votes = [0] * n_cards
        for ballot in ballots:
            for c in ballot:
                votes[c] += 1
        for c in range(n_cards):
            author = rng.randrange(PEOPLE)
            writer.add(
                Reflection,
                session_id=session.id,
                participant_id=people[author].id,
                author_role=ROLES[author % len(ROLES)],
                client_id=uuid.uuid4().hex,
                lane=LANES[c % len(LANES)],
                text=f"Card {c} of session {session.id}",
                anonymous=rng.random() < 0.15,
                hidden=rng.random() < 0.01,
                deleted=False,
                pii_flag=False,
                votes=votes[c],
                group_id=group_id if c < 3 else None,
                created_at=at,
                updated_at=at,
            )
        for person, ballot in zip(people, ballots, strict=True):
            for c in ballot:
                writer.add(
                    Vote,
                    reflection_id=first_card + c,
                    participant_id=person.id,
                    session_id=session.id,
                    created_at=at,
                )
    writer.flush()
    if db.engine.dialect.name == "postgresql":
        for model in (Case, CaseEvent, Reflection, Vote, Rating, Attendance, SegmentRun):
            table = model.__tablename__
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            )
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    counts = {"sessions": len(session_ids), "rounds": rounds_n, **writer.counts}
    return playtest.id, counts, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--shape", choices=["deep", "wide"], default="deep")
    parser.add_argument("--sessions", type=int, default=10_000, help="sessions' worth of rows")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--server-url", help="time a running server instead of the test client")
    parser.add_argument("--token", help="staff API token for --server-url")
    parser.add_argument("--process", choices=["on", "off", "both"], default="both")
    args = parser.parse_args()
    if args.runs < 20:
        parser.error("--runs must be at least 20")

    tmp = tempfile.TemporaryDirectory(prefix="summary-bench-")
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "DATABASE_URL": None,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "TESTING": True,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        playtest_id, counts, seconds = seed(args.shape, args.sessions, args.seed)
        print(f"database: {sa.make_url(url).render_as_string(hide_password=True)}")
        print(f"shape: {args.shape}, {args.sessions:,} sessions' worth of rows")
        print(f"seeded in {seconds:.1f} s")
        for name, n in sorted(counts.items()):
            print(f"  {name:>18}: {n:>10,}")

        from playtest.auth.services import create_user, issue_api_token
        from playtest.members.services import founding_members
        from playtest.summary.services import playtest_summary

        user = create_user("bench@example.gov", "bench-password")
        founding_members(db.session.get(Playtest, playtest_id), user)  # its owner (DESIGN §12)
        token = args.token or issue_api_token(user)
        db.session.commit()
        t = time.perf_counter()
        playtest_summary(playtest_id, stored=False)
        t_fresh = time.perf_counter() - t
        t = time.perf_counter()
        playtest_summary(playtest_id)
        t_first = time.perf_counter() - t
        print(
            f"one summary read afresh from every row: {t_fresh * 1000:.0f} ms; the first summary, "
            f"which also stores the finished sessions' digests: {t_first * 1000:.0f} ms"
        )
        session_ids = list(db.session.scalars(sa.select(Session.id).order_by(Session.id)))
        db.session.remove()

        headers = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/playtests/{playtest_id}/summary"
        if args.server_url:
            import requests

            def get() -> tuple[int, int]:
                response = requests.get(args.server_url.rstrip("/") + path, headers=headers)
                return response.status_code, len(response.content)

        else:
            client = app.test_client()

            def get() -> tuple[int, int]:
                response = client.get(path, headers=headers)
                return response.status_code, len(response.data)

        def touch_one_session(i: int) -> None:
            """A write to one finished session (as a late answer or a correction makes)."""
            with app.app_context():
                db.session.execute(
                    sa.update(Session)
                    .where(Session.id == session_ids[i % len(session_ids)])
                    .values(data_version=Session.data_version + 1)
                )
                db.session.commit()

        def relabel_baseline(i: int) -> None:
            """A change outside every digest: the summary is rebuilt, no session re-read."""
            with app.app_context():
                db.session.execute(
                    sa.update(Round).where(Round.position == 0).values(label=f"Baseline {i}")
                )
                db.session.commit()

        from playtest import caches
        from playtest.summary import services

        with_process = services.build_summary

        def without_process(*a, **kw):
            return with_process(*a, **kw, with_process=False)

        variants = {"on": with_process, "off": without_process}
        results = {}
        for variant in ("on", "off") if args.process == "both" else (args.process,):
            services.build_summary = variants[variant]  # the server's own code path otherwise
            caches.SUMMARY_TEXTS.results.clear()  # the text of the other variant is not served
            status, size = get()  # warm-up: imports, caches, connection pool
            assert status == 200, status
            phases = {
                "nothing changed (the settled summary's text is served again)": (None, []),
                "round relabelled before each request (rebuilt from digests)": (
                    relabel_baseline,
                    [],
                ),
                "one session changed before each request (it is re-read)": (touch_one_session, []),
            }
            for change, timings in phases.values():
                for i in range(args.runs):
                    if change:
                        change(i)
                    t = time.perf_counter()
                    status, size = get()
                    timings.append((time.perf_counter() - t) * 1000)
                    assert status == 200, status
            results[variant] = (phases, size)
        services.build_summary = with_process
    for variant, (phases, size) in results.items():
        print(
            f"GET {path} with the process block {variant}: {args.runs} runs each, "
            f"response {size / 1024:.0f} KiB"
        )
        for name, (_change, timings) in phases.items():
            print(
                f"  {name}: p50 {percentile(timings, 50):.0f} ms   p95 "
                f"{percentile(timings, 95):.0f} ms   p99 {percentile(timings, 99):.0f} ms   "
                f"(min {min(timings):.0f}, mean {statistics.fmean(timings):.0f}, "
                f"max {max(timings):.0f})"
            )
        for name, (_change, timings) in phases.items():
            met = "met" if percentile(timings, 95) < 300 else "MISSED"
            print(f"  target p95 < 300 ms, {name}: {met}")
    if len(results) == 2:
        (on, _), (off, _) = results["on"], results["off"]
        for name in on:
            added = percentile(on[name][1], 50) / percentile(off[name][1], 50) - 1
            print(f"  the process block adds {added:+.0%} (p50) to: {name}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
