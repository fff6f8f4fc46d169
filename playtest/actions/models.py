"""The action row. It lives with its feature (models.py holds the rest of the schema)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from playtest.enums import ActionStatus
from playtest.extensions import db
from playtest.models import UTCDateTime
from playtest.timeutil import utcnow


class Action(db.Model):
    """A change the room agreed to try, with an owner and a status; belongs to the playtest.

    Nobody's proposal is traceable: no column names who proposed it.
    """

    __tablename__ = "actions"
    __table_args__ = (sa.UniqueConstraint("playtest_id", "client_id"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    playtest_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("playtests.id", ondelete="CASCADE"), index=True
    )
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    origin_session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="SET NULL")
    )
    origin_session_number: so.Mapped[int]
    client_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    owner: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=ActionStatus.AGREED)
    due_session_number: so.Mapped[int | None]
    source_ids: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    # [{status, at, session_id}], oldest first; the first entry is the status it began with.
    history: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
