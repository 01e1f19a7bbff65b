"""Per-update context: who the user is (client, master, desk member) and their language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import Chat, TelegramObject, User
from aiogram.utils.i18n import I18nMiddleware

from bot.desk import DeskMembers
from bot.domain.rules import Actor
from bot.i18n import resolve_locale
from bot.services.base import Context
from bot.services.users import touch_user

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ActorMiddleware(BaseMiddleware):
    def __init__(self, ctx: Context, desk: DeskMembers, default_locale: str,
                 desk_locale: str) -> None:
        self.ctx, self.desk = ctx, desk
        self.default_locale, self.desk_locale = default_locale, desk_locale

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        tg_user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if tg_user is None or tg_user.is_bot:
            return await handler(event, data)
        user, master = await touch_user(self.ctx, tg_user.id, tg_user.full_name,
                                        tg_user.username, tg_user.language_code)
        in_desk = chat is not None and chat.id == self.desk.desk_chat_id
        bot: Bot = data["bot"]
        is_desk = in_desk and await self.desk.is_member(bot, tg_user.id)
        data["user"] = user
        data["master"] = master
        data["in_desk"] = in_desk
        data["actor"] = Actor(tg_user.id, is_desk=is_desk,
                              master_id=master.id if master else None,
                              blocked=bool(master and master.blocked))
        data["locale"] = self.desk_locale if in_desk else resolve_locale(
            user.locale, user.language_code, self.default_locale)
        return await handler(event, data)


class LocaleMiddleware(I18nMiddleware):
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        return str(data.get("locale") or self.i18n.default_locale)


class WakeSenderMiddleware(BaseMiddleware):
    """After a handler has committed its change, let the outbox sender deliver at once."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self.wake = wake

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        finally:
            self.wake()
