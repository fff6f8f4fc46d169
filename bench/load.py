"""Load generator: python-socketio asyncio clients that post cards and time the fan-out.

Each participant is one `socketio.AsyncClient` on `/live` (websocket transport, as a phone
on a good network would be), spread over several worker processes so one Python event loop
is not the bottleneck. Load is open-loop: cards are posted on a fixed schedule whether or
not earlier ones were answered, by a participant picked at random, and each card carries
its sender, a sequence number and the send time (CLOCK_MONOTONIC, shared by every process
on the machine) in its text. Every other client in the session times the card's arrival;
whatever has not arrived once the room has gone quiet after a phase is counted as lost.

Standalone, against a server that is already running (joins over /api/v1/join):

    python bench/load.py --url http://127.0.0.1:5000 --code ABCDEFGH --participants 100 \
        --rate 20 --duration 15

`bench/run.py` drives it for the recorded scenarios, app and bare server in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

NAMESPACE = "/live"
LANES = ("Highlights", "Blockers", "Opportunities")
# Cards about as long as real reflections; the marker words come first.
FILLER = "The shared desk meant I could ask the benefits officer straight away, no ticket."
QUIET_S = 1.5  # a phase has drained once no card has arrived for this long...
MAX_DRAIN_S = 15.0  # ...or after this long, whatever is still missing is lost
RECONNECT_S = 0.5  # a reconnect storm's clients retry this often while the server is down


@dataclass(frozen=True)
class Seat:
    """One participant: their token, their session, and a number unique in this run."""

    token: str
    session_id: int
    index: int


def join_seats(
    url: str, codes: list[str], participants: int, role: str = "Intake officer", threads: int = 8
) -> list[Seat]:
    """Join `participants` people over the real API, spread evenly over the session codes."""
    import requests

    def join(index: int) -> Seat:
        code = codes[index % len(codes)]
        for attempt in range(5):
            try:
                answer = requests.post(
                    f"{url}/api/v1/join",
                    json={"code": code, "display_name": f"Bench {index}", "role": role},
                    timeout=30,
                )
            except requests.RequestException:
                time.sleep(0.5 * (attempt + 1))
                continue
            if answer.status_code == 201:
                body = answer.json()
                return Seat(body["participant_token"], body["session_id"], index)
            time.sleep(0.5 * (attempt + 1))
        raise RuntimeError(f"join {index} failed: {answer.status_code} {answer.text[:200]}")

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(join, range(participants)))


# --- results ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class PhaseResult:
    """What one phase measured, over all worker processes."""

    rate: float
    duration: float
    posts: int = 0
    acked: int = 0
    ack_errors: int = 0
    expected: int = 0
    delivered: int = 0
    duplicates: int = 0
    disconnects: int = 0
    fanout_ms: dict = field(default_factory=dict)
    ack_ms: dict = field(default_factory=dict)
    deliveries_per_s: float = 0.0
    generator_cpu: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    @property
    def lost(self) -> int:
        return self.expected - self.delivered

    def passes(self, p99_ms: float) -> bool:
        """Nothing lost, every post acked, and p99 fan-out under the bound."""
        p99 = self.fanout_ms.get("p99")
        return (
            self.lost == 0
            and self.acked == self.posts
            and self.ack_errors == 0
            and p99 is not None
            and p99 < p99_ms
        )

    def as_dict(self) -> dict:
        return {
            "rate": self.rate,
            "duration": self.duration,
            "posts": self.posts,
            "acked": self.acked,
            "ack_errors": self.ack_errors,
            "expected": self.expected,
            "delivered": self.delivered,
            "lost": self.lost,
            "duplicates": self.duplicates,
            "disconnects": self.disconnects,
            "fanout_ms": self.fanout_ms,
            "ack_ms": self.ack_ms,
            "deliveries_per_s": round(self.deliveries_per_s),
            "generator_cpu": self.generator_cpu,
            "errors": dict(self.errors),
        }


def latency_ms(seconds: list[float]) -> dict:
    """p50/p95/p99 and max of durations in seconds, as milliseconds (None for none)."""
    return {
        f"p{q}": round(1000 * v, 1) if (v := percentile(seconds, q)) is not None else None
        for q in (50, 95, 99)
    } | {"max": round(1000 * max(seconds), 1) if seconds else None}


# --- the worker processes --------------------------------------------------------------------


class _Phase:
    """One worker's record of one phase."""

    def __init__(self, phase_id: int) -> None:
        self.phase_id = phase_id
        self.posts: list[tuple[int, int, int]] = []  # (sender, seq, session_id)
        self.ack_latency: list[float] = []
        self.ack_errors: Counter = Counter()
        self.latency: list[float] = []
        self.received: Counter = Counter()  # (sender, seq) -> deliveries, duplicates excluded
        self.seen: set[tuple[int, int, int]] = set()
        self.duplicates = 0
        self.last_arrival = 0.0


