"""The job messages in a master's chat (they show the client's address and phone): remembered
when shown, edited down to a stub when the master loses the job [issue 9, item 13]."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import JobRevoked, To
from bot.services.base import Context, enqueue
from db.models import JobMessage


async def remember_job_message(ctx: Context, order_id: int, chat_id: int,
                               message_id: int) -> None:
    """The message `message_id` in `chat_id` now shows order `order_id`'s job."""
    async with ctx.tx() as s:
        known = await s.scalar(select(JobMessage.id).where(
            JobMessage.order_id == order_id, JobMessage.chat_id == chat_id,
            JobMessage.message_id == message_id))
        if known is None:
            s.add(JobMessage(order_id=order_id, chat_id=chat_id, message_id=message_id,
                             created_at=ctx.clock()))


def revoke_job(s: AsyncSession, now: datetime, order_id: int, chat_id: int) -> None:
    """In the transaction that takes the job from the master in `chat_id`: the outbox edits
    his job messages down to a stub (kind 'job_revoked', see bot/notify/sender.py)."""
    enqueue(s, now, JobRevoked(), to=To.chat(chat_id, order_id))


async def job_message_ids(ctx: Context, order_id: int, chat_id: int) -> list[int]:
    async with ctx.tx() as s:
        return list((await s.scalars(select(JobMessage.message_id).where(
            JobMessage.order_id == order_id, JobMessage.chat_id == chat_id)
            .order_by(JobMessage.id))).all())


async def forget_job_messages(ctx: Context, order_id: int, chat_id: int,
                              message_ids: list[int]) -> None:
    """Stubbed: nothing is left to edit in them (a job shown again is remembered anew)."""
    async with ctx.tx() as s:
        await s.execute(delete(JobMessage).where(
            JobMessage.order_id == order_id, JobMessage.chat_id == chat_id,
            JobMessage.message_id.in_(message_ids)))
