"""The desk's order card: its buttons, the choices they open and the refund's confirmation.

Each action's value is the code the card carried before (`v1:dcxr:…`); the enum's name is
what a reader sees. Each press reaches one handler in handlers/desk/orders.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import Id, OrderPick, OrderPress, labelled
from bot.i18n import _


class DeskAction(StrEnum):
    ASSIGN_MENU = "dasg"  # the candidates, ranked
    OFFER_TO = "dpick"  # one candidate from that list
    AUTO = "dauto"
    REJECT_MENU = "drej"
    REJECT = "drr"
    CANCEL_MENU = "dcan"
    CANCEL = "dcr"
    WITHDRAW = "dwd"
    NEW_CODE = "dcode"
    RESUME = "dres"
    REWORK = "dcw"
    REFUND = "dcf"  # asks for the amount in the topic
    REFUND_CONFIRM = "dcfok"
    REJECT_CLAIM_MENU = "dcx"
    REJECT_CLAIM = "dcxr"
    REWORK_DONE = "dcwd"
    TAKE_AWAY = "dtake"
    EXTEND = "dext"  # hours=0 refuses
    RELEASE = "drel"
    BACK = "dback"


class DeskOrder(OrderPress[DeskAction], prefix="v2d"):
    """A press on the order's card."""


class DeskReason(OrderPick[DeskAction], prefix="v2dr"):
    """A reason picked from a list the handler owns, by its index."""


class DeskOffer(OrderPress[DeskAction], prefix="v2dp"):
    master_id: Id


class DeskHours(OrderPress[DeskAction], prefix="v2dh"):
    hours: Id


class DeskRelease(OrderPress[DeskAction], prefix="v2dl"):
    release: bool


def desk_button(text: str, action: DeskAction, order_id: int) -> InlineKeyboardButton:
    return labelled(text, DeskOrder(action=action, order_id=order_id))


def hours_button(text: str, action: DeskAction, order_id: int,
                 hours: int) -> InlineKeyboardButton:
    return labelled(text, DeskHours(action=action, order_id=order_id, hours=hours))


def release_button(text: str, order_id: int, release: bool) -> InlineKeyboardButton:
    return labelled(text, DeskRelease(action=DeskAction.RELEASE, order_id=order_id,
                                      release=release))


def back_row(order_id: int) -> list[InlineKeyboardButton]:
    return [desk_button(_("⬅️ Back"), DeskAction.BACK, order_id)]


def reasons_keyboard(action: DeskAction, order_id: int,
                     labels: Sequence[str]) -> InlineKeyboardMarkup:
    """A reason per row (`index` into the handler's list), then Back to the card."""
    rows = [[labelled(label, DeskReason(action=action, order_id=order_id, index=i))]
            for i, label in enumerate(labels)]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, back_row(order_id)])


def candidates_keyboard(order_id: int,
                        candidates: Sequence[tuple[str, int]]) -> InlineKeyboardMarkup:
    """(label, master id) per candidate, then Auto and Back."""
    rows = [[labelled(label, DeskOffer(action=DeskAction.OFFER_TO, order_id=order_id,
                                       master_id=master_id))]
            for label, master_id in candidates]
    rows.append([desk_button(_("🤖 Auto"), DeskAction.AUTO, order_id)])
    return InlineKeyboardMarkup(inline_keyboard=[*rows, back_row(order_id)])


def refund_confirm(text: str, order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [desk_button(text, DeskAction.REFUND_CONFIRM, order_id)]])
