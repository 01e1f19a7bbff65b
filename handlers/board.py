"""/board (issue 15): the desk board for desk members. Telegram allows Web App buttons and the
menu button only in private chats, so in a member's private chat /board answers with the
button and makes the chat's menu button open the board; in the desk group it answers with the
Mini App's direct link (BOARD_APP_LINK) and the address for a desktop browser."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonWebApp,
    Message,
    WebAppInfo,
)

from bot.config import Settings
from bot.desk import DeskMembers
from bot.domain.rules import Actor, desk_only
from bot.i18n import _
from bot.notify.render import q


def not_set_up() -> str:
    return _("The desk board is not set up yet: BOARD_URL is empty (see README: Desk board).")


def page_address(settings: Settings) -> str:
    return f"{settings.board_url}/"


async def in_desk(message: Message, actor: Actor, settings: Settings) -> None:
    desk_only(actor)
    if not settings.board_url:
        await message.answer(not_set_up())
        return
    lines = [_("📊 <b>The desk board</b>: open orders, timelines, masters and charts.")]
    if settings.board_app_link:
        lines.append(_("In Telegram: {link}").format(link=q(settings.board_app_link)))
    lines.append(_("In a browser: {link}").format(link=q(page_address(settings))))
    lines.append(_("Or send /board to me in a private chat: the board opens from the menu "
                   "button there."))
    await message.answer("\n".join(lines), disable_web_page_preview=True)


async def in_private(message: Message, bot: Bot, settings: Settings,
                     desk_members: DeskMembers) -> None:
    assert message.from_user is not None
    # The same rule, and the same cached list, as the desk's buttons (ADMIN_IDS or an
    # administrator of a desk group): a private chat has no desk context to take it from.
    if not await desk_members.is_member(bot, message.from_user.id):
        await message.answer(_("The desk board is only for the desk’s managers."))
        return
    if not settings.board_url:
        await message.answer(not_set_up())
        return
    url = page_address(settings)
    if not url.startswith("https://"):  # Telegram opens only HTTPS Web Apps
        await message.answer(_("In a browser: {link}").format(link=q(url)))
        return
    app = WebAppInfo(url=url)
    await bot.set_chat_menu_button(chat_id=message.chat.id,
                                   menu_button=MenuButtonWebApp(text=_("Board"), web_app=app))
    await message.answer(
        _("📊 <b>The desk board</b>: open orders, timelines, masters and charts. It also "
          "opens from the menu button of this chat."),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text=_("Open the board"), web_app=app)]]))


def make_router(*desk_chats: int) -> Router:
    router = Router(name="board")
    router.message.register(in_desk, Command("board"), F.chat.id.in_(set(desk_chats)))
    router.message.register(in_private, Command("board"), F.chat.type == "private")
    return router
