"""The desk's machinery: the audit log, the outbox, job messages, deadlines, conversations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class AuditEntry(Base):
    """Every transition: who, when, from, to, why (SPEC §1)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_order", "order_id"),
                      # /stats: breaches counted, first acceptances found in the index
                      Index("ix_audit_action", "action", "order_id", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int | None] = mapped_column(Integer)
    master_id: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message to someone other than the acting user, written in the same transaction as the
    change that causes it and delivered by bot/notify/sender.py."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),
                      Index("ix_outbox_next", "status", "priority", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)  # None: the desk
    order_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The desk's reading order (bot/services/base.py outbox_priority): lower goes first.
    priority: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending/sent/failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class JobMessage(Base):
    """A message in a master's chat that shows a job with its client's address and phone, so
    it can be edited down to a stub when the master loses the job [issue 9, item 13]."""

    __tablename__ = "job_messages"
    __table_args__ = (Index("ix_job_messages_order", "order_id", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class Deadline(Base):
    """A promise with a due time (SPEC §4). The row is the truth; APScheduler only wakes the
    bot when the next one is due. Firing sets state='fired' in the same transaction as its
    effects, claimed with UPDATE … WHERE state='pending', so it happens exactly once."""

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_due", "state", "due_at"),
                      Index("ix_deadlines_order", "order_id", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(24))
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending/fired/cancelled
    paused_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    fired_at: Mapped[datetime | None]
    late_seconds: Mapped[int | None] = mapped_column(Integer)


class FsmRecord(Base):
    """aiogram FSM storage: one row per (bot, chat, thread, user, destiny) key."""

    __tablename__ = "fsm_state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]
