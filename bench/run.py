"""Realtime benchmark: Playtest against a bare Flask-SocketIO server, in the same run.

    python bench/run.py --scenario a|b|c|d|e|all [--repeat N] [--json results.json]

For each scenario both servers are started the same way (gunicorn; gevent by default), the
same load generator (bench/load.py) connects the same number of clients and posts at the
same rate, and the two are printed side by side with the app/bare ratio. The app gets a
fresh database, real sessions and real participant tokens from POST /api/v1/join, with
PLAYTEST_RATELIMIT_ENABLED=false. See bench/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from load import LoadGenerator, PhaseResult, Seat, join_seats, latency_ms  # noqa: E402

PLAYBOOK = ROOT / "playbooks" / "cross-functional-intake.md"
P99_BOUND_MS = 250.0


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    participants: int
    sessions: int
    rate: float = 0.0  # cards per second over all sessions; 0 for the capacity search
    workers: int = 1
    postgres: bool = False  # (e) always; the others with --database postgres
    storm: bool = False  # (r): SIGKILL and restart the server, time the reconnections

    @property
    def capacity(self) -> bool:
        return self.rate == 0


SCENARIOS = {
    "a": Scenario("a", "100 participants, one session, 20 cards/s", 100, 1, 20),
    "b": Scenario("b", "300 participants, one session, 10 cards/s", 300, 1, 10),
    "c": Scenario("c", "1,000 participants in 50 sessions, 50 cards/s", 1000, 50, 50),
    "d": Scenario("d", "capacity: 300 participants, one session, p99 < 250 ms", 300, 1),
    "e": Scenario(
        "e", "(c) on PostgreSQL + Redis, 2 processes", 1000, 50, 50, workers=2, postgres=True
    ),
    "r": Scenario(
        "r", "reconnect storm: 300 in one session, SIGKILL, restart", 300, 1, 10, storm=True
    ),
}


# --- servers ---------------------------------------------------------------------------------


class Server:
    """One server under test (a gunicorn process tree) and its CPU and memory."""

    def __init__(self, argv: list[str], env: dict, log: Path, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.argv, self.env = argv, env
        self._start()

    def kill(self) -> None:
        """SIGKILL the whole tree, as a crash or an OOM kill would."""
        os.killpg(self.proc.pid, 9)
        self.proc.wait(timeout=10)

    def _start(self) -> None:
        argv, env, log = self.argv, self.env, self.log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/login", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"server did not start:\n{log.read_text()[-3000:]}")
        self.master = psutil.Process(self.proc.pid)

    def restart(self) -> None:
        self._start()

    def processes(self) -> list[psutil.Process]:
        return [self.master, *self.master.children(recursive=True)]

    def cpu_seconds(self) -> float:
        total = 0.0
        for proc in self.processes():
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def worker_rss(self) -> int:
        """Resident memory of the worker processes (the master only supervises)."""
        workers = self.master.children(recursive=True) or [self.master]
        return sum(proc.memory_info().rss for proc in workers)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=10)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_argv(app: str, port: int, workers: int, mode: str, participants: int) -> list[str]:
    """The same gunicorn flags `playtest serve` uses (playtest/cli.py), for either async mode."""
    if mode == "gevent":
        worker = ["--worker-class", "gevent", "--worker-connections", "4000"]
    else:  # threading: one OS thread per open socket, so more threads than participants
        worker = ["--worker-class", "gthread", "--threads", str(participants + 100)]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        *worker,
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        app,
    ]


@dataclass
class Target:
    """App or bare, as started for one scenario: the server, its seats, and its DB."""

    name: str
    server: Server
    seats: list[Seat]
    db_name: str | None = None
    notes: dict = field(default_factory=dict)


class Databases:
    """Fresh databases for the app: SQLite files in a temp dir, or PostgreSQL databases."""

    def __init__(self, workdir: Path, pg_url: str) -> None:
        self.workdir = workdir
        self.pg_url = pg_url
        self.created: list[str] = []

    def new(self, postgres: bool) -> tuple[str, str | None]:
        if not postgres:
            return f"sqlite:///{self.workdir / f'app-{uuid.uuid4().hex[:8]}.sqlite3'}", None
        import sqlalchemy as sa

        name = f"bench_{uuid.uuid4().hex[:10]}"
        engine = sa.create_engine(self.pg_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.created.append(name)
        url = sa.make_url(self.pg_url).set(database=name)
        return url.render_as_string(hide_password=False), name

    def drop_all(self) -> None:
        if not self.created:
            return
        import sqlalchemy as sa

        engine = sa.create_engine(self.pg_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in self.created:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
        self.created.clear()


def seed_sessions(database_url: str, count: int) -> list[str]:
    """Migrate a fresh database and schedule `count` sessions; returns their join codes."""
    from playtest import create_app
    from playtest.cli import upgrade_database
    from playtest.extensions import db
    from playtest.facilitation import services as facilitation
    from playtest.playbooks.services import import_playbook

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "DATABASE_URL": None, "SECRET_KEY": "bench"}
    )
    with app.app_context():
        upgrade_database()
        playbook = import_playbook(PLAYBOOK.read_bytes()).playbook
        codes = []
        for number in range(count):
            playtest = facilitation.create_playtest(f"Bench playtest {number + 1}")
            round_ = facilitation.add_round(playtest, "Prototype A", playbook.id)
            session, _ = facilitation.schedule_session(round_, 1)
            codes.append(session.join_code)
        db.session.remove()
        db.engine.dispose()
    return codes


def start_app(scenario: Scenario, args, dbs: Databases, workdir: Path, channel: str) -> Target:
    postgres = scenario.postgres or args.database == "postgres"
    url, db_name = dbs.new(postgres)
    codes = seed_sessions(url, scenario.sessions)
    port = free_port()
    env = _server_env(args, scenario, channel) | {
        "PLAYTEST_DATABASE_URL": url,
        "PLAYTEST_SECRET_KEY": "bench",
        "PLAYTEST_RATELIMIT_ENABLED": "false",
    }
    if args.async_mode == "gevent":  # the real entry point: migrations, then gunicorn
        argv = [sys.executable, "-m", "playtest", "serve", "--port", str(port)]
        argv += ["--workers", str(scenario.workers)]
    else:
        argv = gunicorn_argv(
            "playtest.wsgi:app", port, scenario.workers, args.async_mode, scenario.participants
        )
    server = Server(argv, env, workdir / f"app-{scenario.name}.log", port)
    started = time.monotonic()
    seats = join_seats(server.url, codes, scenario.participants)
    notes = {
        "database": "postgresql" if postgres else "sqlite",
        "joins_s": round(time.monotonic() - started, 1),
    }
    return Target("app", server, seats, db_name, notes)


def start_bare(scenario: Scenario, args, workdir: Path, channel: str) -> Target:
    port = free_port()
    argv = gunicorn_argv(
        "bare_server:app", port, scenario.workers, args.async_mode, scenario.participants
    )
    argv[-1:-1] = ["--chdir", str(BENCH)]
    env = _server_env(args, scenario, channel)
    server = Server(argv, env, workdir / f"bare-{scenario.name}.log", port)
    seats = [Seat(f"bare-{i}", 1 + i % scenario.sessions, i) for i in range(scenario.participants)]
    return Target("bare", server, seats)


def _server_env(args, scenario: Scenario, channel: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAYTEST_")}
    env["PLAYTEST_ASYNC_MODE"] = args.async_mode
    env["PYTHONPATH"] = str(ROOT)
    if scenario.workers > 1 or scenario.postgres:
        env["PLAYTEST_REDIS_URL"] = args.redis_url
        env["PLAYTEST_SOCKETIO_CHANNEL"] = channel  # ours alone on a shared Redis
    return env


# --- measuring -------------------------------------------------------------------------------


class Window:
    """Server (and PostgreSQL backend) CPU over a phase.

    `cores` is the CPU used during the posting window (1.0 = one core busy). `cpu_s` runs on
    until the phase has drained, so it is all the CPU the phase's cards cost even when the
    server fell behind: per card, it compares app and bare fairly on a busy machine too.
    """

    def __init__(self, server: Server, db_name: str | None) -> None:
        self.server = server
        self.db_name = db_name
        self.cores: float | None = None
        self.db_cores: float | None = None
        self.cpu_s: float | None = None
        self.db_cpu_s: float | None = None
        self._start: tuple[float, float] | None = None
        self._thread: threading.Thread | None = None

    def __call__(self, start_at: float, duration: float) -> None:
        self._thread = threading.Thread(target=self._sample, args=(start_at, duration))
        self._thread.start()

    def _db_backends(self) -> dict[int, float]:
        """CPU seconds of each PostgreSQL backend serving the app's database, by pid."""
        seconds = {}
        for proc in psutil.process_iter(["cmdline"]):
            cmdline = " ".join(proc.info["cmdline"] or [])
            if self.db_name and cmdline.startswith("postgres:") and self.db_name in cmdline:
                try:
                    times = proc.cpu_times()
                    seconds[proc.pid] = times.user + times.system
                except psutil.NoSuchProcess:
                    pass
        return seconds

    def _db_seconds_since(self, before: dict[int, float]) -> float:
        """Backends that closed meanwhile are not counted; new ones count from zero."""
        now = self._db_backends()
        return sum(max(0.0, cpu - before.get(pid, 0.0)) for pid, cpu in now.items())

    def _sample(self, start_at: float, duration: float) -> None:
        time.sleep(max(0.0, start_at - time.monotonic()))
        cpu, db_cpu, wall = self.server.cpu_seconds(), self._db_backends(), time.monotonic()
        self._start = (cpu, db_cpu)
        time.sleep(max(0.0, start_at + duration - time.monotonic()))
        elapsed = time.monotonic() - wall
        self.cores = (self.server.cpu_seconds() - cpu) / elapsed
        if self.db_name:
            self.db_cores = self._db_seconds_since(db_cpu) / elapsed

    def finish(self) -> None:
        """Call once the phase has drained."""
        if self._thread:
            self._thread.join()
        cpu, db_cpu = self._start
        self.cpu_s = self.server.cpu_seconds() - cpu
        if self.db_name:
            self.db_cpu_s = self._db_seconds_since(db_cpu)


