"""How the agreed price, the warranty and the completion act read [C 一.3, 五.2; V; R §2].

Lines for the desk card and the master's job, the buttons that start a quote or an extra, and
the completion act the client receives with the code. Items are typed by masters: escaped and
clipped here, so ten extras still fit in one message.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons.price_forms import PriceStart, price_start_button
from bot.buttons.prices import PriceAction, price_answer
from bot.domain.pricing import (
    ACCEPTED,
    DECLINED,
    PROPOSED,
    QUOTABLE,
    QUOTE,
    WITHDRAWN,
    PriceItemView,
    warranty_until,
)
from bot.domain.rules import clip
from bot.domain.views import OrderView
from bot.i18n import N_, _, fmt_date, ngettext, pgettext
from bot.notify.markup import q

ITEM_STATUS = {
    PROPOSED: N_("waiting for the client"),
    ACCEPTED: N_("accepted"),
    DECLINED: N_("declined"),
    WITHDRAWN: N_("withdrawn"),
}
CARD_ITEM = 60  # an item's length on the card and the job
ACT_ITEM = 120  # in the completion act
CARD_NOTES = 300
Message = tuple[str, InlineKeyboardMarkup | None]


class Formats(Protocol):
    """What these texts need of bot/notify/render.py's Renderer (which shows them on the card
    and the job, so it imports this module, not the other way round)."""

    def money(self, minor: int) -> str: ...

    def service(self, code: str) -> str: ...


def quote_text(r: Formats, i: PriceItemView, limit: int = ACT_ITEM) -> str:
    text = _("Quote: {amount}").format(amount=r.money(i.amount))
    return f"{text} — {q(clip(i.item, limit))}" if i.item else text


def extra_text(r: Formats, i: PriceItemView, limit: int = ACT_ITEM) -> str:
    return _("Extra: {item} — {amount}").format(item=q(clip(i.item, limit)),
                                                amount=r.money(i.amount))


def _status(i: PriceItemView) -> str:
    return _(ITEM_STATUS.get(i.status, ITEM_STATUS[PROPOSED]))


def price_lines(r: Formats, o: OrderView) -> list[str]:
    """The quote that counts, the extras and the warranty, for the desk card and the job."""
    lines = []
    if o.quote is not None:
        lines.append(f"💬 {quote_text(r, o.quote, CARD_ITEM)} ({_status(o.quote)})")
    for e in o.extras:
        if e.status != WITHDRAWN:
            lines.append(f"➕ {extra_text(r, e, CARD_ITEM)} ({_status(e)})")
    cap = o.breakdown.cap
    if cap is not None:
        lines.append(_("Agreed price: up to {amount}").format(amount=r.money(cap)))
    if o.warranty_months:
        lines.append(ngettext("Warranty: {n} month", "Warranty: {n} months",
                              o.warranty_months).format(n=o.warranty_months))
    if o.report_notes:
        lines.append(_("Notes: {notes}").format(notes=q(clip(o.report_notes, CARD_NOTES))))
    return lines


def price_buttons(o: OrderView) -> list[list[InlineKeyboardButton]]:
    """The master's next price step: quote until one is accepted, then extras."""
    if o.status not in QUOTABLE or o.stopped:
        return []
    if o.breakdown.quote is None:
        return [[price_start_button(_("💬 Send a quote"), PriceStart.QUOTE, o.id)]]
    return [[price_start_button(_("➕ Propose an extra"), PriceStart.EXTRA, o.id)]]


def act_lines(r: Formats, o: OrderView, done_on: date | None) -> list[str]:
    """The completion act: the work, the price and how it was agreed, the warranty, notes."""
    lines = [_("Work: {service}").format(service=q(r.service(o.service)))]
    if o.final_price is not None:
        lines.append(_("Final price: {price}").format(price=r.money(o.final_price)))
    agreed = o.breakdown
    if agreed.quote is not None and agreed.cap is not None:
        lines.append(_("Price breakdown:"))
        lines.append("• " + quote_text(r, agreed.quote))
        lines += ["• " + extra_text(r, e) for e in agreed.extras]
        lines.append(_("Agreed total: {amount}").format(amount=r.money(agreed.cap)))
    if o.warranty_months and done_on is not None:
        lines.append(ngettext("Warranty: {n} month, until {date}",
                              "Warranty: {n} months, until {date}", o.warranty_months).format(
            n=o.warranty_months, date=fmt_date(warranty_until(done_on, o.warranty_months),
                                               year=True)))
    elif o.warranty_months:
        lines.append(ngettext("Warranty: {n} month", "Warranty: {n} months",
                              o.warranty_months).format(n=o.warranty_months))
    if o.report_notes:
        lines.append(_("Master's notes: {notes}").format(notes=q(o.report_notes)))
    return lines


