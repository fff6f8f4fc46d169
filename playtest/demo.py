"""A realistic seeded playtest for newcomers: `playtest demo` (DESIGN.md §8).

"Cross-functional intake workflow": a baseline round (the current process) and a prototype
round (a shared case desk), four finished 90-minute sessions each, with the same ten staff,
their cases, handoffs, ratings and reflections; plus a session nobody has started yet, so a
newcomer can join from a phone and try it live. The prototype gives fewer handoffs, faster
answers and a bigger rise in confidence, with the noise real rooms have (fixed seed).

Rows are written through the models directly (fast), kept exactly as the services would
leave them: each case's cached status, holder, handoffs and answer time come from
cases.services.replay() over its events, and card vote counts match the votes table.
Running it again changes nothing.
"""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from playtest.auth.services import create_user, find_user
from playtest.cases.services import replay
from playtest.enums import (
    AccountRole,
    CaseEventKind,
    MemberRole,
    RatingPhase,
    SegmentKind,
    SessionStatus,
)
from playtest.extensions import db
from playtest.facilitation import services as facilitation
from playtest.models import (
    Attendance,
    Case,
    CaseEvent,
    Participant,
    Playbook,
    Playtest,
    PlaytestMember,
    Rating,
    Reflection,
    ReflectionGroup,
    Round,
    SegmentRun,
    Session,
    Vote,
    hash_token,
)
from playtest.playbooks.documents import session_document
from playtest.playbooks.services import import_playbook

TITLE = "Cross-functional intake workflow"
EMAIL = "facilitator@example.gov"
PASSWORD = "playtest-demo"
PLAYBOOK_FILE = "cross-functional-intake.md"
BASELINE = "Baseline — current process"
PROTOTYPE = "Prototype A — shared case desk"
TRY_IT = "Prototype A — try it live"
SEED = 20260203

# (display name, role): the same ten people in every session they attend.
STAFF = [
    ("Amira", "Intake officer"),
    ("Ben", "Intake officer"),
    ("Chloé", "Intake officer"),
    ("Dev", "Benefits officer"),
    ("Erin", "Benefits officer"),
    ("Farid", "Benefits officer"),
    ("Grace", "Policy advisor"),
    ("Hamish", "Policy advisor"),
    ("Ines", "Team lead"),
    ("Jon", "Team lead"),
]

CASE_TYPES = [
    "Change of circumstances",
    "New claim",
    "Overpayment query",
    "Eligibility question",
    "Complaint",
]

# Where a case goes next from each role, per round: the current process bounces files down
# the line; at the shared desk most questions are settled across the table.
NEXT_ROLE = {
    "baseline": {
        "Intake officer": [("Benefits officer", 7), ("Policy advisor", 2), ("Team lead", 1)],
        "Benefits officer": [("Policy advisor", 5), ("Intake officer", 3), ("Team lead", 2)],
        "Policy advisor": [("Benefits officer", 5), ("Team lead", 3), ("Intake officer", 2)],
        "Team lead": [("Benefits officer", 5), ("Intake officer", 3), ("Policy advisor", 2)],
    },
    "prototype": {
        "Intake officer": [("Team lead", 5), ("Policy advisor", 3), ("Benefits officer", 2)],
        "Benefits officer": [("Team lead", 6), ("Policy advisor", 4)],
        "Policy advisor": [("Team lead", 7), ("Benefits officer", 3)],
        "Team lead": [("Policy advisor", 5), ("Benefits officer", 5)],
    },
}

HANDOFF_REASONS = [
    "Needs a policy view",
    "Benefit calculation",
    "Sign-off needed",
    "Missing evidence",
    None,
    None,
]