def measure(target: Target, scenario: Scenario, args) -> dict:
    """Connect every seat, run the scenario's phases, and return what was measured."""
    idle_rss = target.server.worker_rss()
    generator = LoadGenerator(target.server.url, target.seats, processes=args.processes)
    try:
        connected = generator.connect()
        if connected["failed"]:
            raise RuntimeError(f"{target.name}: {connected['failed']} clients could not connect")
        time.sleep(2)  # let the connect storm settle before measuring memory
        rss = target.server.worker_rss()
        out = {
            "target": target.name,
            "connect_s": connected["seconds"],
            "rss_start_mb": round(idle_rss / 2**20, 1),
            "rss_mb": round(rss / 2**20, 1),
            "kb_per_participant": round((rss - idle_rss) / 1024 / scenario.participants, 1),
            **target.notes,
        }
        generator.run(scenario.rate or 10, args.warmup)  # warm caches and pools; not reported
        if scenario.capacity:
            out |= capacity_search(generator, target, args)
        elif scenario.storm:
            out |= reconnect_storm(generator, target, scenario, args)
        else:
            profiler = Profiler.start(target, scenario, args)
            out |= phase(generator, target, scenario.rate, args.duration)[1]
            if profiler:
                out["profile"] = profiler.finish()
        return out
    finally:
        generator.close()


