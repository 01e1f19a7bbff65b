"""Signing in to the board: the Mini App posts its initData, a desktop browser comes back from
the Telegram Login Widget; either way the proof is checked, then desk membership, then the
session cookie is set. A proof that fails is answered 401, a non-member 403."""

from __future__ import annotations

import logging

from aiogram.types import User
from aiohttp import web

from bot.board.auth import AuthError, Viewer, check_init_data, check_login
from bot.board.context import COOKIE, Board, board_of
from bot.board.layout import PREFIX, bare, h
from bot.i18n import _
from bot.services.board import chosen_locale

logger = logging.getLogger(__name__)
WIDGET = "https://telegram.org/js/telegram-widget.js?22"


def sign_in_page(me: User, board_url: str | None) -> web.Response:
    """What a visitor without a session gets: inside Telegram, the script signs in with the
    Mini App's initData at once; in a browser, the Login Widget (its domain set with
    @BotFather's /setdomain)."""
    opening = _("Opening the board…")
    invite = _("Sign in with your Telegram account to see the desk board.")
    blocked = _("The board could not keep you signed in: this browser blocks its cookie. "
                "Open the board in the Telegram app, or allow cookies for this site.")
    body = (f'<p id="sign-in" class="hint">{h(opening)}</p>'
            f'<p id="blocked" hidden data-testid="blocked">{h(blocked)}</p>'
            f'<div id="widget" hidden data-bot="{h(me.username)}" data-widget="{WIDGET}" '
            f'data-auth-url="{h((board_url or PREFIX) + "/login")}">'
            f'<p>{h(invite)}</p>'
            '</div>')
    return web.Response(text=bare(_("Desk board"), body), content_type="text/html")


def refused() -> web.Response:
    text = _("The desk board is only for the desk’s managers.")
    body = f'<p data-testid="refused">{h(text)}</p>'
    return web.Response(status=403, text=bare(_("No access"), body), content_type="text/html")


def _unchecked() -> web.Response:
    text = _("Telegram’s sign-in could not be checked. Open the board again.")
    body = f"<p>{h(text)}</p>"
    return web.Response(status=401, text=bare(_("Desk board"), body), content_type="text/html")


async def _admit(board: Board, viewer: Viewer, response: web.Response) -> web.Response:
    """The member gets his session; anyone else the refusal."""
    if not await board.members.is_member(board.bot, viewer.user_id):
        logger.info("board: refused user %s, not a desk member", viewer.user_id)
        return refused()
    chosen = await chosen_locale(board.app.ctx, viewer.user_id)
    locale = board.locale(chosen, viewer.language_code)
    secure = board.secure
    response.set_cookie(COOKIE, board.sessions.issue(viewer.user_id, locale), path=PREFIX,
                        max_age=board.sessions.seconds, httponly=True, secure=secure,
                        # Telegram Web shows a Mini App in a frame of another site.
                        samesite="None" if secure else "Lax")
    return response


async def web_app_auth(request: web.Request) -> web.Response:
    board = board_of(request)
    form = await request.post()
    try:
        viewer = check_init_data(str(form.get("init_data", "")), board.app.settings.bot_token)
    except AuthError as exc:
        logger.info("board: initData refused: %s", exc)
        return _unchecked()
    return await _admit(board, viewer, web.Response(text="ok"))


async def widget_login(request: web.Request) -> web.Response:
    board = board_of(request)
    try:
        viewer = check_login(dict(request.query), board.app.settings.bot_token)
    except AuthError as exc:
        logger.info("board: login refused: %s", exc)
        return _unchecked()
    return await _admit(board, viewer,
                        web.Response(status=302, headers={"Location": f"{PREFIX}/"}))