CARDS = {
    "baseline": {
        "Highlights": [
            "Benefits officers answered quickly once the file reached them",
            "The checklist for change of circumstances saved time",
            "Good to hear how policy reads the rules",
            "Team lead joined a tricky case and it moved at once",
            "Seeing the whole file trail on screen helped",
            "Intake notes were clear enough to act on without calling back",
            "The evidence template for new claims works well",
            "Quick chat with a benefits officer settled an eligibility question",
        ],
        "Blockers": [
            "Cases wait days in the policy queue for a one-line answer",
            "Nobody owns a case once it leaves intake",
            "We re-key the same details into two systems",
            "Sign-off for overpayments needs the team lead every time",
            "Hard to know who is working on which file",
            "Evidence requests go out one at a time",
            "Files come back to intake with questions we could have answered",
            "Policy guidance is spread over four documents",
            "A complaint waited two days for the right team",
        ],
        "Opportunities": [
            "Let intake ask policy directly instead of via a queue",
            "One shared list of open cases for all teams",
            "Agree plain-language templates for common answers",
            "Give benefits officers authority for small overpayments",
            "Ask for all the evidence in one letter",
            "A daily ten-minute huddle on stuck cases",
            "Name one owner per case from start to answer",
        ],
    },
    "prototype": {
        "Highlights": [
            "Questions settled across the desk in minutes, not days",
            "Policy advisor at the table stopped most handoffs",
            "I understood why benefits needs the evidence it asks for",
            "Clients could get an answer the same day",
            "Team lead as unblocker, not approver, worked",
            "Learning from each other's questions",
            "We closed a complaint in one sitting",
            "Reading the case aloud caught a missing document early",
        ],
        "Blockers": [
            "Three people on one case feels slow for simple files",
            "The shared desk is noisy when all pods are busy",
            "Some cases still need a decision from outside the room",
            "The case system only lets one person edit at a time",
            "Overpayments still wait for finance",
            "Hard to keep up my own queue while at the desk",
            "Not enough screens for everyone to see the file",
        ],
        "Opportunities": [
            "Triage simple cases to one person, complex ones to the pod",
            "Keep the shared desk two days a week",
            "Write down the questions policy answers most often",
            "Bring a finance contact to the pod for overpayments",
            "Rotate intake officers through the desk",
            "Share the desk's answers as guidance for other teams",
            "Try the desk for complaints first",
        ],
    },
}

# A card that names a client: the facilitator hides it (moderation), as the playbook says.
HIDDEN_CARD = "Mrs Okafor in C-214 was told three different things before we sat together"

GROUPS = {
    ("baseline", 2): ("Waiting on policy sign-off", "Blockers"),
    ("prototype", 3): ("Answers across the desk", "Highlights"),
    ("prototype", 4): ("Keep: the shared desk", "Opportunities"),
}

BASELINE_DATES = [datetime(2026, 2, d, 9, 30, tzinfo=UTC) for d in (3, 10, 17, 24)]
PROTOTYPE_DATES = [datetime(2026, 3, d, 9, 30, tzinfo=UTC) for d in (10, 17, 24, 31)]


@dataclass
class DemoInfo:
    """What `playtest demo` seeded (or found), and how to try it."""

    playtest_id: int
    created: bool
    join_code: str
    live_session_id: int
    playbooks: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        state = "Seeded" if self.created else "Already there (nothing changed)"
        lines = [
            f"{state}: playtest #{self.playtest_id} “{TITLE}”.",
            f"  {BASELINE} and {PROTOTYPE}: 4 finished 90-minute sessions each.",
        ]
        if self.counts:
            lines.append("  " + ", ".join(f"{n} {what}" for what, n in self.counts.items()) + ".")
        if self.playbooks:
            lines.append("Playbooks: " + "; ".join(self.playbooks))
        lines += [
            "",
            f"Sign in at /login as {EMAIL} with password {PASSWORD}",
            f"  Summary: /playtests/{self.playtest_id}/summary",
            f"  Report:  /playtests/{self.playtest_id}/report",
            "",
            f"Try it live: “{TRY_IT}”, session 1 has not started yet.",
            f"  Join code: {self.join_code}  (participants open /j/{self.join_code})",
            f"  Facilitator console: /sessions/{self.live_session_id}/console",
        ]
        return "\n".join(lines)


def seed_demo(folder: Path | str) -> DemoInfo:
    """Import the playbooks in `folder` and seed the demo playtest once; idempotent."""
    folder = Path(folder)
    user = find_user(EMAIL) or create_user(EMAIL, PASSWORD, AccountRole.FACILITATOR)
    imported = []
    playbook = None
    for path in sorted(folder.glob("*.md")):
        result = import_playbook(path.read_bytes(), user=user, filename=path.name)
        if result.playbook is not None:
            imported.append(f"{path.name} → #{result.playbook.id}")
            if path.name == PLAYBOOK_FILE:
                # The same bytes imported earlier (under any filename) are the same version.
                playbook = result.playbook
    existing = db.session.scalar(sa.select(Playtest).where(Playtest.title == TITLE))
    if existing is not None:
        return _info(existing, created=False, playbooks=imported)
    if playbook is None:
        raise FileNotFoundError(f"{PLAYBOOK_FILE} is not in {folder}")
    playtest = _seed(playbook, user.id)
    return _info(playtest, created=True, playbooks=imported)


