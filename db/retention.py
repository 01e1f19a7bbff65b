"""What housekeeping removes: abandoned conversations and old delivered messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from db import outbox
from db.cas import affected
from db.models import FsmRecord


async def purge_conversations(s: AsyncSession, before: datetime) -> int:
    """Conversations untouched since `before`."""
    return await affected(s, delete(FsmRecord).where(FsmRecord.updated_at < before))


async def purge_sent_messages(s: AsyncSession, before: datetime) -> int:
    return await outbox.purge_sent(s, before)
