"""The desk's master cards (applications, blocking): their buttons and the rejection reasons."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.base import Id, Press, labelled
from bot.i18n import _


class MasterCardAction(StrEnum):
    APPROVE = "mapp"
    REJECT_MENU = "mrej"
    REJECT = "mrr"
    ASK = "mask"  # the manager's next message in the thread is the question
    BLOCK = "mblk"  # ... or the block reason
    UNBLOCK = "munb"
    DOCUMENTS = "mdoc"
    BACK = "mback"


class MasterCard(Press[MasterCardAction], prefix="v2m"):
    master_id: Id


class MasterReason(MasterCard, prefix="v2mr"):
    """A rejection reason, by its index."""

    index: Id


def master_button(text: str, action: MasterCardAction, master_id: int) -> InlineKeyboardButton:
    return labelled(text, MasterCard(action=action, master_id=master_id))


def reject_reasons_keyboard(master_id: int, labels: Sequence[str]) -> InlineKeyboardMarkup:
    rows = [[labelled(label, MasterReason(action=MasterCardAction.REJECT, master_id=master_id,
                                          index=i))] for i, label in enumerate(labels)]
    rows.append([master_button(_("⬅️ Back"), MasterCardAction.BACK, master_id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)