class Profiler:
    """py-spy sampling the app's worker(s) during the measured phase (`--profile DIR`).

    It writes py-spy's collapsed stacks to DIR and returns the functions that held the most
    samples, by their own time and with their callees, so the report says where a card's CPU
    goes without opening a flame graph.
    """

    def __init__(self, proc: subprocess.Popen, out: Path) -> None:
        self.proc = proc
        self.out = out

    @classmethod
    def start(
        cls, target: Target, scenario: Scenario, args, seconds: float | None = None
    ) -> Profiler | None:
        if not args.profile:
            return None
        args.profile.mkdir(parents=True, exist_ok=True)
        out = args.profile / f"{scenario.name}-{target.name}-{time.strftime('%H%M%S')}.txt"
        workers = target.server.master.children(recursive=True) or [target.server.master]
        # Beside this interpreter when the venv is not on PATH (it comes with the dev extra).
        beside = Path(sys.executable).with_name("py-spy")
        spy = str(beside) if beside.exists() else "py-spy"
        argv = [spy, "record", "--format", "raw", "--rate", "250", "--nonblocking"]
        argv += ["--duration", str(int(seconds or args.duration + 2)), "-o", str(out)]
        argv += ["--pid", str(workers[0].pid)]
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return cls(proc, out)

    def finish(self, top: int = 25) -> dict:
        self.proc.wait(timeout=60)
        own: dict[str, int] = {}
        inclusive: dict[str, int] = {}
        total = 0
        for line in self.out.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            frames = [f.split(" (")[0] + " (" + f.split(" (")[-1] for f in stack.split(";")]
            n = int(count)
            total += n
            own[frames[-1]] = own.get(frames[-1], 0) + n
            for frame in set(frames):
                inclusive[frame] = inclusive.get(frame, 0) + n

        def share(table: dict[str, int]) -> list[list]:
            ranked = sorted(table.items(), key=lambda kv: -kv[1])[:top]
            return [[name, round(100 * n / max(total, 1), 1)] for name, n in ranked]

        return {
            "samples": total,
            "file": str(self.out),
            "own": share(own),
            "inclusive": share(inclusive),
        }


