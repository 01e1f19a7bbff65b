"""The outbox: messages to other people, written in the transaction of the change that
causes them and delivered by bot/notify/sender.py, which reads and settles them here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry, OutboxMessage


def add(s: AsyncSession, *, kind: str, chat_id: int | None, order_id: int | None,
        payload: dict[str, Any], priority: int, next_attempt_at: datetime,
        created_at: datetime) -> None:
    s.add(OutboxMessage(kind=kind, chat_id=chat_id, order_id=order_id, payload=payload,
                        priority=priority, next_attempt_at=next_attempt_at,
                        created_at=created_at))


async def add_many(s: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Many rows in one statement (a batch of deadlines firing)."""
    if rows:
        await s.execute(insert(OutboxMessage), list(rows))


def add_audit(s: AsyncSession, **values: Any) -> None:
    s.add(AuditEntry(**values))


async def add_audits(s: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await s.execute(insert(AuditEntry), list(rows))
