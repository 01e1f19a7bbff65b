"""The keyboards under the messages of the outbox (the card's, the job's and the client's
view's are drawn with them: bot/notify/render.py, bot/notify/client_view.py)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.i18n import _
from bot.notify.markup import button


def stop_keyboard(order_id: int) -> InlineKeyboardMarkup:
    """[H] the client can stop the job at any moment."""
    return InlineKeyboardMarkup(inline_keyboard=[[button(_("⛔ Stop the job"), "stop", order_id)]])


def client_stars_keyboard(order_id: int) -> InlineKeyboardMarkup:
    """[H] the master rates the client, one tap."""
    return InlineKeyboardMarkup(inline_keyboard=[[button(f"{n}⭐", "rc", order_id, n)
                                                  for n in range(1, 6)]])


def stars_keyboard(order_id: int) -> InlineKeyboardMarkup:
    """SPEC §2.3: 1–5 stars, one tap."""
    return InlineKeyboardMarkup(inline_keyboard=[[button(f"{n}⭐", "rv", order_id, n)
                                                  for n in range(1, 6)]])


def reply_keyboard(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[button(_("↩️ Reply"), "rply", order_id)]])


def proposal_keyboard(order_id: int, stamp: int) -> InlineKeyboardMarkup:
    """Accept / Keep for exactly the proposal of this stamp."""
    return InlineKeyboardMarkup(inline_keyboard=[[
        button(_("✅ Accept the new time"), "vacc", order_id, stamp),
        button(_("❌ Keep the old time"), "vdec", order_id, stamp)]])


def accept_work_keyboard(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[button(_("✅ Accept the work"), "accw",
                                                         order_id)]])


def answer_question_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[button(_("✍️ Answer"), "mans")]])
