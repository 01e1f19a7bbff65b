"""An order as its client sees it, and the client's buttons on the messages about it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.client_orders import ClientAction, client_button, stop_button
from bot.buttons.relay import RelayAction, relay_button
from bot.buttons.visits import propose_button
from bot.domain.deadlines import warranty_ends_at
from bot.domain.edits import may_edit
from bot.domain.states import TERMINAL, Action, Role, Status, can
from bot.domain.views import OrderView
from bot.domain.visits import CLIENT
from bot.i18n import _
from bot.notify.render import Renderer, answer_rows, q

_STOPPABLE = (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE,
              Status.AWAITING_CONFIRMATION)


def warranty_open(o: OrderView, tz: ZoneInfo, now: datetime) -> bool:
    end = warranty_ends_at(o.reported_at, o.warranty_months, tz)
    return end is not None and now < end


def client_keyboard(o: OrderView, with_cancel: bool = False,
                    under_warranty: bool = False) -> InlineKeyboardMarkup | None:
    """Stop the job at any moment [H]; once the visit is agreed, answer the master's proposal
    of another time or propose one; in his own view of the order, change it or cancel it while
    he may (SPEC §2.2)."""
    kb: list[list[InlineKeyboardButton]] = []
    if o.status in _STOPPABLE and not o.stopped:
        kb.append([stop_button(o.id)])
    if o.status == Status.SCHEDULED and not o.stopped:
        kb += answer_rows(o, CLIENT)
        kb.append([propose_button(o.id)])
    if with_cancel and under_warranty and o.status == Status.COMPLETED:
        kb.append([client_button(_("⚠️ Report a problem (warranty)"), ClientAction.CLAIM, o.id)])
    if with_cancel and may_edit(o.status, o.stopped):  # until the master is on site [R §3]
        kb.append([client_button(_("✏️ Change the order"), ClientAction.EDIT, o.id)])
    if with_cancel and o.status not in TERMINAL:
        kb.append([relay_button(_("💬 Write to the manager"), RelayAction.WRITE, o.id)])
    if with_cancel and can(o.status, Action.CANCEL, Role.CLIENT):
        kb.append([client_button(_("✖️ Cancel the order"), ClientAction.CANCEL_MENU, o.id)])
    return InlineKeyboardMarkup(inline_keyboard=kb) if kb else None


def client_view(r: Renderer, o: OrderView) -> tuple[str, InlineKeyboardMarkup | None]:
    """The state, the master and the visit (with an open proposal), and the buttons that fit."""
    lines = [
        _("<b>Order #{number}</b> · {service}").format(number=o.id,
                                                       service=q(r.service(o.service))),
        _("Status: <b>{status}</b>").format(status=r.status(o.status)),
        _("Address: {address}").format(address=r.place(o)),
    ]
    if o.master_name:
        lines.append(_("Master: {name}").format(name=q(o.master_name)))
    if o.visit_at is None:
        lines.append(_("When: {when}").format(when=r.when(o)))
    lines += r.visit_lines(o)
    if o.stopped:
        lines.append(_("⛔ You have stopped the job; the desk will contact you."))
    lines += r.claim_lines(o)
    return "\n".join(lines), client_keyboard(
        o, with_cancel=True, under_warranty=warranty_open(o, r.tz, r.now()))
