"""Accounts and API tokens: one place for the rules the CLI, pages and API share."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from playtest import config
from playtest.enums import AccountRole
from playtest.extensions import db
from playtest.models import ApiToken, User, hash_token
from playtest.timeutil import utcnow

ROLES = tuple(AccountRole)


def user_by_id(user_id: str) -> User | None:
    """The account a login cookie names (Flask-Login's user loader, set by create_app)."""
    return db.session.get(User, int(user_id))


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(email: str, password: str, role: str = AccountRole.FACILITATOR) -> User:
    """Create an account, or reset the password and role of an existing one."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < config.PASSWORD_MIN_CHARS:
        raise ValueError(f"the password must be at least {config.PASSWORD_MIN_CHARS} characters")
    user = find_user(email) or User(email=email.strip().lower())
    user.role = role
    user.set_password(password)
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


def issue_api_token(user: User) -> str:
    token = "pt_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token)))
    db.session.commit()
    return token


def user_for_api_token(token: str) -> User | None:
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user
