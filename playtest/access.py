"""Who may see and change a playtest: the one membership rule (DESIGN.md §12).

Every page, API endpoint, export and socket that names a playtest, a round or a session
loads it through `playtest_for`, `round_for` or `session_for`, saying what it needs:

    playtest = access.playtest_for(current_user, playtest_id, Need.FACILITATE)

A non-member gets the same 404 as a missing id (never a 403 that confirms it exists); a
member whose role falls short gets `forbidden`. An account whose instance role is observer
reads only, whatever its membership says. Staff sockets check `live_standing` on every
event, so a sign-out or a removal takes effect while the socket is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from playtest.enums import AccountRole, MemberRole, ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.models import ApiToken, Playtest, PlaytestMember, Round, Session, User


class Need(IntEnum):
    """What an action asks of the account's part in the playtest, least first."""

    READ = 1
    FACILITATE = 2
    OWN = 3


_GRANTS = {
    MemberRole.OBSERVER: Need.READ,
    MemberRole.FACILITATOR: Need.FACILITATE,
    MemberRole.OWNER: Need.OWN,
}


def effective_role(account_role: str, member_role: str | None) -> MemberRole | None:
    """The member role that applies: none for a non-member, observer for an observer account."""
    if member_role is None:
        return None
    if account_role == AccountRole.OBSERVER:
        return MemberRole.OBSERVER
    return MemberRole(member_role)


def grants(role: MemberRole | None, need: Need) -> bool:
    return role is not None and _GRANTS[role] >= need


def viewer_kind(role: MemberRole) -> ViewerKind:
    """The live viewer a member is: facilitators and owners run the session, observers watch."""
    return ViewerKind.OBSERVER if role == MemberRole.OBSERVER else ViewerKind.FACILITATOR


def role_in(user: User | None, playtest_id: int) -> MemberRole | None:
    """The account's effective role in the playtest, or None (not a member, not signed in)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return None
    member = db.session.scalar(
        sa.select(PlaytestMember.role).where(
            PlaytestMember.playtest_id == playtest_id, PlaytestMember.user_id == user.id
        )
    )
    return effective_role(user.role, member)


def _not_found() -> None:
    abort(404, description=_("Not found."))


def _check(role: MemberRole | None, need: Need) -> MemberRole:
    """Refuse a non-member with 404 and a member whose role falls short with `forbidden`."""
    if role is None:
        _not_found()
    if not grants(role, need):
        if need == Need.OWN:
            message = _("Only the playtest's owners can do that.")
        else:
            message = _("Observers of this playtest can only read it.")
        raise ActionError(ErrorCode.FORBIDDEN, message)
    return role


def playtest_for(user: User | None, playtest_id: int, need: Need = Need.READ) -> Playtest:
    """The playtest, if this account may do what `need` says in it; else 404 or forbidden."""
    playtest = db.session.get(Playtest, playtest_id)
    if playtest is None:
        _not_found()
    _check(role_in(user, playtest.id), need)
    return playtest


def round_for(user: User | None, round_id: int, need: Need = Need.READ) -> Round:
    """The round, checked against its playtest's membership as `playtest_for` does."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        _not_found()
    _check(role_in(user, round_.playtest_id), need)
    return round_


def session_access(
    user: User | None, session_id: int, need: Need = Need.READ
) -> tuple[Session, MemberRole]:
    """The session and the account's role in its playtest; else 404 or forbidden."""
    session = db.session.get(Session, session_id)
    if session is None:
        _not_found()
    return session, _check(role_in(user, session.round.playtest_id), need)


def session_for(user: User | None, session_id: int, need: Need = Need.READ) -> Session:
    """The session, checked against its playtest's membership as `playtest_for` does."""
    return session_access(user, session_id, need)[0]


def visible_playtests(user: User) -> sa.Select:
    """The playtests this account is a member of (a query, newest first)."""
    return (
        sa.select(Playtest)
        .join(PlaytestMember, PlaytestMember.playtest_id == Playtest.id)
        .where(PlaytestMember.user_id == user.id)
        .order_by(Playtest.id.desc())
    )


# --- staff sockets: checked again on every event ---------------------------------------------


@dataclass(frozen=True)
class LiveStanding:
    """Whether a staff socket's sign-in still holds, and its role in the session's playtest."""

    signed_in: bool
    role: MemberRole | None


# One indexed read per staff event (participants never pay it): the account, the token the
# socket connected with (if any) and the account's membership of the session's playtest.
_STANDING = (
    sa.select(User.active, User.session_version, User.role, PlaytestMember.role, ApiToken.id)
    .select_from(User)
    .join(Session, Session.id == sa.bindparam("session_id"))
    .join(Round, Round.id == Session.round_id)
    .outerjoin(
        PlaytestMember,
        sa.and_(PlaytestMember.playtest_id == Round.playtest_id, PlaytestMember.user_id == User.id),
    )
    .outerjoin(
        ApiToken, sa.and_(ApiToken.id == sa.bindparam("token_id"), ApiToken.user_id == User.id)
    )
    .where(User.id == sa.bindparam("user_id"))
)


def live_standing(
    user_id: int, session_id: int, session_version: int | None, token_id: int | None
) -> LiveStanding:
    """A staff socket's standing now: signed in with the same cookie version or a token that
    still exists, and the account's effective role in the session's playtest."""
    row = db.session.execute(
        _STANDING, {"user_id": user_id, "session_id": session_id, "token_id": token_id}
    ).first()
    if row is None or not row[0]:
        return LiveStanding(False, None)
    _active, version, account_role, member_role, token_row = row
    if token_id is not None:
        signed_in = token_row is not None
    else:
        signed_in = session_version is not None and version == session_version
    return LiveStanding(signed_in, effective_role(account_role, member_role) if signed_in else None)