def phase(
    generator: LoadGenerator, target: Target, rate: float, duration: float
) -> tuple[PhaseResult, dict]:
    """One measured phase: the generator's numbers plus server (and database) CPU."""
    window = Window(target.server, target.db_name)
    result = generator.run(rate, duration, window=window)
    window.finish()
    per_card = 1000 / max(1, result.posts)
    numbers = result.as_dict() | {
        "server_cpu": round(window.cores, 2),
        "cpu_ms_per_card": round(window.cpu_s * per_card, 2),
        "cpu_us_per_delivery": round(window.cpu_s * 1e6 / max(1, result.delivered), 1),
    }
    if window.db_name:
        numbers["db_cpu"] = round(window.db_cores, 2)
        numbers["db_cpu_ms_per_card"] = round(window.db_cpu_s * per_card, 2)
    return result, numbers


def reconnect_storm(generator: LoadGenerator, target: Target, scenario: Scenario, args) -> dict:
    """SIGKILL the server with everyone connected, start it again, and time until every
    client has its fresh `state` (load.RECONNECT_S is the clients' retry schedule)."""
    generator.arm_reconnect()
    killed = time.monotonic()
    target.server.kill()
    target.server.restart()
    ready = time.monotonic()
    cpu_before = target.server.cpu_seconds()
    profiler = Profiler.start(target, scenario, args, seconds=5)
    times = generator.fresh_states(since=killed)
    missing = sum(t is None for t in times)
    after_ready = sorted(t - ready for t in times if t is not None)
    return {
        "restart_s": round(ready - killed, 2),
        "missing_states": missing,
        "all_states_after_ready_s": round(after_ready[-1], 2) if after_ready else None,
        "states_after_ready_ms": latency_ms(after_ready),
        "storm_cpu_s": round(target.server.cpu_seconds() - cpu_before, 2),
    } | ({"profile": profiler.finish()} if profiler else {})


