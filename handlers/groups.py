"""The way to find a group's id without third-party bots (README: Setting up Telegram).

`/id` in any group the bot is in answers that group's id, and nothing else; the bot logs the id
of every group it is added to. In private chats /id is not a command.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import JOIN_TRANSITION, ChatMemberUpdatedFilter, Command
from aiogram.types import ChatMemberUpdated, Message

from bot.i18n import _

logger = logging.getLogger(__name__)
GROUPS = {"group", "supergroup"}


async def chat_id(message: Message) -> None:
    await message.reply(_("The id of this group: <code>{id}</code>").format(id=message.chat.id))


async def added(event: ChatMemberUpdated) -> None:
    # The id only: who added the bot, and the group's title, are nobody's business in a log.
    logger.info("added to a %s%s with the id %s (the desk? put it in DESK_CHAT_ID)",
                event.chat.type, " (forum)" if event.chat.is_forum else "", event.chat.id)


def make_router() -> Router:
    router = Router(name="groups")
    router.message.register(chat_id, Command("id"), F.chat.type.in_(GROUPS))
    router.my_chat_member.register(added, ChatMemberUpdatedFilter(JOIN_TRANSITION),
                                   F.chat.type.in_(GROUPS))
    return router