class _Worker:
    """Runs in its own process: connects its seats, then posts and listens phase by phase."""

    def __init__(self, url: str, seats: list[Seat], concurrency: int) -> None:
        self.url = url
        self.seats = seats
        self.concurrency = concurrency
        self.clients: list[tuple[object, Seat]] = []
        self.phase = _Phase(-1)
        self.disconnects = 0
        self.stray = 0
        self.last_state: dict[int, float] = {}  # seat index -> when its latest `state` came
        self.reconnecting = False  # set for a reconnect storm: dropped clients come back

    async def connect_all(self) -> dict:
        import aiohttp

        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        gate = asyncio.Semaphore(self.concurrency)
        started = time.monotonic()
        results = await asyncio.gather(*(self._connect(seat, gate) for seat in self.seats))
        failed = [r for r in results if r is not None]
        return {
            "connected": len(self.clients),
            "failed": len(failed),
            "first_error": failed[0] if failed else None,
            "seconds": time.monotonic() - started,
        }

    async def _connect(self, seat: Seat, gate: asyncio.Semaphore) -> str | None:
        import socketio

        client = socketio.AsyncClient(reconnection=False, http_session=self.http)
        got_state = asyncio.Event()

        def on_state(_state: object) -> None:
            self.last_state[seat.index] = time.monotonic()
            got_state.set()

        def on_disconnect(*_reason: object) -> None:
            self.disconnects += 1
            if self.reconnecting:
                task = asyncio.ensure_future(self._reconnect(client, seat))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

        client.on("state", on_state, namespace=NAMESPACE)
        client.on("reflection:added", self._receiver(seat.index), namespace=NAMESPACE)
        client.on("disconnect", on_disconnect, namespace=NAMESPACE)
        error = None
        async with gate:
            for attempt in range(3):
                try:
                    await self._open(client, seat)
                    await asyncio.wait_for(got_state.wait(), 60)
                    self.clients.append((client, seat))
                    return None
                except Exception as exc:  # a busy server refuses or times out: retry
                    error = f"{type(exc).__name__}: {exc}"
                    try:
                        await client.disconnect()
                    except Exception:
                        pass
                    await asyncio.sleep(1 + attempt)
        return error

    async def _open(self, client, seat: Seat) -> None:
        await client.connect(
            self.url,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            auth={"token": seat.token, "session_id": seat.session_id},
            wait_timeout=60,
        )

    async def _reconnect(self, client, seat: Seat) -> None:
        """Come back after the server died, as a browser would, but on a fixed schedule (the
        same for both servers): first try within RECONNECT_S, then every RECONNECT_S."""
        await asyncio.sleep(random.random() * RECONNECT_S)
        while True:
            try:
                await self._open(client, seat)
                return
            except Exception:
                await asyncio.sleep(RECONNECT_S)

    def arm_reconnect(self) -> None:
        self._tasks: set[asyncio.Task] = set()
        self.reconnecting = True

    async def fresh_states(self, since: float, timeout: float) -> list[float | None]:
        """When each client got a `state` after `since` (None if not within `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.last_state.get(seat.index, 0) > since for _, seat in self.clients):
                break
            await asyncio.sleep(0.05)
        times = [self.last_state.get(seat.index, 0) for _, seat in self.clients]
        return [t if t > since else None for t in times]

    def _receiver(self, me: int):
        def on_card(card: dict) -> None:
            now = time.monotonic()
            parts = card.get("text", "").split(" ", 5)
            if len(parts) < 5 or parts[0] != "bench":
                return
            phase, sender, seq, sent = int(parts[1]), int(parts[2]), int(parts[3]), float(parts[4])
            if sender == me:
                return  # the room event reaches the sender too; only the others count
            record = self.phase
            if phase != record.phase_id:
                self.stray += 1
                return
            key = (sender, seq, me)
            if key in record.seen:
                record.duplicates += 1
                return
            record.seen.add(key)
            record.latency.append(now - sent)
            record.received[(sender, seq)] += 1
            record.last_arrival = now

        return on_card

    async def run_phase(self, phase_id: int, rate: float, duration: float, start_at: float) -> dict:
        record = self.phase = _Phase(phase_id)
        cpu_started, wall_started = time.process_time(), time.monotonic()
        count = int(round(rate * duration))
        interval = 1 / rate if rate > 0 else 0
        offset = random.random() * interval
        pending: set[asyncio.Task] = set()
        for seq in range(count):
            delay = start_at + offset + seq * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            client, seat = random.choice(self.clients)
            task = asyncio.create_task(self._post(client, seat, phase_id, seq, record))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.sleep(max(0.0, start_at + duration - time.monotonic()))
        drain_until = time.monotonic() + MAX_DRAIN_S
        record.last_arrival = max(record.last_arrival, time.monotonic())
        while time.monotonic() < drain_until:
            quiet = time.monotonic() - record.last_arrival
            if quiet >= QUIET_S and len(record.ack_latency) + sum(
                record.ack_errors.values()
            ) >= len(record.posts):
                break
            await asyncio.sleep(0.1)
        wall = time.monotonic() - wall_started
        return {
            "posts": record.posts,
            "ack_latency": record.ack_latency,
            "ack_errors": dict(record.ack_errors),
            "latency": record.latency,
            "received": dict(record.received),
            "duplicates": record.duplicates,
            "disconnects": self.disconnects,
            "cpu": (time.process_time() - cpu_started) / wall,
        }

    async def _post(self, client, seat: Seat, phase_id: int, seq: int, record: _Phase) -> None:
        sent = time.monotonic()
        record.posts.append((seat.index, seq, seat.session_id))
        text = f"bench {phase_id} {seat.index} {seq} {sent:.6f} {FILLER}"
        payload = {"client_id": str(uuid.uuid4()), "lane": LANES[seq % len(LANES)], "text": text}

        def acked(answer: object = None, *_: object) -> None:
            if isinstance(answer, dict) and answer.get("ok"):
                record.ack_latency.append(time.monotonic() - sent)
            else:
                code = answer.get("error", {}).get("code") if isinstance(answer, dict) else None
                record.ack_errors[code or "bad-ack"] += 1

        try:
            await client.emit("reflection:add", payload, namespace=NAMESPACE, callback=acked)
        except Exception as exc:
            record.ack_errors[type(exc).__name__] += 1

    async def close(self) -> None:
        await asyncio.gather(
            *(client.disconnect() for client, _ in self.clients), return_exceptions=True
        )
        await self.http.close()


def _worker_process(conn, url: str, seats: list[Seat], concurrency: int) -> None:
    """Entry point of one generator process; obeys commands from the parent's pipe."""

    async def main() -> None:
        worker = _Worker(url, seats, concurrency)
        loop = asyncio.get_running_loop()
        conn.send(("ready", await worker.connect_all()))
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            if command[0] == "phase":
                _, phase_id, rate, duration, start_at = command
                conn.send(("result", await worker.run_phase(phase_id, rate, duration, start_at)))
            elif command[0] == "arm":
                worker.arm_reconnect()
                conn.send(("armed", None))
            elif command[0] == "states":
                _, since, timeout = command
                conn.send(("states", await worker.fresh_states(since, timeout)))
            else:
                await worker.close()
                conn.send(("closed", None))
                return

    asyncio.run(main())