def capacity_search(generator: LoadGenerator, target: Target, args) -> dict:
    """The highest card rate whose p99 fan-out stays under the bound with nothing lost.

    Climb in steps of `--step`; after the first failure, bisect twice between the last
    pass and the first failure. The server gets a few quiet seconds between steps.
    """
    steps: list[dict] = []

    def attempt(rate: float) -> bool:
        result, numbers = phase(generator, target, rate, args.capacity_duration)
        ok = result.passes(P99_BOUND_MS)
        steps.append(numbers | {"passed": ok})
        print(
            f"    {target.name} {rate:5.1f} cards/s: p99 {result.fanout_ms['p99']} ms, "
            f"lost {result.lost}, {'pass' if ok else 'FAIL'}",
            flush=True,
        )
        time.sleep(2)
        return ok

    best, worst = 0.0, None
    rate = args.step
    while rate <= args.max_rate:
        if attempt(rate):
            best = rate
            rate += args.step
        else:
            worst = rate
            break
    low, high = best, worst
    for _ in range(2 if worst is not None else 0):
        middle = round((low + high) / 2, 1)
        if attempt(middle):
            low = best = middle
        else:
            high = middle
    at_best = next((s for s in steps if s["rate"] == best and s["passed"]), None)
    return {
        "capacity_cards_per_s": best,
        "capacity_deliveries_per_s": at_best["deliveries_per_s"] if at_best else 0,
        "steps": steps,
    }


# --- reporting -------------------------------------------------------------------------------

COLUMNS = [
    ("target", "{}", lambda r: r["target"]),
    ("fan-out p50/p95/p99 ms", "{}", lambda r: _triple(r["fanout_ms"])),
    ("ack p50/p95/p99 ms", "{}", lambda r: _triple(r["ack_ms"])),
    ("lost", "{}", lambda r: f"{r['lost']}/{r['expected']}"),
    ("deliv/s", "{}", lambda r: r["deliveries_per_s"]),
    ("server CPU", "{}", lambda r: _cpu(r)),
    ("CPU ms/card", "{}", lambda r: _cpu_per_card(r)),
    ("CPU µs/delivery", "{}", lambda r: r["cpu_us_per_delivery"]),
    ("RSS MB start/connected", "{}", lambda r: f"{r['rss_start_mb']}/{r['rss_mb']}"),
    ("KB/participant", "{}", lambda r: r["kb_per_participant"]),
    ("gen CPU", "{}", lambda r: "+".join(str(c) for c in r["generator_cpu"])),
]


def _triple(ms: dict) -> str:
    return "/".join("-" if ms.get(k) is None else f"{ms[k]:.0f}" for k in ("p50", "p95", "p99"))


def _cpu(r: dict) -> str:
    text = f"{r['server_cpu']:.2f}"
    return text + (f" (+db {r['db_cpu']:.2f})" if "db_cpu" in r else "")


def _cpu_per_card(r: dict) -> str:
    text = f"{r['cpu_ms_per_card']:.1f}"
    return text + (f" (+db {r['db_cpu_ms_per_card']:.1f})" if "db_cpu_ms_per_card" in r else "")


