"""The New order form's buttons (handlers/client/new_order.py) and the rows drawing them.

The action values are the codes of the `v1` scheme, so a reader of both finds the same names.
The rows go above the conversation's Cancel row (handlers.keyboards.with_cancel).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from aiogram.types import InlineKeyboardButton

from bot.buttons.base import Id, Press, labelled, rows
from bot.domain.rules import SLOTS
from bot.i18n import _, fmt_date, fmt_percent, pgettext
from bot.notify.render import PAYMENT_NAMES, slot_name
from fsm.draft import PAYMENTS


class NewOrderAction(StrEnum):
    SERVICE = "svc"
    NEXT = "next"  # the description and photos are done
    CLEAR = "dclr"  # start the description over
    DISTRICT = "odst"
    TIME = "tk"
    DAY = "day"
    SLOT = "slot"
    PAYMENT = "pay"
    EDIT = "edit"  # a field from the summary
    CONFIRM = "ok"


class NewOrderCb(Press[NewOrderAction], prefix="v2no"):
    index: Id = 0  # into the list the keyboard was drawn from (a date: its ordinal)


Rows = list[list[InlineKeyboardButton]]


def _press(text: str, action: NewOrderAction, index: int = 0) -> InlineKeyboardButton:
    return labelled(text, NewOrderCb(action=action, index=index))


def service_rows(names: Sequence[str]) -> Rows:
    return [[_press(n, NewOrderAction.SERVICE, i)] for i, n in enumerate(names)]


def continue_rows(clear: bool = False) -> Rows:
    buttons = [[_press(_("Continue ▶️"), NewOrderAction.NEXT)]]
    if clear:
        buttons.append([_press(_("🗑 Start the description over"), NewOrderAction.CLEAR)])
    return buttons


def district_rows(names: Sequence[str]) -> Rows:
    """The last index (one past the names) is «I am not sure»."""
    buttons = [_press(n, NewOrderAction.DISTRICT, i) for i, n in enumerate(names)]
    return [*rows(*buttons), [_press(_("I am not sure"), NewOrderAction.DISTRICT, len(names))]]


def time_rows(urgent_percent: int) -> Rows:
    """Indexes into fsm.draft.TIME_KINDS: urgent, today, tomorrow, another date."""
    return [
        [_press(_("⚡ Urgent, within 24 hours (+{percent})").format(
            percent=fmt_percent(urgent_percent)), NewOrderAction.TIME, 0)],
        [_press(_("Today"), NewOrderAction.TIME, 1),
         _press(_("Tomorrow"), NewOrderAction.TIME, 2)],
        [_press(_("📅 Another date"), NewOrderAction.TIME, 3)]]


def date_rows(days: Sequence[date]) -> Rows:
    return rows(*[_press(fmt_date(d), NewOrderAction.DAY, d.toordinal()) for d in days])


def slot_rows(free: Sequence[str]) -> Rows:
    return [[_press(slot_name(s), NewOrderAction.SLOT, SLOTS.index(s))] for s in free]


def payment_rows(current: str) -> Rows:
    return [[_press(("• " if p == current else "") + _(PAYMENT_NAMES[p]), NewOrderAction.PAYMENT,
                    i)] for i, p in enumerate(PAYMENTS)]


def summary_rows() -> Rows:
    """An edit button per field (indexes into handlers/client/order_steps.FIELDS), Confirm."""
    labels = [_("✏️ Service"), _("✏️ Description"), _("✏️ Address"), _("✏️ Time"),
              _("✏️ Phone"), _("✏️ Payment")]
    edit = [_press(label, NewOrderAction.EDIT, i) for i, label in enumerate(labels)]
    confirm = _press(pgettext("the client places the order", "✅ Confirm"),
                     NewOrderAction.CONFIRM)
    return [*rows(*edit), [confirm]]
