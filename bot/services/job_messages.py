"""The job messages in a master's chat (they show the client's address and phone): remembered
when shown, edited down to a stub when the master loses the job [issue 9, item 13]."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import JobRevoked, To
from bot.services.base import Context, enqueue
from db import job_messages


async def remember_job_message(ctx: Context, order_id: int, chat_id: int,
                               message_id: int) -> None:
    """The message `message_id` in `chat_id` now shows order `order_id`'s job."""
    async with ctx.tx() as s:
        await job_messages.remember(s, order_id, chat_id, message_id, ctx.clock())


def revoke_job(s: AsyncSession, now: datetime, order_id: int, chat_id: int) -> None:
    """In the transaction that takes the job from the master in `chat_id`: the outbox edits
    his job messages down to a stub (kind 'job_revoked', see bot/notify/sender.py)."""
    enqueue(s, now, JobRevoked(), to=To.chat(chat_id, order_id))


async def job_message_ids(ctx: Context, order_id: int, chat_id: int) -> list[int]:
    async with ctx.read() as s:
        return await job_messages.ids(s, order_id, chat_id)


async def forget_job_messages(ctx: Context, order_id: int, chat_id: int,
                              message_ids: list[int]) -> None:
    """Stubbed: nothing is left to edit in them (a job shown again is remembered anew)."""
    async with ctx.tx() as s:
        await job_messages.forget(s, order_id, chat_id, message_ids)
