"""Keyboards the handlers share."""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.domain.views import MasterView
from bot.i18n import _
from bot.notify.render import button


def menu(master: MasterView | None = None) -> InlineKeyboardMarkup:
    """The client's menu; an approved master gets his own (he may still order for himself)."""
    if master is not None and master.status == "approved":
        return master_menu(master)
    return InlineKeyboardMarkup(inline_keyboard=[
        [button(_("🛠 New order"), "new")],
        [button(_("📋 My orders"), "my"), button(_("🌐 Language"), "lang")],
    ])


def master_menu(m: MasterView) -> InlineKeyboardMarkup:
    duty = button(_("⚪ Go off duty") if m.on_duty else _("🟢 Go on duty"), "mduty",
                  x=0 if m.on_duty else 1)
    return InlineKeyboardMarkup(inline_keyboard=[
        [button(_("🧰 My jobs"), "mjobs"), button(_("📨 Offers waiting"), "moffs")],
        [button(_("👤 Profile"), "mprof"), duty],
        [button(_("🛠 New order"), "new"), button(_("📋 My orders"), "my")],
        [button(_("🌐 Language"), "lang")],
    ])


def cancel_button() -> InlineKeyboardButton:
    return button(_("✖️ Cancel"), "cxl")


def with_cancel(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [cancel_button()]])


def share_contact() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📱 Share my phone number"), request_contact=True)],
                  [KeyboardButton(text=_("✖️ Cancel"))]],
        resize_keyboard=True, one_time_keyboard=True)


def share_location() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📍 Share my location"), request_location=True)],
                  [KeyboardButton(text=_("✖️ Cancel"))]],
        resize_keyboard=True, one_time_keyboard=True)
