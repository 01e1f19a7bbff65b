"""A manager writes in an order's topic (SPEC §2.4): the message goes to the order's client;
`/m <text>` (or a photo or file captioned `/m …`) goes to its master instead; a message that
starts with `//` is a note among managers and goes to nobody. Registered last in the desk:
commands and the desk's own prompts come first."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.domain.errors import NotFound
from bot.domain.rules import Actor
from bot.services.base import Context
from bot.services.relay import answer_from_desk


def _to_master(text: str | None) -> tuple[bool, str | None]:
    if text and (text == "/m" or text.startswith("/m ")):
        return True, text[2:].strip()
    return False, text


INTERNAL = "//"


async def _relay(message: Message, ctx: Context, actor: Actor, to_master: bool,
                 text: str | None) -> None:
    if not actor.is_desk or message.message_thread_id is None:
        return  # chatter in General, or someone who is not a manager: not for the client
    if (text or "").lstrip().startswith(INTERNAL):
        return  # a note among managers
    if message.photo:
        kind, file_id = "photo", message.photo[-1].file_id
    elif message.document:  # no type allow-list this way: desk members are trusted
        kind, file_id = "document", message.document.file_id
    else:
        kind, file_id = "text", None
    try:
        await answer_from_desk(ctx, actor, message.message_thread_id, kind, text, file_id,
                               to_master=to_master, desk=message.chat.id)
    except NotFound:
        return  # a topic that is not an order's


async def to_master(message: Message, command: CommandObject, ctx: Context,
                    actor: Actor) -> None:
    await _relay(message, ctx, actor, True, command.args)


async def media(message: Message, ctx: Context, actor: Actor) -> None:
    master, caption = _to_master(message.caption)
    await _relay(message, ctx, actor, master, caption)


async def text(message: Message, ctx: Context, actor: Actor) -> None:
    await _relay(message, ctx, actor, False, message.text)


def make_router() -> Router:
    router = Router(name="desk_relay")
    router.message.register(to_master, Command("m"))
    router.message.register(media, F.photo | F.document)
    router.message.register(text, F.text, ~F.text.startswith("/") | F.text.startswith(INTERNAL))
    return router
