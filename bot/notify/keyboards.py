"""The keyboards under the outbox's messages, one home each (the card's, the job's and the
client's view's are drawn in bot/notify/render.py and client_view.py; every button itself is
built in bot/buttons)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.buttons.client_orders import ClientAction, client_button, stop_button
from bot.buttons.profile import ProfileAction, profile_button
from bot.buttons.relay import RelayAction, relay_button
from bot.buttons.reviews import ReviewAction, stars_row
from bot.buttons.visits import answer_row
from bot.i18n import _


def stop_keyboard(order_id: int) -> InlineKeyboardMarkup:
    """[H] the client can stop the job at any moment."""
    return InlineKeyboardMarkup(inline_keyboard=[[stop_button(order_id)]])


def client_stars_keyboard(order_id: int) -> InlineKeyboardMarkup:
    """[H] the master rates the client, one tap."""
    return InlineKeyboardMarkup(inline_keyboard=[stars_row(ReviewAction.RATE_CLIENT, order_id)])


def stars_keyboard(order_id: int) -> InlineKeyboardMarkup:
    """SPEC §2.3: 1–5 stars, one tap."""
    return InlineKeyboardMarkup(inline_keyboard=[stars_row(ReviewAction.RATE_WORK, order_id)])


def reply_keyboard(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[relay_button(_("↩️ Reply"), RelayAction.REPLY,
                                                               order_id)]])


def proposal_keyboard(order_id: int, stamp: int) -> InlineKeyboardMarkup:
    """Accept / Keep for exactly the proposal of this stamp."""
    return InlineKeyboardMarkup(inline_keyboard=[answer_row(order_id, stamp)])


def accept_work_keyboard(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[client_button(
        _("✅ Accept the work"), ClientAction.ACCEPT_WORK, order_id)]])


def answer_question_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[
        profile_button(_("✍️ Answer"), ProfileAction.ANSWER_DESK)]])
