"""Every request that leaves the bot is fitted to Telegram's limits (bot/notify/fit.py).

A session middleware, so the outbox sender and every handler answer go through the same
place: texts 4096, captions 1024, topic titles 128, button answers 200 — user parts clipped
first. Should Telegram still refuse a text as too long (its count differing from ours), the
text is cut once more, with a margin, and sent again: a message is never lost to its length.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    CreateForumTopic,
    EditForumTopic,
    SendMediaGroup,
    TelegramMethod,
)
from aiogram.methods.base import Response
from aiogram.types import InlineKeyboardMarkup

from bot.notify.fit import (
    ALERT_LIMIT,
    CAPTION_LIMIT,
    TEXT_LIMIT,
    TOPIC_LIMIT,
    clip_html,
    fit,
    tg_len,
    unmark,
)

logger = logging.getLogger(__name__)
RETRY_MARGIN = 0.9  # a second try after "too long" keeps this share of the limit


def _is_html(bot: Bot, obj: Any, entities: str) -> bool:
    if getattr(obj, entities, None):
        return False  # explicit entities: the text is plain
    mode = getattr(obj, "parse_mode", None)
    if isinstance(mode, Default):
        mode = bot.default[mode.name] if bot.default else None
    return isinstance(mode, str) and mode.lower() == "html"


def _fitted(bot: Bot, obj: Any, name: str, limit: int, entities: str,
            html: bool | None = None) -> str | None:
    """The field fitted, or None when it is not a text or is already within the limit."""
    value = getattr(obj, name, None)
    if not isinstance(value, str):
        return None
    new = fit(value, limit, _is_html(bot, obj, entities) if html is None else html)
    return None if new == value else new


def _fit_field(bot: Bot, obj: Any, name: str, limit: int, entities: str,
               html: bool | None = None) -> None:
    new = _fitted(bot, obj, name, limit, entities, html)
    if new is not None:
        setattr(obj, name, new)


def _unmark_buttons(markup: Any) -> None:
    if isinstance(markup, InlineKeyboardMarkup):
        for row in markup.inline_keyboard:
            for b in row:
                if unmark(b.text) != b.text:
                    b.text = unmark(b.text)


def fit_method(bot: Bot, method: TelegramMethod[Any]) -> None:
    """Fit the method's texts in place."""
    if isinstance(method, CreateForumTopic | EditForumTopic):
        _fit_field(bot, method, "name", TOPIC_LIMIT, "", html=False)
    elif isinstance(method, AnswerCallbackQuery):
        _fit_field(bot, method, "text", ALERT_LIMIT, "", html=False)
    elif isinstance(method, SendMediaGroup):
        media = []
        for item in method.media:  # frozen: a fitted caption makes a copy
            new = _fitted(bot, item, "caption", CAPTION_LIMIT, "caption_entities")
            media.append(item if new is None else item.model_copy(update={"caption": new}))
        method.media = media
    else:
        _fit_field(bot, method, "text", TEXT_LIMIT, "entities")
        _fit_field(bot, method, "caption", CAPTION_LIMIT, "caption_entities")
    _unmark_buttons(getattr(method, "reply_markup", None))


def _too_long(exc: TelegramBadRequest) -> bool:
    text = exc.message.lower()
    return "too long" in text or "too_long" in text


def _hard_cut(bot: Bot, method: TelegramMethod[Any]) -> None:
    """After a refusal: cut the whole text (between tags) well inside the limit."""
    for name, limit, entities in (("text", TEXT_LIMIT, "entities"),
                                  ("caption", CAPTION_LIMIT, "caption_entities")):
        value = getattr(method, name, None)
        if isinstance(value, str):
            html = _is_html(bot, method, entities)
            # Telegram counted more than we did: a margin below what we counted.
            cut = int(min(limit, tg_len(value, html)) * RETRY_MARGIN)
            setattr(method, name, clip_html(value, cut) if html else fit(value, cut, html=False))


class FitToLimits(BaseRequestMiddleware):
    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Response[Any]:
        fit_method(bot, method)
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not _too_long(exc):
                raise
            logger.warning("%s refused as too long; cutting it and sending again",
                           type(method).__name__)
            _hard_cut(bot, method)
            return await make_request(bot, method)
