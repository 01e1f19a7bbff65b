"""At start: can we reach Telegram with this token, and is the desk chat usable?"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramUnauthorizedError,
)
from aiogram.types import ChatMemberAdministrator, ChatMemberOwner, User

from bot.config import Settings

logger = logging.getLogger(__name__)


class StartupError(Exception):
    """What to fix, in one line."""


def _pause(attempt: int) -> float:
    return float(min(2 ** attempt, 15))


async def check_desk(bot: Bot, settings: Settings, attempts: int = 10) -> User:
    patience = sum(_pause(a) for a in range(attempts - 1))
    for attempt in range(attempts):
        try:
            return await _check(bot, settings)
        except TelegramNetworkError as exc:
            if attempt == attempts - 1:
                raise StartupError(
                    f"cannot reach the Bot API at {settings.telegram_api_base} ({exc.message}) "
                    f"after trying for {patience:.0f} s; check the network or "
                    f"TELEGRAM_API_BASE") from None
            if attempt == 0:
                logger.warning("Bot API at %s not reachable (%s); trying again for up to %d s",
                               settings.telegram_api_base, exc.message, patience)
            else:
                logger.warning("Bot API not reachable yet, retrying: %s", exc.message)
            await asyncio.sleep(_pause(attempt))
    raise AssertionError("unreachable")


async def _check(bot: Bot, settings: Settings) -> User:
    try:
        me = await bot.get_me()
    except TelegramUnauthorizedError:
        raise StartupError("BOT_TOKEN was refused by Telegram: copy the token from @BotFather "
                           "again") from None
    for desk in settings.desks.chats:  # DESK_CHAT_ID's group, then DESK_ROUTES' ones
        name = "DESK_CHAT_ID" if desk == settings.desk_chat_id else "DESK_ROUTES' group"
        await _check_group(bot, me, desk, f"{name} {desk}")
    return me


async def _check_group(bot: Bot, me: User, desk: int, named: str) -> None:
    """A desk group: a forum supergroup where the bot may manage topics."""
    try:
        chat = await bot.get_chat(desk)
    except (TelegramBadRequest, TelegramForbiddenError):
        raise StartupError(f"{named}: the bot cannot see this chat; add the bot to "
                           f"the desk group and check the id (it starts with -100)") from None
    if chat.type != "supergroup" or not chat.is_forum:
        raise StartupError(f"{named}: the desk must be a supergroup with Topics "
                           f"turned on (group settings → Topics)")
    try:
        member = await bot.get_chat_member(desk, me.id)
    except TelegramAPIError as exc:
        raise StartupError(f"{named}: cannot read the bot's rights ({exc.message})") from None
    if isinstance(member, ChatMemberOwner):
        return
    if not isinstance(member, ChatMemberAdministrator):
        raise StartupError(f"{named}: make the bot an administrator of the desk "
                           f"group with the right to manage topics")
    if not member.can_manage_topics:
        raise StartupError(f"{named}: give the bot the administrator right «Manage topics»")
