"""Errors become a message in the user's language; nothing takes the bot down.

`ReportErrors` sits inside the locale middleware (so it can translate): a refused rule is
answered with its message, anything else is logged and answered politely. The errors router
is the last net for failures outside it (in the middlewares themselves).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import ErrorEvent, TelegramObject, Update

from bot.domain.errors import DomainError
from bot.texts import GENERIC, error_text, generic_error

logger = logging.getLogger(__name__)
router = Router(name="errors")


async def tell(update: Update, text: str) -> None:
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.answer(text)
    except TelegramAPIError as exc:
        logger.warning("could not report an error to the user: %s", exc)


async def _answer_quietly(update: Update) -> None:
    try:
        assert update.callback_query is not None
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
        return None


@router.error()
async def unexpected(event: ErrorEvent) -> None:
    logger.error("update %s failed", event.update.update_id, exc_info=event.exception)
    await tell(event.update, GENERIC)