def _info(playtest: Playtest, created: bool, playbooks: list[str]) -> DemoInfo:
    try_it = next(r for r in playtest.rounds if r.label == TRY_IT)
    session = try_it.sessions[0]
    rounds = [r.id for r in playtest.rounds]
    sessions = sa.select(Session.id).where(Session.round_id.in_(rounds))

    def count(column) -> int:
        return db.session.scalar(sa.select(sa.func.count()).where(column.in_(sessions))) or 0

    counts = {
        "participants": db.session.scalar(
            sa.select(sa.func.count(Participant.id)).where(Participant.playtest_id == playtest.id)
        )
        or 0,
        "cases": db.session.scalar(
            sa.select(sa.func.count(Case.id)).where(Case.round_id.in_(rounds))
        )
        or 0,
        "case events": count(CaseEvent.session_id),
        "ratings": count(Rating.session_id),
        "cards": count(Reflection.session_id),
        "votes": count(Vote.session_id),
    }
    return DemoInfo(
        playtest_id=playtest.id,
        created=created,
        join_code=session.join_code,
        live_session_id=session.id,
        playbooks=playbooks,
        counts=counts,
    )


# --- seeding -------------------------------------------------------------------------------


def _seed(playbook: Playbook, user_id: int) -> Playtest:
    rng = random.Random(SEED)
    playtest = Playtest(title=TITLE, created_by_id=user_id)
    playtest.members.append(PlaytestMember(user_id=user_id, role=MemberRole.OWNER))
    db.session.add(playtest)
    db.session.flush()
    people = [Participant(playtest_id=playtest.id) for _ in STAFF]
    db.session.add_all(people)
    rounds = {
        "baseline": Round(
            playtest=playtest, label=BASELINE, playbook=playbook, position=0, is_baseline=True
        ),
        "prototype": Round(playtest=playtest, label=PROTOTYPE, playbook=playbook, position=1),
    }
    try_it = Round(playtest=playtest, label=TRY_IT, playbook=playbook, position=2)
    db.session.add_all([*rounds.values(), try_it])
    db.session.commit()

    traits = [rng.gauss(2.9, 0.35) for _ in STAFF]
    # Card texts are drawn without replacement across a round, so points recur only once
    # every point has been made (as in real rooms, where a blocker comes back later).
    texts = {kind: {lane: [] for lane in lanes} for kind, lanes in CARDS.items()}
    labels = iter(range(101, 1000))
    cases: list[Case] = []
    for kind, dates in (("baseline", BASELINE_DATES), ("prototype", PROTOTYPE_DATES)):
        for number, start in enumerate(dates, start=1):
            session, _created = facilitation.schedule_session(rounds[kind], number)
            cases += _seed_session(
                rng, kind, session, start, people, traits, labels, user_id, texts[kind]
            )
    db.session.flush()
    for case in cases:
        replay(case)  # the cache fields exactly as the services would leave them
    facilitation.schedule_session(try_it, 1)  # not started: a newcomer can join and try it
    db.session.commit()
    return playtest


def _seed_session(
    rng: random.Random,
    kind: str,
    session: Session,
    start: datetime,
    people: list[Participant],
    traits: list[float],
    labels,
    user_id: int,
    texts: dict[str, list[str]],
) -> list[Case]:
    """One finished session: agenda runs, attendance, ratings, cases and the board."""
    segments = facilitation.session_agenda(session)["segments"]
    runs = _segment_runs(rng, session, start, segments)
    end = runs[-1].ended_at
    work = next(
        (r for r, seg in zip(runs, segments, strict=True) if seg["kind"] == SegmentKind.WORK),
        runs[0],
    )
    reflect = next(
        (r for r, seg in zip(runs, segments, strict=True) if seg["kind"] == SegmentKind.REFLECT),
        runs[-1],
    )

    # Nearly everyone comes every week; one or two miss a session.
    present = [i for i in range(len(STAFF)) if rng.random() > 0.1]
    attendances = {}
    for i in present:
        name, role = STAFF[i]
        attendances[i] = Attendance(
            participant=people[i],
            session=session,
            token_hash=hash_token(secrets.token_urlsafe(32)),
            display_name=name,
            role=role,
            joined_at=start - timedelta(minutes=rng.uniform(1, 8)),
        )
    db.session.add_all(attendances.values())

    session.status = SessionStatus.FINISHED
    session.segment_index = len(segments) - 1
    session.segment_started_at = runs[-1].started_at
    session.finished_at = end
    session.created_at = start - timedelta(days=7)

    _ratings(rng, kind, session, start, end, people, traits, present)
    cases = _cases(rng, kind, session, work, people, present, labels, user_id)
    _board(rng, kind, session, reflect, people, present, texts)
    return cases


