"""The job messages in masters' chats (they show a client's address and phone)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import JobMessage


async def remember(s: AsyncSession, order_id: int, chat_id: int, message_id: int,
                   now: datetime) -> None:
    known = await s.scalar(select(JobMessage.id).where(
        JobMessage.order_id == order_id, JobMessage.chat_id == chat_id,
        JobMessage.message_id == message_id))
    if known is None:
        s.add(JobMessage(order_id=order_id, chat_id=chat_id, message_id=message_id,
                         created_at=now))


async def ids(s: AsyncSession, order_id: int, chat_id: int) -> list[int]:
    return list((await s.scalars(select(JobMessage.message_id).where(
        JobMessage.order_id == order_id, JobMessage.chat_id == chat_id)
        .order_by(JobMessage.id))).all())


async def forget(s: AsyncSession, order_id: int, chat_id: int,
                 message_ids: Sequence[int]) -> None:
    await s.execute(delete(JobMessage).where(
        JobMessage.order_id == order_id, JobMessage.chat_id == chat_id,
        JobMessage.message_id.in_(list(message_ids))))
