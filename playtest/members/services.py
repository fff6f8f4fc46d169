"""Who is a member of a playtest: adding, changing and removing members, audited.

The check itself (who may see what) is playtest/access.py's; these are the rules for changing
it, shared by the playtest page and the API. Only owners change members (the callers load the
playtest with `access.playtest_for(user, id, Need.OWN)`).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from playtest.enums import AccountRole, MemberRole
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.models import AuditEntry, Playtest, PlaytestMember, User
from playtest.revocation import drop_staff_sockets
from playtest.timeutil import iso_ms

ROLES = tuple(MemberRole)
_ORDER = {MemberRole.OWNER: 0, MemberRole.FACILITATOR: 1, MemberRole.OBSERVER: 2}


def members_of(playtest: Playtest) -> list[PlaytestMember]:
    """The playtest's members, owners first, then by email."""
    rows = db.session.scalars(
        sa.select(PlaytestMember)
        .join(User, User.id == PlaytestMember.user_id)
        .where(PlaytestMember.playtest_id == playtest.id)
        .order_by(User.email)
    ).all()
    return sorted(rows, key=lambda member: _ORDER.get(member.role, 3))


def member_payload(member: PlaytestMember) -> dict:
    """A member as the API returns it."""
    return {
        "user_id": member.user_id,
        "email": member.user.email,
        "role": member.role,
        "account_role": member.user.role,
        "active": member.user.active,
        "added_at": iso_ms(member.added_at),
    }


def founding_members(playtest: Playtest, creator: User | None) -> None:
    """A new playtest's members: its creator as owner (added to the caller's transaction).

    A playtest with no known creator (a script's, the CLI's) follows the upgrade's rule
    (DESIGN.md §12): every facilitator account is an owner, every observer account observes.
    """
    if creator is not None:
        people = [(creator, MemberRole.OWNER)]
    else:
        people = [
            (user, MemberRole.OBSERVER if user.role == AccountRole.OBSERVER else MemberRole.OWNER)
            for user in db.session.scalars(sa.select(User).order_by(User.id))
        ]
    for user, role in people:
        playtest.members.append(PlaytestMember(user_id=user.id, role=role))


def _audit(actor: User, playtest: Playtest, action: str, member: User, **detail) -> None:
    db.session.add(
        AuditEntry(
            user_id=actor.id,
            action=action,
            target=f"playtest:{playtest.id}",
            detail={"user_id": member.id, "email": member.email, **detail},
        )
    )


def _owners(playtest: Playtest) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            PlaytestMember.playtest_id == playtest.id, PlaytestMember.role == MemberRole.OWNER
        )
    )


def _keep_an_owner(playtest: Playtest, member: PlaytestMember) -> None:
    if member.role == MemberRole.OWNER and _owners(playtest) <= 1:
        raise ActionError(
            ErrorCode.INVALID,
            _("A playtest needs an owner. Make someone else an owner first."),
        )


def add_member(
    actor: User, playtest: Playtest, email: object, role: object
) -> tuple[PlaytestMember, bool]:
    """Make the account with this email a member in `role`, or change its role; audited.
    Returns the member and whether it is new."""
    if role not in ROLES:
        raise ActionError(ErrorCode.INVALID, _("Choose owner, facilitator or observer."))
    role = MemberRole(role)
    address = email.strip().lower() if isinstance(email, str) else ""
    user = db.session.scalar(sa.select(User).where(User.email == address)) if address else None
    if user is None:
        raise ActionError(
            ErrorCode.INVALID,
            _("No account has that email address. Ask an admin to create one first."),
        )
    if not user.active:
        raise ActionError(ErrorCode.INVALID, _("That account is deactivated."))
    if user.role == AccountRole.OBSERVER and role != MemberRole.OBSERVER:
        raise ActionError(
            ErrorCode.INVALID,
            _("%(email)s has an observer account, so they can only observe.", email=user.email),
        )
    member = db.session.scalar(
        sa.select(PlaytestMember).where(
            PlaytestMember.playtest_id == playtest.id, PlaytestMember.user_id == user.id
        )
    )
    created = member is None
    if created:
        member = PlaytestMember(playtest_id=playtest.id, user_id=user.id, role=role)
        member.added_by_id = actor.id
        db.session.add(member)
        _audit(actor, playtest, "member:add", user, role=role)
    elif member.role != role:
        if role != MemberRole.OWNER:
            _keep_an_owner(playtest, member)
        _audit(actor, playtest, "member:role", user, role=role, previous_role=member.role)
        member.role = role
    db.session.commit()
    return member, created


def remove_member(actor: User, playtest: Playtest, user_id: object) -> User:
    """Remove a member (never the last owner); audited. Their open sockets close at once."""
    member = (
        db.session.scalar(
            sa.select(PlaytestMember).where(
                PlaytestMember.playtest_id == playtest.id, PlaytestMember.user_id == user_id
            )
        )
        if isinstance(user_id, int)
        else None
    )
    if member is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("That account is not a member of this playtest."))
    _keep_an_owner(playtest, member)
    user = member.user
    _audit(actor, playtest, "member:remove", user, role=member.role)
    db.session.delete(member)
    db.session.commit()
    drop_staff_sockets(user.id, playtest.id)
    return user