def table(rows: list[dict]) -> str:
    cells = [[name for name, _, _ in COLUMNS]]
    cells += [[str(get(r)) for _, _, get in COLUMNS] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join("    " + line for line in lines)


def ratio(app: float | None, bare: float | None) -> str:
    return f"{app / bare:.2f}" if app is not None and bare else "-"


def report(scenario: Scenario, by_target: dict[str, dict]) -> str:
    app, bare = by_target["app"], by_target["bare"]
    lines = [f"({scenario.name}) {scenario.title}"]
    if scenario.storm:
        for name, r in (("app", app), ("bare", bare)):
            lines.append(
                f"    {name}: restarted in {r['restart_s']} s; every client's fresh state "
                f"{r['all_states_after_ready_s']} s after it was up (per client p50/p95/p99 "
                f"{_triple(r['states_after_ready_ms'])} ms), {r['missing_states']} missing, "
                f"{r['storm_cpu_s']} CPU s"
            )
        lines.append(
            "    app/bare: all states after ready "
            f"{ratio(app['all_states_after_ready_s'], bare['all_states_after_ready_s'])}, "
            "p95 "
            + ratio(app["states_after_ready_ms"]["p95"], bare["states_after_ready_ms"]["p95"])
        )
        return "\n".join(lines + _profile_lines(by_target))
    if scenario.capacity:
        capacity_ratio = ratio(app["capacity_cards_per_s"], bare["capacity_cards_per_s"])
        lines.append(
            "    capacity (cards/s at p99 < 250 ms, nothing lost): "
            f"app {app['capacity_cards_per_s']} ({app['capacity_deliveries_per_s']} deliveries/s),"
            f" bare {bare['capacity_cards_per_s']} ({bare['capacity_deliveries_per_s']}"
            f" deliveries/s); app/bare {capacity_ratio}"
        )
        lines.append(
            f"    memory: app {app['rss_mb']} MB ({app['kb_per_participant']} KB/participant), "
            f"bare {bare['rss_mb']} MB ({bare['kb_per_participant']} KB/participant)"
        )
        return "\n".join(lines)
    lines.append(table([app, bare]))
    lines.append(
        f"    app/bare: fan-out p95 {ratio(app['fanout_ms']['p95'], bare['fanout_ms']['p95'])}, "
        f"p99 {ratio(app['fanout_ms']['p99'], bare['fanout_ms']['p99'])}; "
        f"ack p95 {ratio(app['ack_ms']['p95'], bare['ack_ms']['p95'])}; "
        f"CPU per card {ratio(app['cpu_ms_per_card'], bare['cpu_ms_per_card'])}"
    )
    lines += _profile_lines(by_target)
    return "\n".join(lines)


def _profile_lines(by_target: dict[str, dict]) -> list[str]:
    lines: list[str] = []
    for name, numbers in by_target.items():
        if "profile" not in numbers:
            continue
        profile = numbers["profile"]
        lines.append(f"    {name} profile ({profile['samples']} samples, {profile['file']}):")
        lines.append("      own time: " + "; ".join(f"{n} {s}%" for n, s in profile["own"][:12]))
        lines.append(
            "      with callees: " + "; ".join(f"{n} {s}%" for n, s in profile["inclusive"][:25])
        )
    return lines


def medians(runs: list[dict[str, dict]], scenario: Scenario) -> str:
    """One line per target with the median of the headline numbers over the repeats, then
    the median of the per-run app/bare ratios (each run's pair ran back to back)."""
    lines = [f"({scenario.name}) median of {len(runs)} runs"]

    def median_ratio(key) -> str:
        values = [key(r["app"]) / key(r["bare"]) for r in runs if key(r["app"]) and key(r["bare"])]
        return f"{statistics.median(values):.2f}" if values else "-"

    if scenario.storm:
        for name in ("app", "bare"):
            rows = [run[name] for run in runs]
            every = statistics.median(r["all_states_after_ready_s"] or 0 for r in rows)
            restart = statistics.median(r["restart_s"] for r in rows)
            missing = sum(r["missing_states"] for r in rows)
            lines.append(
                f"    {name}: every fresh state {every:.2f} s after up, restart {restart:.2f} s, "
                f"{missing} missing in all runs"
            )
        lines.append(
            "    app/bare all states after ready, median of per-run ratios: "
            + median_ratio(lambda r: r["all_states_after_ready_s"])
        )
        return "\n".join(lines)
    for name in ("app", "bare"):
        rows = [run[name] for run in runs]
        start_mb = statistics.median(r["rss_start_mb"] for r in rows)
        per_1000 = statistics.median(r["kb_per_participant"] for r in rows) * 1000 / 1024
        if scenario.capacity:
            value = statistics.median(r["capacity_cards_per_s"] for r in rows)
            lines.append(f"    {name}: capacity {value} cards/s")
            continue
        fan = {q: statistics.median(r["fanout_ms"][q] for r in rows) for q in ("p50", "p95", "p99")}
        ack = {q: statistics.median(r["ack_ms"][q] for r in rows) for q in ("p50", "p95", "p99")}
        lost = sum(r["lost"] for r in rows)
        cpu = statistics.median(r["server_cpu"] for r in rows)
        per_card = statistics.median(r["cpu_ms_per_card"] for r in rows)
        per_delivery = statistics.median(r["cpu_us_per_delivery"] for r in rows)
        lines.append(
            f"    {name}: fan-out {_triple(fan)} ms, ack {_triple(ack)} ms, "
            f"lost {lost} in all runs, server CPU {cpu:.2f}, {per_card:.2f} CPU ms/card, "
            f"{per_delivery:.0f} CPU µs/delivery, RSS {start_mb:.0f} MB at start "
            f"+ {per_1000:.0f} MB per 1,000 connected"
        )
    if scenario.capacity:
        ratios = [
            ratio(run["app"]["capacity_cards_per_s"], run["bare"]["capacity_cards_per_s"])
            for run in runs
        ]
        lines.append(f"    app/bare capacity per run: {', '.join(ratios)}")
        lines.append(
            "    app/bare capacity, median of per-run ratios: "
            + median_ratio(lambda r: r["capacity_cards_per_s"])
        )
        return "\n".join(lines)
    fan_ratios = [ratio(r["app"]["fanout_ms"]["p95"], r["bare"]["fanout_ms"]["p95"]) for r in runs]
    cpu_ratios = [ratio(r["app"]["cpu_ms_per_card"], r["bare"]["cpu_ms_per_card"]) for r in runs]
    lines.append(f"    app/bare fan-out p95 per run: {', '.join(fan_ratios)}")
    lines.append(f"    app/bare CPU per card per run: {', '.join(cpu_ratios)}")
    lines.append(
        "    medians of per-run ratios: fan-out p95 "
        + median_ratio(lambda r: r["fanout_ms"]["p95"])
        + ", CPU per card "
        + median_ratio(lambda r: r["cpu_ms_per_card"])
        + ", RSS at start "
        + median_ratio(lambda r: r["rss_start_mb"])
    )
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------


def run_scenario(scenario: Scenario, args, dbs: Databases, workdir: Path, order: list[str]):
    channel = f"playtest-bench-{uuid.uuid4().hex[:12]}"
    results: dict[str, dict] = {}
    for name in order:
        print(f"  {name}: starting ({scenario.participants} participants)", flush=True)
        if name == "app":
            target = start_app(scenario, args, dbs, workdir, channel)
        else:
            target = start_bare(scenario, args, workdir, channel)
        try:
            results[name] = measure(target, scenario, args)
        finally:
            target.server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Playtest realtime benchmark: app vs bare.")
    parser.add_argument("--scenario", default="all", choices=[*SCENARIOS, "all"])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--async-mode", default="gevent", choices=["gevent", "threading"])
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "PLAYTEST_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/postgres"
        ),
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("PLAYTEST_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds of measured posting")
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--step", type=float, default=10, help="(d) cards/s per climbing step")
    parser.add_argument("--max-rate", type=float, default=80)
    parser.add_argument("--capacity-duration", type=float, default=8)
    parser.add_argument("--json", type=Path, help="also write every number to this file")
    parser.add_argument(
        "--profile",
        type=Path,
        help="py-spy each server's worker during (a)(b)(c)(e) into this folder",
    )
    args = parser.parse_args()

    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    started = time.monotonic()
    everything: dict[str, list] = {}
    with tempfile.TemporaryDirectory(prefix="playtest-bench-") as tmp:
        workdir = Path(tmp)
        dbs = Databases(workdir, args.pg_url)
        try:
            for name in names:
                scenario = SCENARIOS[name]
                runs = []
                for repeat in range(args.repeat):
                    order = ["app", "bare"] if repeat % 2 == 0 else ["bare", "app"]
                    print(f"({name}) {scenario.title} — run {repeat + 1}/{args.repeat}", flush=True)
                    runs.append(run_scenario(scenario, args, dbs, workdir, order))
                    print(report(scenario, runs[-1]), flush=True)
                    dbs.drop_all()
                if args.repeat > 1:
                    print(medians(runs, scenario), flush=True)
                everything[name] = runs
        finally:
            dbs.drop_all()
    print(
        f"async mode {args.async_mode}; {os.cpu_count()} cores; "
        f"took {time.monotonic() - started:.0f}s; command: python bench/run.py "
        + " ".join(sys.argv[1:])
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "args": {
                        k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
                    },
                    "results": everything,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
