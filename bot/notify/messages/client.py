"""What the client reads about his order."""

from __future__ import annotations

import bot.events as ev
from bot.domain.pricing import PriceItemView
from bot.domain.views import OrderView
from bot.i18n import _, fmt_datetime
from bot.notify import prices
from bot.notify.client_view import client_keyboard
from bot.notify.keyboards import accept_work_keyboard, stars_keyboard, stop_keyboard
from bot.notify.markup import q
from bot.notify.messages.base import Draft, Target, about_order, composes, order_of
from bot.notify.messages.shared import when
from bot.notify.names import CANCEL_REASON_NAMES, REJECT_REASON_NAMES
from bot.notify.render import Renderer


@composes(ev.ClientRejected)
def _rejected(e: ev.ClientRejected, t: Target, r: Renderer) -> Draft:
    o = order_of(t)
    reason = _(REJECT_REASON_NAMES.get(e.reason or "", "A technical problem"))
    return Draft(_("Sorry, your order #{number} ({service}) was rejected.\nReason: {reason}")
                 .format(number=o.id, service=q(r.service(o.service)), reason=reason))


@composes(ev.ClientCancelled)
def _cancelled(e: ev.ClientCancelled, t: Target, r: Renderer) -> Draft:
    o = order_of(t)
    reason = _(CANCEL_REASON_NAMES.get(e.reason or "", "Another reason"))
    return Draft(_("Your order #{number} was cancelled by the service.\nReason: {reason}")
                 .format(number=o.id, reason=reason))


@composes(ev.ClientAssigned)
def _assigned(e: ev.ClientAssigned, t: Target, r: Renderer) -> Draft:
    """The master's card [H, Q]: who comes to the door, with his photo when he has one."""
    o = order_of(t)
    rating = e.rating
    return Draft("\n".join([
        _("Good news: a master has taken your order #{number}.").format(number=o.id),
        r.master_public(o.master_name or "", bool(e.verified),
                        float(rating) if rating is not None else None,
                        int(e.reviews), int(e.jobs)),
        _("The master will call you to agree on the visit."),
    ]), stop_keyboard(o.id), photo=e.photo)


@composes(ev.ClientVisitSet)
def _visit(e: ev.ClientVisitSet, t: Target, r: Renderer) -> Draft:
    o = order_of(t)
    when_ = fmt_datetime(o.visit_at, r.tz) if o.visit_at else "—"
    return Draft(_("📅 The master {name} will come for order #{number} at {time}.").format(
        name=q(o.master_name or ""), number=o.id, time=when_), client_keyboard(o))


@composes(ev.ClientArrived)
def _arrived(e: ev.ClientArrived, t: Target, r: Renderer) -> Draft:
    o = order_of(t)
    return Draft(_("📍 The master {name} has checked in at your place (order #{number}).")
                 .format(name=q(o.master_name or ""), number=o.id), stop_keyboard(o.id))


about_order(ev.ClientResumed, lambda: _("▶️ The desk has resumed the work on order #{number}."))
about_order(ev.ClientRematch, lambda: _("The master can no longer do order #{number}. We are "
                                        "finding you another master and will write here."))


@composes(ev.ClientCode)
def _code(e: ev.ClientCode, t: Target, r: Renderer) -> Draft:
    """The completion act with the one-time code [C 二.8]: the work, the price and how it was
    agreed, the warranty and the master's notes."""
    o = order_of(t)
    done = e.done_at.astimezone(r.tz).date() if e.done_at else None
    lines = [
        _("The master reports that the work on order #{number} is done.").format(number=o.id),
        *prices.act_lines(r, o, done),
    ]
    lines += [
        "",
        _("If you are satisfied, tell the master this confirmation code: <b>{code}</b>").format(
            code=q(e.code)),
        _("Do not share it before the work is done."),
    ]
    return Draft("\n".join(lines), accept_work_keyboard(o.id))


def price_item(item_id: int, t: Target) -> tuple[OrderView, PriceItemView]:
    o = order_of(t)
    item = o.price_item(int(item_id))
    if item is None:
        raise ValueError("this message needs a price item of its order")
    return o, item


@composes(ev.ClientQuote)
def _quote(e: ev.ClientQuote, t: Target, r: Renderer) -> Draft:
    return Draft(*prices.client_quote(r, *price_item(e.item_id, t)))


@composes(ev.ClientExtra)
def _extra(e: ev.ClientExtra, t: Target, r: Renderer) -> Draft:
    return Draft(*prices.client_extra(r, *price_item(e.item_id, t)))


@composes(ev.ClientCompleted)
def _completed(e: ev.ClientCompleted, t: Target, r: Renderer) -> Draft:
    o = order_of(t)
    return Draft(_("Order #{number} is completed. Thank you for choosing us!").format(number=o.id)
                 + "\n\n" + _("How did the master do? Rate the work:"),
                 stars_keyboard(o.id))


@composes(ev.ClientSla)
def _sla(e: ev.ClientSla, t: Target, r: Renderer) -> Draft:
    n, kind = order_of(t).id, e.clock
    if kind == "visit_reminder":
        return Draft(_("⏰ Reminder: the master comes at {time} (order #{number}).").format(
            number=n, time=when(e, r)))
    if kind == "arrival":
        return Draft(_("The master is late for order #{number}. The desk knows and will "
                       "contact you.").format(number=n))
    if kind == "warranty_end":
        return Draft(_("The warranty on the work of order #{number} ended today. If you need "
                       "the service again, place a new order with /new.").format(number=n))
    if kind == "review":
        return Draft(_("How did it go with order #{number}? Your stars help other clients "
                       "choose a master.").format(number=n), stars_keyboard(n))
    return Draft(_("Is the work on order #{number} done? If so, give the master your "
                   "confirmation code; if something is wrong, write to us.").format(number=n))


@composes(ev.ClientBlocked)
def _blocked(e: ev.ClientBlocked, t: Target, r: Renderer) -> Draft:
    if e.blocked:
        return Draft(_("🚫 The desk has blocked new orders from your account. Reason: {reason}")
                     .format(reason=q(e.reason or "")))
    return Draft(_("✅ Your account is unblocked: you can place orders again."))
