"""/review N text: the desk corrects a review's text; a review is never deleted [R §7]."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.domain.errors import InvalidInput
from bot.domain.rules import Actor, desk_only
from bot.i18n import _
from bot.services.base import Context
from bot.services.reviews import correct_review
from handlers.inputs import number_arg


async def correct(message: Message, command: CommandObject, ctx: Context,
                  actor: Actor) -> None:
    desk_only(actor)
    parts = (command.args or "").split(maxsplit=1)
    if len(parts) != 2:
        raise InvalidInput("error.review_usage")
    order_id = number_arg(parts[0], "error.review_usage")
    await correct_review(ctx, actor, order_id, parts[1])
    await message.answer(_("The review of order #{number} is corrected; the old text stays in "
                           "the audit log.").format(number=order_id))


def make_router() -> Router:
    router = Router(name="desk_reviews")
    router.message.register(correct, Command("review"))
    return router
