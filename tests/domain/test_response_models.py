"""aiogram's parametrised response models are built once per process, not once per answer."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response
from aiogram.types import TelegramObject

from bot.response_models import KeepResponseModels

TOKEN = "42:" + "A" * 35


class CannedSession(BaseSession):
    """Answers every request with Telegram's `{"ok": true, "result": {"value": 7}}`, read the way
    aiogram reads a real answer."""

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:
        response = self.check_response(bot, method, 200, '{"ok": true, "result": {"value": 7}}')
        return response.result

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    async def close(self) -> None:
        return None


class Dropped(TelegramObject):
    value: int


class Kept(TelegramObject):
    value: int


class GetDropped(TelegramMethod[Dropped]):
    """A method of the test's own, so no other test keeps its answer model alive."""
    __returning__ = Dropped
    __api_method__ = "getDropped"


class GetKept(TelegramMethod[Kept]):
    __returning__ = Kept
    __api_method__ = "getKept"


async def _model_survives_gc(session: CannedSession, method: TelegramMethod[Any]) -> bool:
    bot = Bot(TOKEN, session=session)
    assert (await bot(method)).value == 7
    model = weakref.ref(Response[method.__returning__])  # type: ignore[name-defined]
    gc.collect()
    return model() is not None


async def test_without_the_middleware_pydantic_drops_the_model() -> None:
    """The reason for the middleware: pydantic's cache is weak, so the model goes."""
    assert not await _model_survives_gc(CannedSession(), GetDropped())


async def test_with_the_middleware_the_model_is_kept_and_answers_are_still_read() -> None:
    session = CannedSession()
    session.middleware(KeepResponseModels())
    assert await _model_survives_gc(session, GetKept())
