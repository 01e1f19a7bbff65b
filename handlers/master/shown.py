"""Showing a job to its master: every message that carries the client's address and phone is
remembered, so the outbox can edit it down to a stub when he loses the job."""

from __future__ import annotations

from aiogram.types import Message

from bot.domain.views import OrderView
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.job_messages import remember_job_message


async def remember(ctx: Context, order: OrderView, shown: Message) -> None:
    await remember_job_message(ctx, order.id, shown.chat.id, shown.message_id)


async def show_job(ctx: Context, renderer: Renderer, order: OrderView, target: Message,
                   head: str = "", *, edit: bool = False) -> None:
    """The job under `head`: a new message after `target`, or `target` itself edited."""
    text, kb = renderer.job(order)
    body = f"{head}\n\n{text}" if head else text
    if edit:
        await target.edit_text(body, reply_markup=kb)
        shown = target
    else:
        shown = await target.answer(body, reply_markup=kb)
    await remember(ctx, order, shown)