class LoadGenerator:
    """The parent side: spreads seats over worker processes and runs phases on all of them."""

    def __init__(
        self, url: str, seats: list[Seat], processes: int = 2, connect_concurrency: int = 25
    ) -> None:
        self.url = url
        self.seats = seats
        self.sessions = Counter(seat.session_id for seat in seats)
        context = mp.get_context("spawn")
        self.pipes = []
        self.procs = []
        shares = [seats[i::processes] for i in range(processes)]  # each session on every process
        self.shares = [share for share in shares if share]
        for share in self.shares:
            parent, child = context.Pipe()
            proc = context.Process(
                target=_worker_process,
                args=(child, url, share, max(1, connect_concurrency // processes)),
                daemon=True,
            )
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
        self._phase_id = 0

    def connect(self, timeout: float = 300) -> dict:
        """Wait until every worker has connected its clients; returns counts and seconds."""
        answers = [self._receive(pipe, "ready", timeout) for pipe in self.pipes]
        return {
            "connected": sum(a["connected"] for a in answers),
            "failed": sum(a["failed"] for a in answers),
            "first_error": next((a["first_error"] for a in answers if a["first_error"]), None),
            "seconds": round(max(a["seconds"] for a in answers), 1),
        }

    def run(self, rate: float, duration: float, window=None) -> PhaseResult:
        """Post `rate` cards per second for `duration` seconds over all workers, then drain.

        `window(start_at, duration)`, when given, is told when posting starts (monotonic).
        """
        self._phase_id += 1
        start_at = time.monotonic() + 0.5
        if window is not None:
            window(start_at, duration)
        total = len(self.seats)
        for pipe, share in zip(self.pipes, self.shares, strict=True):
            pipe.send(("phase", self._phase_id, rate * len(share) / total, duration, start_at))
        parts = [self._receive(pipe, "result", duration + MAX_DRAIN_S + 60) for pipe in self.pipes]
        result = PhaseResult(rate=rate, duration=duration)
        received: Counter = Counter()
        latency: list[float] = []
        ack_latency: list[float] = []
        for part in parts:
            received.update(part["received"])
            latency.extend(part["latency"])
            ack_latency.extend(part["ack_latency"])
            result.errors.update(part["ack_errors"])
            result.duplicates += part["duplicates"]
            result.disconnects += part["disconnects"]
            result.generator_cpu.append(round(part["cpu"], 2))
        for part in parts:
            for sender, seq, session_id in part["posts"]:
                others = self.sessions[session_id] - 1
                result.posts += 1
                result.expected += others
                result.delivered += min(others, received.get((sender, seq), 0))
        result.acked = len(ack_latency)
        result.ack_errors = sum(result.errors.values())
        result.fanout_ms = latency_ms(latency)
        result.ack_ms = latency_ms(ack_latency)
        result.deliveries_per_s = result.delivered / duration
        return result

    def arm_reconnect(self) -> None:
        """From now on, a client whose connection drops comes back by itself."""
        for pipe in self.pipes:
            pipe.send(("arm",))
        for pipe in self.pipes:
            self._receive(pipe, "armed", 30)

    def fresh_states(self, since: float, timeout: float = 120) -> list[float | None]:
        """When each client had its fresh `state` after `since` (monotonic; None: never)."""
        for pipe in self.pipes:
            pipe.send(("states", since, timeout))
        return [t for pipe in self.pipes for t in self._receive(pipe, "states", timeout + 30)]

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("close",))
            except OSError:
                pass
        for pipe in self.pipes:
            try:
                self._receive(pipe, "closed", 60)
            except Exception:
                pass
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()

    @staticmethod
    def _receive(pipe, expected: str, timeout: float):
        if not pipe.poll(timeout):
            raise TimeoutError(f"load worker gave no {expected!r} within {timeout:.0f}s")
        kind, body = pipe.recv()
        if kind != expected:
            raise RuntimeError(f"load worker answered {kind!r}, expected {expected!r}")
        return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--code", action="append", required=True, help="join code (repeatable)")
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--role", default="Intake officer")
    parser.add_argument("--rate", type=float, default=20, help="cards per second, all sessions")
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    seats = join_seats(args.url, args.code, args.participants, args.role)
    generator = LoadGenerator(args.url, seats, processes=args.processes)
    try:
        print(json.dumps({"connect": generator.connect()}))
        print(json.dumps(generator.run(args.rate, args.duration).as_dict(), indent=2))
    finally:
        generator.close()


if __name__ == "__main__":
    main()
