"""The audit log: who did what to which order or master, and when. Written, never changed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import rows
from db.models import AuditEntry, table_of

_AUDIT = table_of(AuditEntry)


def add(s: AsyncSession, **values: Any) -> None:
    rows.add(s, _AUDIT, values)


async def add_many(s: AsyncSession, entries: Sequence[dict[str, Any]]) -> None:
    """Many rows in one statement (a batch of deadlines firing)."""
    if entries:
        await s.execute(insert(AuditEntry), list(entries))


async def last_at(s: AsyncSession, order_id: int, action: str) -> datetime | None:
    """When `action` was last done to the order."""
    return await s.scalar(select(func.max(AuditEntry.created_at)).where(
        AuditEntry.order_id == order_id, AuditEntry.action == action))
