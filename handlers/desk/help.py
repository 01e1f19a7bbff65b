"""/help in the desk: what the desk does here, the commands, how a topic talks to the client
and the master."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.commands import DESK_HELP, help_text
from bot.domain.rules import Actor, desk_only


async def help_cmd(message: Message, actor: Actor) -> None:
    desk_only(actor)
    await message.answer(help_text(DESK_HELP))


def make_router() -> Router:
    router = Router(name="desk_help")
    router.message.register(help_cmd, Command("help"))
    return router
