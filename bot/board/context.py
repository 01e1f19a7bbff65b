"""What every board handler reaches through its request: the app, the bot, the sessions and
the desk's members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiogram import Bot
from aiohttp import web

from bot.board.auth import Sessions
from bot.desk import DeskMembers
from bot.i18n import resolve_locale

if TYPE_CHECKING:
    from bot.app import App

COOKIE = "board_session"


@dataclass
class Board:
    app: App
    bot: Bot
    sessions: Sessions
    members: DeskMembers

    @property
    def secure(self) -> bool:
        return (self.app.settings.board_url or "").startswith("https://")

    def locale(self, chosen: str | None, language_code: str | None) -> str:
        return resolve_locale(chosen, language_code, self.app.settings.default_locale)


BOARD: web.AppKey[Board] = web.AppKey("board", Board)
USER: web.RequestKey[int] = web.RequestKey("user_id", int)


def board_of(request: web.Request) -> Board:
    return request.app[BOARD]


def user_of(request: web.Request) -> int:
    """The desk member the guard let in."""
    return request[USER]
