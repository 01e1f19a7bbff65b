"""The menus (the client's, an approved master's), the language list and the Cancel button
every conversation shows."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import Id, Press, labelled
from bot.domain.views import MasterView
from bot.i18n import _


class MenuAction(StrEnum):
    MY_ORDERS = "my"
    LANGUAGE = "lang"
    SET_LANGUAGE = "setl"
    CANCEL = "cxl"
    MY_JOBS = "mjobs"
    OFFERS_WAITING = "moffs"
    PROFILE = "mprof"
    DUTY = "mduty"
    NEW_ORDER = "new"


class Menu(Press[MenuAction], prefix="v2n"):
    """A menu's entry."""


class Language(Press[MenuAction], prefix="v2nl"):
    index: Id  # into bot.config.LOCALES


class Duty(Press[MenuAction], prefix="v2nd"):
    on_duty: bool  # what the press switches to


def menu_button(text: str, action: MenuAction) -> InlineKeyboardButton:
    return labelled(text, Menu(action=action))


def new_order_button() -> InlineKeyboardButton:
    return menu_button(_("🛠 New order"), MenuAction.NEW_ORDER)


def cancel_button() -> InlineKeyboardButton:
    return menu_button(_("✖️ Cancel"), MenuAction.CANCEL)


def with_cancel(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [cancel_button()]])


def menu(master: MasterView | None = None) -> InlineKeyboardMarkup:
    """The client's menu; an approved master gets his own (he may still order for himself)."""
    if master is not None and master.status == "approved":
        return master_menu(master)
    return InlineKeyboardMarkup(inline_keyboard=[
        [new_order_button()],
        [menu_button(_("📋 My orders"), MenuAction.MY_ORDERS),
         menu_button(_("🌐 Language"), MenuAction.LANGUAGE)],
    ])


def master_menu(m: MasterView) -> InlineKeyboardMarkup:
    duty = labelled(_("⚪ Go off duty") if m.on_duty else _("🟢 Go on duty"),
                    Duty(action=MenuAction.DUTY, on_duty=not m.on_duty))
    return InlineKeyboardMarkup(inline_keyboard=[
        [menu_button(_("🧰 My jobs"), MenuAction.MY_JOBS),
         menu_button(_("📨 Offers waiting"), MenuAction.OFFERS_WAITING)],
        [menu_button(_("👤 Profile"), MenuAction.PROFILE), duty],
        [new_order_button(), menu_button(_("📋 My orders"), MenuAction.MY_ORDERS)],
        [menu_button(_("🌐 Language"), MenuAction.LANGUAGE)],
    ])


def languages_keyboard(names: Sequence[str]) -> InlineKeyboardMarkup:
    """Two languages a row, each by its index in the list."""
    buttons = [labelled(n, Language(action=MenuAction.SET_LANGUAGE, index=i))
               for i, n in enumerate(names)]
    return InlineKeyboardMarkup(inline_keyboard=[buttons[j:j + 2]
                                                 for j in range(0, len(buttons), 2)])
