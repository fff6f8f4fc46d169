"""Defaults and every limit, in one place; `Config` values can be overridden with PLAYTEST_*.

The module constants are the rules (the parser, the services and their error messages read
them); `limits()` is what pages and their scripts get of them, so no template or script types
a number of its own.
"""

from __future__ import annotations

from playtest.enums import Anonymity, SegmentKind

# Playbook format (DESIGN.md §3). The parser imports these, so they live in one place.
PLAYBOOK_MAX_BYTES = 256 * 1024
PLAYBOOK_MAX_SESSIONS = 20
PLAYBOOK_MAX_SEGMENTS_PER_SESSION = 40
SEGMENT_MIN_MINUTES = 1
SEGMENT_MAX_MINUTES = 480
# A session's Duration can be any total its segments can reach (a "job swap day": 540 min).
SESSION_MAX_MINUTES = PLAYBOOK_MAX_SEGMENTS_PER_SESSION * SEGMENT_MAX_MINUTES
LANES_MIN, LANES_MAX = 1, 8
VOTES_MIN, VOTES_MAX = 0, 50
DEFAULT_LANES = ("Highlights", "Blockers", "Opportunities")
DEFAULT_QUESTIONS = ("I feel confident handling cases like these",)
DEFAULT_VOTES = 5
DEFAULT_ANONYMITY = Anonymity.OPTIONAL.value
ANONYMITY_CHOICES = tuple(choice.value for choice in Anonymity)
LANGUAGES = ("en", "fr")
SEGMENT_KINDS = tuple(kind.value for kind in SegmentKind)
# The role of everyone in a playbook without Roles, stored as is and shown translated.
DEFAULT_ROLE = "Participant"

# Live session rules (DESIGN.md §5).
TEXT_MAX_CHARS = 500  # a card
LABEL_MAX_CHARS = 60  # a case label
CASE_TYPE_MAX_CHARS = 80
REASON_MAX_CHARS = 500  # a handoff's reason
OUTCOME_MAX_CHARS = 200  # a case's outcome
NOTE_MAX_CHARS = 500  # a facilitator's note on a correction
GROUP_TITLE_MAX_CHARS = 200
ACTION_TEXT_MAX_CHARS = 300  # an agreed action (DESIGN.md §10)
ACTION_OWNER_MAX_CHARS = 120  # its owner: a role or a name
ACTION_MAX_SOURCES = 20  # cards an action points at
GROUP_MAX_CARDS = 200
DISPLAY_NAME_MAX_CHARS = 60
TITLE_MAX_CHARS = 200  # a playtest's title, a round's label
CLIENT_ID_MIN_CHARS, CLIENT_ID_MAX_CHARS = 8, 64  # the exactly-once key (a UUID is 36)
TOKEN_MAX_CHARS = 200
POSTS_PER_MINUTE = 30
CASE_ACTIONS_PER_MINUTE = 60
EXTEND_MIN_MINUTES, EXTEND_MAX_MINUTES = 1, 120  # `timer:control {action: "extend"}`
UNDO_WINDOW_S = 300  # `timer:control {action: "undo"}` reverses an action this recent (§9)
# The clock turns amber with this much of a segment left, or this share of it if later.
WARN_LEFT_S, WARN_LEFT_SHARE = 120, 0.2
JOIN_CODE_LENGTH = 8
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read off a projector and typed on phones.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
PRESENCE_TIMEOUT_S = 60
PRESENCE_HEARTBEAT_S = 20
# Presence is announced at most once per this many seconds per session and process (the first
# change at once). Each announcement reaches every socket in the room, so while a room of N
# phones reconnects it costs N deliveries per interval instead of N per connect; at 1,000 phones
# 1 s is ~1,000 deliveries/s, a sixth of what one core delivered in bench/ (~6,000/s), and a
# head count that trails by under a second is not noticed.
PRESENCE_COALESCE_S = 1.0
LIKERT_MIN, LIKERT_MAX = 1, 5
SOCKET_MAX_MESSAGE_BYTES = 64 * 1024

# Accounts and cookies.
EMAIL_MAX_CHARS = 254
PASSWORD_MIN_CHARS, PASSWORD_MAX_CHARS = 8, 200
# A set-password link from an admin (or `playtest reset-password`) works once, for this long.
SET_PASSWORD_LINK_HOURS = 72
# A participant's token for one session, and for the playtest (it keeps them the same person
# when they join its next session); the language they chose.
SESSION_COOKIE_DAYS = 2
PLAYTEST_COOKIE_DAYS = 180
LANGUAGE_COOKIE_DAYS = 365

