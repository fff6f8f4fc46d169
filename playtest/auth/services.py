"""Accounts, sign-in, API tokens and set-password links: the rules the CLI, pages and API share.

A login cookie carries the account's `session_version` (User.get_id), checked on every request
by `user_by_id`; signing out, a new password and deactivation bump it, so every cookie signed
in before stops working, and staff sockets stop at their next event (playtest/access.py).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa

from playtest import config
from playtest.enums import AccountRole
from playtest.extensions import db
from playtest.models import ApiToken, PasswordLink, User, hash_token
from playtest.timeutil import utcnow

ROLES = tuple(AccountRole)
TOKEN_PREFIX = "pt_"


def user_by_id(user_id: str) -> User | None:
    """The account a login cookie names, if the cookie is still current (Flask-Login's loader).

    The cookie holds "<id>:<session version>" (User.get_id); a cookie from before a sign-out,
    a password change or a deactivation names an older version and signs nobody in.
    """
    ident, _sep, version = str(user_id).partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def _first_role(role: str) -> str:
    """Until the instance has an admin, the first facilitator account created becomes it."""
    if role != AccountRole.FACILITATOR:
        return role
    has_admin = db.session.scalar(sa.select(User.id).where(User.role == AccountRole.ADMIN).limit(1))
    return AccountRole.ADMIN if has_admin is None else role


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")


def create_user(email: str, password: str, role: str | None = None) -> User:
    """Create an account (a facilitator unless `role` says otherwise), or reset the password
    of an existing one, and its role when `role` is given (the CLI's)."""
    if role is not None:
        _check_role(role)
    if len(password) < config.PASSWORD_MIN_CHARS:
        raise ValueError(f"the password must be at least {config.PASSWORD_MIN_CHARS} characters")
    user = find_user(email)
    if user is None:
        user = User(email=email.strip().lower(), role=_first_role(role or AccountRole.FACILITATOR))
    elif role is not None:
        user.role = role
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def create_account(email: str, role: str) -> User:
    """A new account with no usable password yet (an admin sends it a set-password link)."""
    _check_role(role)
    user = User(email=email.strip().lower(), role=_first_role(role))
    user.set_password(secrets.token_urlsafe(32))  # nobody knows it: the link sets the first one
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials; the same answer whether or not the email exists."""
    user = find_user(email)
    if user is None:
        # Spend the same time hashing so response time does not reveal which accounts exist.
        User(email="", password_hash="").set_password(password)
        return None
    return user if user.active and user.check_password(password) else None


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: every cookie, and every staff socket at its next event."""
    user.end_sessions()
    db.session.commit()


def set_active(user: User, active: bool) -> None:
    """Deactivate (signed out everywhere; tokens and links stop working) or reactivate."""
    user.active = active
    if not active:
        user.end_sessions()
    db.session.commit()


# --- API tokens ------------------------------------------------------------------------------


def issue_api_token(user: User) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token), hint=token[:8]))
    db.session.commit()
    return token


def api_token_row(token: str) -> ApiToken | None:
    """The stored token (of an active account), or None; marks it used (the caller commits)."""
    if not token or len(token) > config.TOKEN_MAX_CHARS:
        return None
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row


def user_for_api_token(token: str) -> User | None:
    row = api_token_row(token)
    return row.user if row is not None else None


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        )
    )


def revoke_tokens(user: User) -> int:
    """Revoke every API token of the account; returns how many there were."""
    count = db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount
    db.session.commit()
    return count or 0


def revoke_token(token: str) -> User | None:
    """Revoke one API token (given in full); returns its account, or None if it is unknown."""
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None:
        return None
    user = row.user
    db.session.delete(row)
    db.session.commit()
    return user


# --- set-password links ----------------------------------------------------------------------


def issue_password_link(user: User) -> str:
    """A new one-time set-password token for the account; earlier unused ones stop working."""
    now = utcnow()
    db.session.execute(
        sa.update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordLink(
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(hours=config.SET_PASSWORD_LINK_HOURS),
        )
    )
    db.session.commit()
    return token


def reset_account(user: User) -> str:
    """Reset an account: its password stops working, it is signed out everywhere, and the
    returned one-time token (a set-password link) sets a new one."""
    user.set_password(secrets.token_urlsafe(32))
    db.session.commit()
    return issue_password_link(user)


def _usable_link(token: str) -> PasswordLink | None:
    if not token or len(token) > config.TOKEN_MAX_CHARS:
        return None
    link = db.session.scalar(
        sa.select(PasswordLink).where(PasswordLink.token_hash == hash_token(token))
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return link if link.user.active else None


def password_link_user(token: str) -> User | None:
    """The account a set-password link is for, while the link is unused and unexpired."""
    link = _usable_link(token)
    return link.user if link is not None else None


def use_password_link(token: str, password: str) -> User | None:
    """Set the account's password through its link (once); None if the link no longer works."""
    link = _usable_link(token)
    if link is None:
        return None
    link.used_at = utcnow()
    link.user.set_password(password)
    db.session.commit()
    return link.user
