"""Time the process map (summary/process.py) on many cases, without a database.

Makes --cases case journeys (default 100,000) the way a big round holds them: four roles,
handoffs mostly 0–3 (a few long paths with rework), 85 % answered, spread over --sessions
sessions a week apart, each a 90-minute window. Then times, as median of --runs:

  digest    unpack each session's stored journeys and concatenate them (a rebuild's read)
  map       process.process_map: edges with median waits, variants, rework, stuck
  working   process.working_time_to_answer inside the session windows
  cases     metrics.case_stats_of on the same cases: what the summary's case block costs now,
            for scale (the process block is held to <= 20 % of a rebuild)
  events    journeys_from_events from one SQL-like result of the standing events

    python bench/process_bench.py
    python bench/process_bench.py --cases 240000 --sessions 40
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playtest.summary import journeys as jr  # noqa: E402
from playtest.summary import metrics, process  # noqa: E402

ROLES = ("Intake officer", "Benefits officer", "Policy advisor", "Team lead")
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def make_sessions(cases: int, sessions: int, seed: int) -> tuple[list[jr.Journeys], list]:
    """One Journeys per session (as digests hold them) and the sessions' windows."""
    rng = np.random.default_rng(seed)
    parts, windows = [], []
    per_session = np.full(sessions, cases // sessions)
    per_session[: cases % sessions] += 1
    for number, n in enumerate(per_session.tolist()):
        opened_at = START + timedelta(days=7 * number)
        windows.append((opened_at, opened_at + timedelta(minutes=90)))
        handoffs = np.minimum(rng.geometric(0.45, n) - 1, 12)
        roles = []
        for count in handoffs.tolist():
            path = [int(rng.integers(len(ROLES)))]
            for _ in range(count):
                path.append(int((path[-1] + rng.integers(1, len(ROLES))) % len(ROLES)))
            roles.extend(path)
        lengths = handoffs + 1
        offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
        step = np.arange(lengths.sum()) - offsets
        base = np.datetime64(opened_at.replace(tzinfo=None), "us")
        opened = base + (rng.uniform(0, 40, n) * 60e6).astype("timedelta64[us]")
        at = np.repeat(opened, lengths) + (step * rng.uniform(1, 12, step.size) * 60e6).astype(
            "timedelta64[us]"
        )
        last = np.cumsum(lengths) - 1
        answered = at[last] + (rng.uniform(1, 30, n) * 60e6).astype("timedelta64[us]")
        answered[rng.uniform(size=n) > 0.85] = np.datetime64("NaT")
        parts.append(
            jr.Journeys(ROLES, lengths.astype(np.int64), np.array(roles, np.int64), at, answered)
        )
    return parts, windows


def as_events(journeys: jr.Journeys) -> tuple[list, list, list, list]:
    """The standing events of these journeys as the columns of one query result."""
    case_ids, kinds, roles, at = [], [], [], []
    offsets = journeys.offsets.tolist()
    names = [journeys.role_names[code] for code in journeys.roles.tolist()]
    times = journeys.at.tolist()
    answers = journeys.answered_at.tolist()
    for case in range(journeys.n):
        for index in range(offsets[case], offsets[case + 1]):
            case_ids.append(case)
            kinds.append(jr.OPENED if index == offsets[case] else jr.HANDOFF)
            roles.append(names[index])
            at.append(times[index])
        if answers[case] is not None:
            case_ids.append(case)
            kinds.append(jr.ANSWERED)
            roles.append(None)
            at.append(answers[case])
    return case_ids, kinds, roles, at


def timed(runs: int, work: Callable[[], object]) -> float:
    """Median milliseconds of `runs` calls."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()

    parts, spans = make_sessions(args.cases, args.sessions, args.seed)
    stored = [jr.pack(part) for part in parts]
    journeys = jr.concat(parts)
    windows = process.session_windows(spans, now=START + timedelta(days=365))
    handoffs = journeys.lengths - 1
    minutes = journeys.minutes_to_answer()
    events = as_events(journeys)
    block = process.process_map(journeys)

    print(
        f"{journeys.n:,} cases, {journeys.roles.size - journeys.n:,} handoffs, "
        f"{len(block['variants'])} + {block['other_count']:,} cases in other variants, "
        f"{len(block['edges'])} edges, {len(events[0]):,} events"
    )
    results = {
        "digest": timed(
            args.runs, lambda: jr.concat([jr.unpack(names, blob) for names, blob in stored])
        ),
        "map": timed(args.runs, lambda: process.process_map(journeys)),
        "working": timed(args.runs, lambda: process.working_time_to_answer(journeys, windows)),
        "cases": timed(args.runs, lambda: metrics.case_stats_of(handoffs, minutes)),
        "events": timed(max(3, args.runs // 5), lambda: jr.journeys_from_events(*events, ROLES)),
    }
    for name, ms in results.items():
        print(f"{name:8} {ms:8.1f} ms")
    process_ms = results["digest"] + results["map"] + results["working"]
    print(f"process block from digests: {process_ms:.1f} ms (case block: {results['cases']:.1f})")


if __name__ == "__main__":
    main()