# Summary digests (summary/digests.py): a finished session's digest is stored only once it has
# been finished this long, so that a write which read the session as running just before it
# finished (and so did not bump its data_version) has committed before the digest is built.
# Socket events commit within milliseconds; 30 s leaves a wide margin.
DIGEST_AFTER_FINISH_S = 30

# SQLite under gevent (playtest/sqlite.py): a statement that finds the database locked by
# another writer waits this long in all, in short sleeps that let the other greenlets run,
# before it fails as `unavailable` (the browser's outbox then sends it again). SQLite's own
# busy wait would stop the whole worker instead.
SQLITE_BUSY_WAIT_S = 15.0
SQLITE_RETRY_FIRST_S, SQLITE_RETRY_MAX_S = 0.005, 0.1

# The garbage collector's thresholds in a serving worker (realtime.freeze_startup_heap). A
# worker with a room of phones connected holds ~170 tracked objects per socket; Python's
# defaults (700, 10, 10) then walk all of them in a full collection every few hundred cards
# (tens of ms in which no card is delivered). Collecting the young generation every 10,000
# net allocations instead of 700 makes full collections rare (minutes apart at 50 cards/s)
# and still frees cyclic garbage; a young collection stays around a millisecond.
GC_THRESHOLDS = (10_000, 20, 20)


def limits() -> dict[str, int]:
    """The limits pages show and their scripts enforce (templates: `limits`; live pages also
    render them as JSON in <script id="pt-limits">)."""
    return {
        "text_max": TEXT_MAX_CHARS,
        "label_max": LABEL_MAX_CHARS,
        "case_type_max": CASE_TYPE_MAX_CHARS,
        "reason_max": REASON_MAX_CHARS,
        "outcome_max": OUTCOME_MAX_CHARS,
        "note_max": NOTE_MAX_CHARS,
        "group_title_max": GROUP_TITLE_MAX_CHARS,
        "action_text_max": ACTION_TEXT_MAX_CHARS,
        "action_owner_max": ACTION_OWNER_MAX_CHARS,
        "display_name_max": DISPLAY_NAME_MAX_CHARS,
        "title_max": TITLE_MAX_CHARS,
        "likert_min": LIKERT_MIN,
        "likert_max": LIKERT_MAX,
        "extend_min_minutes": EXTEND_MIN_MINUTES,
        "extend_max_minutes": EXTEND_MAX_MINUTES,
        "segment_min_minutes": SEGMENT_MIN_MINUTES,
        "segment_max_minutes": SEGMENT_MAX_MINUTES,
        "playbook_max_kib": PLAYBOOK_MAX_BYTES // 1024,
        "set_password_link_hours": SET_PASSWORD_LINK_HOURS,
    }


class Config:
    """Flask settings; env vars named PLAYTEST_<KEY> override them (see create_app)."""

    SECRET_KEY: str | None = None  # generated into the instance folder when unset
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: sqlite in the instance folder
    DATABASE_URL: str | None = None  # friendlier alias for the above
    REDIS_URL: str | None = None  # Socket.IO message queue + rate-limit storage
    # Namespaces this instance's Socket.IO channel and Redis keys; by default the id stored in
    # the database when it was created (playtest/instance.py). Set it to share one database's
    # id elsewhere, or to tell apart two copies of one database (a restored backup).
    INSTANCE_ID: str | None = None
    ASYNC_MODE = "threading"  # `playtest serve` switches to gevent
    MIGRATION_COMMANDS = True  # Flask-Migrate attached; off in the web workers (wsgi.py)
    # No pool_pre_ping: it costs a round trip on every checkout, i.e. on every socket event.
    # Connections the server closed (a restart, a terminated backend) are replaced at checkout
    # without one (playtest/__init__.py); any other dead connection fails one statement and
    # SQLAlchemy then replaces the whole pool. Recycling after 5 minutes keeps connections
    # younger than the idle timeouts of firewalls and load balancers on the way.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_recycle": 300}
    WTF_CSRF_TIME_LIMIT = None  # a facilitator console stays open for a whole day
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set PLAYTEST_SESSION_COOKIE_SECURE=true behind TLS
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "http"
    RATELIMIT_ENABLED = True
    RATELIMIT_JOIN = "120/minute"  # a whole room shares one office IP
    RATELIMIT_JOIN_PAGE = "240/minute"  # GET /j/<code>: every reload of a live view counts
    RATELIMIT_LOGIN = "10/minute"
    RATELIMIT_API = "600/minute"
    RATELIMIT_HEADERS_ENABLED = True
    MAX_CONTENT_LENGTH = 1024 * 1024  # any request; a playbook is refused above PLAYBOOK_MAX_BYTES
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
