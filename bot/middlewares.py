"""Per-update context: who the user is (client, master, desk member) and their language."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import Chat, Message, TelegramObject, Update, User
from aiogram.utils.i18n import I18nMiddleware

from bot.desk import DeskMembers
from bot.domain.rules import Actor
from bot.i18n import PoI18n, _, resolve_locale
from bot.notify.throttle import ANSWERING
from bot.services.base import Context
from bot.services.users import touch_user
from db.scope import release
from fsm.buffer import handled_since, redelivered
from fsm.forms import ask_again

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
logger = logging.getLogger(__name__)
ANON_NOTICE_SECONDS = 600.0  # at most one explanation per anonymous sender per 10 minutes


def _anonymous(event: TelegramObject, tg_user: User | None) -> Message | None:
    """A message with no person behind it: an anonymous group admin, a linked channel, another
    bot. Such a sender is nobody the desk can authorise or answer, so it acts on nothing."""
    message = event.message if isinstance(event, Update) else None
    if message is None:
        return None
    if tg_user is None or tg_user.is_bot or message.sender_chat is not None:
        return message
    return None


class ActorMiddleware(BaseMiddleware):
    def __init__(self, ctx: Context, desk: DeskMembers, default_locale: str,
                 desk_locale: str) -> None:
        self.ctx, self.desk = ctx, desk
        self.default_locale, self.desk_locale = default_locale, desk_locale
        self._told: dict[int, float] = {}

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        tg_user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        anonymous = _anonymous(event, tg_user)
        if anonymous is not None:
            await release()  # the conversation's read: nothing more to read or write
            await self._refuse_anonymous(anonymous, data["bot"])
            return None
        if tg_user is None or tg_user.is_bot:
            return None  # no person: nothing any handler could authorise
        user, master = await touch_user(self.ctx, tg_user.id, tg_user.full_name,
                                        tg_user.username, tg_user.language_code)
        in_desk = chat is not None and self.desk.is_desk(chat.id)  # any desk group
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
        token = ANSWERING.set(chat.id if chat is not None else None)
        try:
            return await handler(event, data)
        finally:
            ANSWERING.reset(token)

    async def _refuse_anonymous(self, message: Message, bot: Bot) -> None:
        """In the desk, say once in a while why nothing happens; a channel's automatic
        forwards and service messages get no answer."""
        if not self.desk.is_desk(message.chat.id) or message.is_automatic_forward:
            return
        if not (message.text or message.caption or message.photo or message.document):
            return
        sender = message.sender_chat.id if message.sender_chat else 0
        now = time.monotonic()
        if now - self._told.get(sender, float("-inf")) < ANON_NOTICE_SECONDS:
            return
        self._told[sender] = now
        i18n = PoI18n.get_current(no_error=False)  # the locale middleware has not run yet
        with i18n.use_locale(self.desk_locale):
            text = _("Messages sent anonymously or on behalf of a channel cannot act at the "
                     "desk: nobody can tell who sent them. Turn off «Remain anonymous» in your "
                     "administrator rights and write as yourself.")
        try:
            await message.reply(text)
        except TelegramAPIError as exc:
            logger.warning("could not answer an anonymous sender: %s", exc)


class LocaleMiddleware(I18nMiddleware):
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        return str(data.get("locale") or self.i18n.default_locale)


class SkipRedelivered(BaseMiddleware):
    """An update Telegram delivers again after this desk stored what it did (the process died
    before answering the webhook) is not applied twice: a description added twice, a step
    answered as "I did not understand" (fsm/buffer.py, HANDLED). The step's prompt is sent
    again instead: the process that stored the step may have died before the prompt went out,
    and a person must never be left without the question he is to answer (a prompt seen twice
    is the lesser harm) — unless a later update of his was handled since. Runs after the
    person and the language are known."""

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        if not isinstance(event, Update) or state is None:
            return await handler(event, data)
        stored = await state.get_data()
        if not redelivered(stored, event.update_id):
            return await handler(event, data)
        logger.info("update %s was handled before it was delivered again", event.update_id)
        query = event.callback_query
        message = event.message or (query.message if query is not None else None)
        if query is not None:
            await query.answer()  # a query too old to answer is let go (AnswerOnce)
        # Asked again only if nothing of his was handled since: he may have gone on already
        # (he had this update's answer, the process died before saying it had the update),
        # and a question asked again late reads as the answer to what he did since.
        if isinstance(message, Message) and not handled_since(stored, event.update_id):
            await ask_again(message, state, data)
        return None
