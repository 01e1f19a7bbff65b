"""Errors become a message in the user's language; nothing takes the bot down.

`ReportErrors` sits inside the locale middleware (so it can translate): a refused rule is
answered with its message, anything else is logged and answered politely. The errors router
is the last net for failures outside it (in the middlewares themselves).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot, Router
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.methods.base import Response
from aiogram.types import ErrorEvent, Message, TelegramObject, Update

from bot.domain.errors import DomainError
from bot.texts import GENERIC, error_text, generic_error

logger = logging.getLogger(__name__)
# The callback queries answered while handling this update: Telegram takes one answer per
# query and refuses a second with 400 "query is too old", so the second is never sent.
ANSWERED: ContextVar[set[str] | None] = ContextVar("answered", default=None)


def answered(update: Update) -> bool:
    seen = ANSWERED.get()
    return bool(update.callback_query and seen is not None and update.callback_query.id in seen)


class AnswerOnce(BaseRequestMiddleware):
    """A second answer to the same callback query (a handler answered, then its redraw was
    "not modified" and the error path answered again) is dropped before it reaches Telegram.
    An answer Telegram no longer takes (the press is older than its ~15 s, e.g. it waited
    behind a replica that died) is let go: the press is still handled, only its spinner and
    toast are lost, so the person is not told "something went wrong" about work that was done."""

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Response[Any]:
        if not isinstance(method, AnswerCallbackQuery):
            return await make_request(bot, method)
        seen = ANSWERED.get()
        if seen is not None:
            if method.callback_query_id in seen:
                logger.debug("callback %s already answered", method.callback_query_id)
                return Response[bool](ok=True, result=True)
            seen.add(method.callback_query_id)
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if "query is too old" not in exc.message and "query ID is invalid" not in exc.message:
                raise
            logger.info("callback %s answered too late: %s", method.callback_query_id,
                        exc.message)
            return Response[bool](ok=True, result=True)


async def tell(update: Update, text: str) -> None:
    try:
        query = update.callback_query
        if query is not None and not answered(update):
            await query.answer(text, show_alert=True)
        elif query is not None and isinstance(query.message, Message):
            await query.message.answer(text)  # the press was answered: say it in the chat
        elif update.message is not None:
            await update.message.answer(text)
    except TelegramAPIError as exc:
        logger.warning("could not report an error to the user: %s", exc)


async def _answer_quietly(update: Update) -> None:
    if update.callback_query is None or answered(update):
        return
    try:
        await update.callback_query.answer()
    except TelegramAPIError:
        pass


def _failed(data: dict[str, Any]) -> None:
    """Tell the update meter (bot/metrics.py) that this update failed, though it is answered."""
    flag = data.get("update_failure")
    if flag is not None:
        flag.failed = True


class ReportErrors(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        token = ANSWERED.set(set())
        try:
            return await handler(event, data)
        except DomainError as exc:
            await tell(event, error_text(exc))
        except TelegramBadRequest as exc:
            if "message is not modified" not in exc.message:  # a second tap: nothing to do
                _failed(data)
                logger.exception("update %s failed", event.update_id)
                await tell(event, generic_error())
            elif event.callback_query is not None:
                await _answer_quietly(event)
        except Exception:
            _failed(data)
            logger.exception("update %s failed", event.update_id)
            await tell(event, generic_error())
        finally:
            if event.callback_query is not None:  # every press is answered, exactly once
                await _answer_quietly(event)
            ANSWERED.reset(token)
        return None


async def unexpected(event: ErrorEvent) -> None:
    logger.error("update %s failed", event.update.update_id, exc_info=event.exception)
    await tell(event.update, GENERIC)


def make_router() -> Router:
    router = Router(name="errors")
    router.error.register(unexpected)
    return router
