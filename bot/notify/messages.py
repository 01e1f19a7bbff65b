"""What each queued outbox row says, in the reader's language (rendered at delivery time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.domain.views import OrderView
from bot.i18n import _
from bot.notify.render import CANCEL_REASON_NAMES, REJECT_REASON_NAMES, Renderer, q


@dataclass(frozen=True)
class Target:
    chat_id: int
    thread_id: int | None
    locale: str
    order: OrderView | None
    is_desk: bool


@dataclass(frozen=True)
class Draft:
    text: str
    markup: InlineKeyboardMarkup | None = None


def _order(t: Target) -> OrderView:
    if t.order is None:
        raise ValueError("this message needs an order")
    return t.order


def compose(kind: str, payload: dict[str, Any], t: Target, r: Renderer) -> Draft:
    fn = COMPOSERS.get(kind)
    if fn is None:
        raise ValueError(f"unknown outbox kind {kind!r}")
    return fn(payload, t, r)


def _client_rejected(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    reason = _(REJECT_REASON_NAMES.get(p.get("reason", ""), "A technical problem"))
    return Draft(_("Sorry, your order #{number} ({service}) was rejected.\nReason: {reason}")
                 .format(number=o.id, service=q(r.service(o.service)), reason=reason))


def _client_cancelled(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    reason = _(CANCEL_REASON_NAMES.get(p.get("reason", ""), "Another reason"))
    return Draft(_("Your order #{number} was cancelled by the service.\nReason: {reason}")
                 .format(number=o.id, reason=reason))


def _client_assigned(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    return Draft("\n".join([
        _("Good news: a master has taken your order #{number}.").format(number=o.id),
        _("Master: <b>{name}</b> ✅ verified").format(name=q(o.master_name or "")),
        _("The master will call you to agree on the visit."),
    ]))


def _client_code(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    lines = [
        _("The master reports that the work on order #{number} is done.").format(number=o.id),
    ]
    if o.final_price is not None:
        lines.append(_("Final price: {price}").format(price=r.money(o.final_price)))
    lines += [
        "",
        _("If you are satisfied, tell the master this confirmation code: <b>{code}</b>").format(
            code=q(p["code"])),
        _("Do not share it before the work is done."),
    ]
    return Draft("\n".join(lines))


def _client_completed(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    return Draft(_("Order #{number} is completed. Thank you for choosing us!").format(number=o.id))


def _master_offer(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    text, kb = r.offer(_order(t))
    return Draft(text, kb)


def _master_offer_withdrawn(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("The offer for order #{number} was withdrawn by the desk.").format(
        number=_order(t).id))


def _master_order_cancelled(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("Order #{number} was cancelled. Please do not go to the client.").format(
        number=_order(t).id))


def _master_code_reissued(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    return Draft(_("The client has a new confirmation code for order #{number}. "
                   "Ask for it and enter it here.").format(number=o.id),
                 r.job(o)[1])


def _master_decision(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    if p.get("approved"):
        return Draft(_("Your application is approved ✅ You will now receive job offers."))
    return Draft(_("Sorry, your application was not approved. You can apply again with "
                   "/become_master."))


DESK_NOTES = {
    "assigned": lambda o: _("✅ {master} accepted the order.").format(master=q(o.master_name)),
    "declined": lambda o: _("❌ The master declined the offer. Choose another one."),
    "reported": lambda o: _("🏁 The master filed the completion report; the client got the "
                            "confirmation code."),
    "completed": lambda o: _("🎉 The order is completed: the client's code was confirmed."),
    "code_locked": lambda o: _("🚨 Too many wrong confirmation codes: the order is locked. "
                               "Check with the client and send a new code."),
}


def _desk_note(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(DESK_NOTES[p["note"]](_order(t)))


def _desk_client_cancelled(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    reason = _(CANCEL_REASON_NAMES.get(p.get("reason", ""), "Another reason"))
    return Draft(_("✖️ The client cancelled the order. Reason: {reason}").format(reason=reason))


def _desk_unreachable(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("⚠️ {name} (id {id}) has blocked the bot: messages to them are not "
                   "delivered. Contact them another way.").format(
        name=q(p.get("name", "")), id=p.get("user_id")))


COMPOSERS = {
    "client_rejected": _client_rejected,
    "client_cancelled": _client_cancelled,
    "client_assigned": _client_assigned,
    "client_code": _client_code,
    "client_completed": _client_completed,
    "master_offer": _master_offer,
    "master_offer_withdrawn": _master_offer_withdrawn,
    "master_order_cancelled": _master_order_cancelled,
    "master_code_reissued": _master_code_reissued,
    "master_decision": _master_decision,
    "desk_note": _desk_note,
    "desk_client_cancelled": _desk_client_cancelled,
    "desk_unreachable": _desk_unreachable,
}
