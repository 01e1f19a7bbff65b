"""The board as an aiohttp sub-application of the bot's own web server (issue 15): mounted
under /board on the webhook listener, or served alone on BOARD_LISTEN in polling mode.

Every request but signing in and the static files passes `_guard`: a valid session cookie and,
every time, desk membership as desk buttons check it (DeskMembers, cached for a minute), so a
manager removed from the desk loses the board within a minute, session or not.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiogram import Bot
from aiohttp import web

from bot.board import figures_page, now, order_page, signin
from bot.board.auth import Sessions
from bot.board.context import BOARD, COOKIE, USER, Board, board_of
from bot.board.layout import PREFIX, STATIC
from bot.desk import DeskMembers
from bot.health import serve_on

if TYPE_CHECKING:
    from bot.app import App

logger = logging.getLogger(__name__)
OPEN_PATHS = ("/auth", "/login", "/static/")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    board = board_of(request)
    tail = request.path.removeprefix(PREFIX)
    session = board.sessions.read(request.cookies.get(COOKIE))
    locale = session.locale if session else board.locale(None, request.headers.get(
        "Accept-Language", "").split(",")[0] or None)
    i18n = board.app.i18n
    with i18n.context(), i18n.use_locale(locale):
        if tail.startswith(OPEN_PATHS):
            return await handler(request)
        if session is None:
            if tail.startswith("/rows") or request.method != "GET":
                raise web.HTTPUnauthorized()
            return signin.sign_in_page(await board.bot.me(), board.app.settings.board_url)
        if not await board.members.is_member(board.bot, session.user_id):
            return signin.refused()
        request[USER] = session.user_id
        return await handler(request)


# Telegram Web shows a Mini App in a frame of its own site; no other site may frame the board.
HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'self' https://web.telegram.org "
                               "https://*.telegram.org",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)


def make_board(app: App, bot: Bot) -> web.Application:
    board = Board(app, bot, Sessions(app.settings.bot_token),
                  DeskMembers(app.settings.desk_chat_id, app.settings.admin_ids,
                              routed=app.settings.desks.others()))
    sub = web.Application(middlewares=[_guard])
    sub[BOARD] = board
    sub.on_response_prepare.append(_headers)
    sub.router.add_post("/auth", signin.web_app_auth)
    sub.router.add_get("/login", signin.widget_login)
    sub.router.add_static("/static/", STATIC)
    sub.router.add_get("/", now.now_page)
    sub.router.add_get("/rows", now.rows)
    sub.router.add_get("/order/{number:\\d+}", order_page.order_page)
    sub.router.add_get("/file/{number:\\d+}/{kind}/{index:\\d+}", order_page.photo)
    sub.router.add_get("/masters", figures_page.masters_page)
    sub.router.add_get("/figures", figures_page.figures_page)
    sub.router.add_get("/export.csv", figures_page.export)
    return sub


def mount(web_app: web.Application, app: App, bot: Bot) -> None:
    """The board under /board, when BOARD_URL is set."""
    if app.settings.board_url:
        web_app.add_subapp(PREFIX, make_board(app, bot))


async def start_board(app: App, bot: Bot, listen: str) -> web.AppRunner:
    """The board alone on `listen` (host:port): the way to have it in polling mode."""
    web_app = web.Application()
    mount(web_app, app, bot)
    runner = await serve_on(web_app, listen, "BOARD_LISTEN")
    logger.info("the desk board on http://%s%s/", listen, PREFIX)
    return runner