# --- the messages of the outbox kinds client_quote, client_extra, master_price, desk_price --

def _to_answer(lines: list[str], i: PriceItemView, o: OrderView, yes: str,
               yes_code: PriceAction, no_code: PriceAction, answered: str) -> Message:
    """The client's message on a quote or an extra: its Yes / Decline buttons while it waits
    for him, else a line saying what became of it (`answered`, with its {status})."""
    if i.status != PROPOSED or o.status not in QUOTABLE:  # answered or replaced meanwhile
        return "\n".join([*lines, answered.format(status=_status(i))]), None
    no = pgettext("a client answers a price quote or an extra", "❌ Decline")
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[[
        price_answer(yes, yes_code, o.id, i.id), price_answer(no, no_code, o.id, i.id)]])


def client_quote(r: Formats, o: OrderView, i: PriceItemView) -> Message:
    lines = [_("💬 The master {name} quotes {amount} for order #{number}.").format(
        name=q(o.master_name or ""), amount=f"<b>{r.money(i.amount)}</b>", number=o.id)]
    if i.item:
        lines.append(q(i.item))
    lines += ["", _("Once you accept, the price can rise only by extras you approve here.")]
    return _to_answer(lines, i, o, _("✅ Accept the quote"), PriceAction.ACCEPT_QUOTE,
                      PriceAction.DECLINE_QUOTE, _("This quote is {status}."))


def client_extra(r: Formats, o: OrderView, i: PriceItemView) -> Message:
    cap = o.breakdown.cap
    lines = [_("➕ The master proposes an extra for order #{number}:").format(number=o.id),
             f"<b>{q(i.item)}</b> — {r.money(i.amount)}",
             _("Why: {reason}").format(reason=q(i.reason or "—"))]
    if cap is not None:
        lines += ["", _("Agreed so far: {amount}; with this extra: {total}.").format(
            amount=r.money(cap), total=r.money(cap + i.amount))]
    lines.append(_("It is added to the price only if you approve it."))
    return _to_answer(lines, i, o, _("✅ Approve the extra"), PriceAction.APPROVE_EXTRA,
                      PriceAction.DECLINE_EXTRA, _("This extra is {status}."))


def master_price(r: Formats, o: OrderView, i: PriceItemView) -> str:
    """The client's answer (sent with the job's fresh buttons: a declined quote, send a new
    one; an accepted one, propose extras)."""
    money = r.money(i.amount)
    if i.kind == QUOTE:
        text = (_("✅ The client accepted your quote of {amount} for order #{number}. The final "
                  "price can be at most this, plus extras the client approves.")
                if i.status == ACCEPTED else
                _("❌ The client declined your quote of {amount} for order #{number}. You may "
                  "send a new quote.")).format(amount=money, number=o.id)
    elif i.status == ACCEPTED:
        text = _("✅ The client approved the extra «{item}» ({amount}) on order #{number}. "
                 "Agreed price now: up to {cap}.").format(
            item=q(clip(i.item, ACT_ITEM)), amount=money, number=o.id,
            cap=r.money(o.breakdown.cap or i.amount))
    else:
        text = _("❌ The client declined the extra «{item}» ({amount}) on order "
                 "#{number}.").format(item=q(clip(i.item, ACT_ITEM)), amount=money, number=o.id)
    return text


def desk_price(r: Formats, o: OrderView, i: PriceItemView, event: str) -> str:
    money = r.money(i.amount)
    item = q(clip(i.item, ACT_ITEM))
    if i.kind == QUOTE:
        if event == PROPOSED:
            text = _("💬 The master quoted {amount}.").format(amount=money)
            return f"{text} {item}" if i.item else text
        if event == ACCEPTED:
            return _("✅ The client accepted the quote of {amount}.").format(amount=money)
        return _("❌ The client declined the quote of {amount}.").format(amount=money)
    if event == PROPOSED:
        return _("➕ The master proposes an extra: {item} — {amount}. Reason: {reason}").format(
            item=item, amount=money, reason=q(clip(i.reason or "—", 300)))
    if event == ACCEPTED:
        return _("✅ The client approved the extra: {item} — {amount}.").format(item=item,
                                                                             amount=money)
    return _("❌ The client declined the extra: {item} — {amount}.").format(item=item,
                                                                          amount=money)
