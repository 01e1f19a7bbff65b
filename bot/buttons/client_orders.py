"""The client's buttons on his orders: open one, stop the job, accept the work, cancel."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import OrderPick, OrderPress, labelled
from bot.i18n import _


class ClientAction(StrEnum):
    OPEN = "vord"  # one order from /orders
    STOP = "stop"
    STOP_CONFIRM = "stopy"
    STOP_KEEP = "stopn"
    ACCEPT_WORK = "accw"
    CANCEL_MENU = "ccan"  # the reasons
    CANCEL_REASON = "ccr"
    CANCEL_CONFIRM = "ccy"
    CANCEL_KEEP = "ccn"
    CLAIM = "clm"  # warranty: report a problem
    EDIT = "cedit"  # change the order before the master is on site


class ClientOrder(OrderPress[ClientAction], prefix="v2c"):
    """A press on one of his orders."""


class CancelReason(OrderPick[ClientAction], prefix="v2cr"):
    """index: into bot.services.orders.CANCEL_REASONS."""


def client_button(text: str, action: ClientAction, order_id: int) -> InlineKeyboardButton:
    return labelled(text, ClientOrder(action=action, order_id=order_id))


def stop_button(order_id: int) -> InlineKeyboardButton:
    """[H] the client can stop the job at any moment."""
    return client_button(_("⛔ Stop the job"), ClientAction.STOP, order_id)


def stop_confirm_keyboard(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [client_button(_("⛔ Yes, stop the job now"), ClientAction.STOP_CONFIRM, order_id)],
        [client_button(_("↩️ No, continue"), ClientAction.STOP_KEEP, order_id)]])


def keep_button(order_id: int) -> InlineKeyboardButton:
    return client_button(_("↩️ No, keep it"), ClientAction.CANCEL_KEEP, order_id)


def cancel_reasons_keyboard(order_id: int, labels: Sequence[str]) -> InlineKeyboardMarkup:
    rows = [[labelled(label, CancelReason(action=ClientAction.CANCEL_REASON, order_id=order_id,
                                          index=i))] for i, label in enumerate(labels)]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [keep_button(order_id)]])


def cancel_confirm_keyboard(order_id: int, reason: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [labelled(_("✖️ Yes, cancel the order"),
                  CancelReason(action=ClientAction.CANCEL_CONFIRM, order_id=order_id,
                               index=reason))],
        [keep_button(order_id)]])