def _segment_runs(
    rng: random.Random, session: Session, start: datetime, segments: list[dict]
) -> list[SegmentRun]:
    # Case work runs over, reflection gets squeezed, plenaries keep roughly to time.
    drift = {
        SegmentKind.WORK: (1, 6),
        SegmentKind.REFLECT: (-4, 1),
        SegmentKind.DISCUSS: (-1, 4),
        SegmentKind.PLENARY: (-1, 2),
    }
    runs, at = [], start
    for index, segment in enumerate(segments):
        low, high = drift.get(segment["kind"], (-1, 1))
        minutes = max(2.0, segment["minutes"] + rng.uniform(low, high))
        paused = 90.0 if segment["kind"] == SegmentKind.WORK and rng.random() < 0.25 else 0.0
        ended = at + timedelta(minutes=minutes, seconds=paused)
        runs.append(
            SegmentRun(
                session_id=session.id,
                segment_index=index,
                planned_min=float(segment["minutes"]),
                started_at=at,
                ended_at=ended,
                paused_s=paused,
            )
        )
        at = ended
    db.session.add_all(runs)
    return runs


def _ratings(rng, kind, session, start, end, people, traits, present) -> None:
    questions = session_document(session)["questions"]
    offsets = [0.15, -0.35, -0.1, 0.2] + [0.0] * max(0, len(questions) - 4)
    lift_before, lift_after, spread = (
        (0.0, 0.05, 0.45) if kind == "baseline" else (0.12, 0.45, 0.45)
    )
    base = 0.0 if kind == "baseline" else 0.25
    for i in present:
        before = traits[i] + base + lift_before * (session.number - 1)
        after = before + rng.gauss(lift_after, spread)
        phases = [(RatingPhase.BEFORE, before, start + timedelta(minutes=rng.uniform(0, 6)))]
        if rng.random() > 0.06:  # someone occasionally leaves before the after-ratings
            phases.append((RatingPhase.AFTER, after, end - timedelta(minutes=rng.uniform(0.5, 3))))
        for phase, score, at in phases:
            for index, _question in enumerate(questions):
                value = round(score + offsets[index] + rng.gauss(0, 0.45))
                db.session.add(
                    Rating(
                        participant_id=people[i].id,
                        session_id=session.id,
                        phase=phase,
                        question_index=index,
                        value=min(5, max(1, value)),
                        at=at,
                    )
                )


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def _cases(rng, kind, session, work, people, present, labels, user_id) -> list[Case]:
    """Cases opened during case work, each with its handoffs and (usually) its answer."""
    if kind == "baseline":
        count, handoff_weights, base, per_handoff = (
            rng.randint(16, 21),
            [1, 2, 3, 2, 1.2, 0.6],
            14,
            8,
        )
    else:
        count, handoff_weights, base, per_handoff = (
            rng.randint(20, 26),
            [4.5, 3, 1.5, 0.7, 0.3, 0],
            8,
            5,
        )
    by_role: dict[str, list[int]] = {}
    for i in present:
        by_role.setdefault(STAFF[i][1], []).append(i)
    openers = by_role.get("Intake officer") or present
    window = (work.ended_at - work.started_at).total_seconds() / 60
    cases = []
    for _ in range(count):
        opener = rng.choice(openers)
        opened_at = work.started_at + timedelta(minutes=rng.uniform(0, window * 0.55))
        case = Case(
            round_id=session.round_id,
            session_id=session.id,
            participant_id=people[opener].id,
            client_id=str(uuid.uuid4()),
            label=f"C-{next(labels)}",
            case_type=rng.choice(CASE_TYPES),
            opened_at=opened_at,
            holder_role=STAFF[opener][1],
        )
        events = [
            CaseEvent(
                session_id=session.id,
                kind=CaseEventKind.OPENED,
                participant_id=people[opener].id,
                client_id=case.client_id,
                to_role=STAFF[opener][1],
                at=opened_at,
            )
        ]
        handoffs = rng.choices(range(6), weights=handoff_weights)[0]
        minutes = (base + per_handoff * handoffs) * rng.lognormvariate(0, 0.35)
        holder, at = STAFF[opener][1], opened_at
        for step in range(handoffs):
            to_role = _weighted(rng, NEXT_ROLE[kind][holder])
            at = opened_at + timedelta(
                minutes=minutes * (step + rng.uniform(0.3, 0.9)) / (handoffs + 1)
            )
            actor = rng.choice(by_role.get(holder) or present)
            events.append(
                CaseEvent(
                    session_id=session.id,
                    kind=CaseEventKind.HANDOFF,
                    participant_id=people[actor].id,
                    client_id=str(uuid.uuid4()),
                    from_role=holder,
                    to_role=to_role,
                    note=rng.choice(HANDOFF_REASONS),
                    at=at,
                )
            )
            holder = to_role
        answered_at = opened_at + timedelta(minutes=minutes)
        # Pods finish off cases while the board fills; what is left is carried over, open.
        if answered_at < work.ended_at + timedelta(minutes=15):
            actor = rng.choice(by_role.get(holder) or present)
            events.append(
                CaseEvent(
                    session_id=session.id,
                    kind=CaseEventKind.ANSWERED,
                    participant_id=people[actor].id,
                    client_id=str(uuid.uuid4()),
                    from_role=holder,
                    note="Answer sent to client",
                    at=answered_at,
                )
            )
        case.events = events
        cases.append(case)
    db.session.add_all(cases)
    if kind == "baseline" and session.number == 2:
        _undo_a_handoff(cases, session, user_id)
    return cases


