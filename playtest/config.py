"""Defaults and limits; every value can be overridden with a PLAYTEST_* environment variable."""

from __future__ import annotations

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
DEFAULT_ANONYMITY = "optional"
ANONYMITY_CHOICES = ("optional", "always", "off")
LANGUAGES = ("en", "fr")
SEGMENT_KINDS = ("work", "reflect", "discuss", "break", "plenary")

# Live session rules (DESIGN.md §5).
TEXT_MAX_CHARS = 500
LABEL_MAX_CHARS = 60
CASE_TYPE_MAX_CHARS = 80
HANDOFF_REASON_MAX_CHARS = 500
OUTCOME_MAX_CHARS = 200
DISPLAY_NAME_MAX_CHARS = 60
POSTS_PER_MINUTE = 30
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

# Summary digests (summary/digests.py): a finished session's digest is stored only once it has
# been finished this long, so that a write which read the session as running just before it
# finished (and so did not bump its data_version) has committed before the digest is built.
# Socket events commit within milliseconds; 30 s leaves a wide margin.
DIGEST_AFTER_FINISH_S = 30


class Config:
    """Flask settings; env vars named PLAYTEST_<KEY> override them (see create_app)."""

    SECRET_KEY: str | None = None  # generated into the instance folder when unset
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: sqlite in the instance folder
    DATABASE_URL: str | None = None  # friendlier alias for the above
    REDIS_URL: str | None = None  # Socket.IO message queue + rate-limit storage
    ASYNC_MODE = "threading"  # `playtest serve` switches to gevent
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
    RATELIMIT_LOGIN = "10/minute"
    RATELIMIT_API = "600/minute"
    RATELIMIT_HEADERS_ENABLED = True
    MAX_CONTENT_LENGTH = 1024 * 1024
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