def _undo_a_handoff(cases: list[Case], session: Session, user_id: int) -> None:
    """A handoff logged on the wrong case, undone by the facilitator (it does not count)."""
    case = next((c for c in cases if any(e.kind == CaseEventKind.HANDOFF for e in c.events)), None)
    if case is None:
        return
    db.session.flush()  # event ids, so the correction can point at one
    target = [e for e in case.events if e.kind == CaseEventKind.HANDOFF][-1]
    case.events.append(
        CaseEvent(
            session_id=session.id,
            kind=CaseEventKind.HANDOFF_UNDONE,
            user_id=user_id,
            corrects_id=target.id,
            note="Logged on the wrong case",
            at=target.at + timedelta(minutes=2),
        )
    )


def _board(rng, kind, session, reflect, people, present, texts) -> None:
    """Cards in every lane, a few anonymous, votes within each person's allowance, themes."""
    document = session_document(session)
    lanes, allowance = document["lanes"], document["votes"]
    window = (reflect.ended_at - reflect.started_at).total_seconds() / 60
    cards: list[Reflection] = []
    for i in present:
        for lane in rng.sample(lanes, k=rng.randint(1, len(lanes))):
            if lane not in texts:
                continue
            if not texts[lane]:
                texts[lane] = rng.sample(CARDS[kind][lane], k=len(CARDS[kind][lane]))
            text = texts[lane].pop()
            cards.append(
                Reflection(
                    session_id=session.id,
                    participant_id=people[i].id,
                    author_role=STAFF[i][1],
                    client_id=str(uuid.uuid4()),
                    lane=lane,
                    text=text,
                    anonymous=rng.random() < 0.12,
                    created_at=reflect.started_at + timedelta(minutes=rng.uniform(0, window * 0.6)),
                )
            )
    if kind == "prototype" and session.number == 2:
        author = present[0]
        cards.append(
            Reflection(
                session_id=session.id,
                participant_id=people[author].id,
                author_role=STAFF[author][1],
                client_id=str(uuid.uuid4()),
                lane="Blockers",
                text=HIDDEN_CARD,
                hidden=True,
                pii_flag=False,
                created_at=reflect.started_at + timedelta(minutes=3),
            )
        )
    for card in cards:
        card.updated_at = card.created_at
    db.session.add_all(cards)
    db.session.flush()

    visible = [c for c in cards if not c.hidden]
    appeal = {c.id: rng.random() ** 2 + 0.05 for c in visible}
    for i in present:
        others = [c for c in visible if c.participant_id != people[i].id]
        chosen: set[int] = set()
        for _ in range(min(len(others), rng.randint(max(1, allowance - 2), allowance))):
            card = rng.choices(others, weights=[appeal[c.id] for c in others])[0]
            if card.id in chosen:
                continue
            chosen.add(card.id)
            card.votes += 1
            db.session.add(
                Vote(
                    reflection_id=card.id,
                    participant_id=people[i].id,
                    session_id=session.id,
                    created_at=card.created_at + timedelta(minutes=rng.uniform(1, 5)),
                )
            )

    theme = GROUPS.get((kind, session.number))
    if theme:
        title, lane = theme
        members = sorted((c for c in visible if c.lane == lane), key=lambda c: (-c.votes, c.id))[:3]
        if members:
            group = ReflectionGroup(session_id=session.id, title=title, created_at=reflect.ended_at)
            db.session.add(group)
            for card in members:
                card.group = group
                card.updated_at = reflect.ended_at
