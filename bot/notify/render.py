"""Texts and keyboards shown about an order, rendered for one reader's locale.

Everything typed by a user passes through `q()` (HTML escaping) here, at render time, and
every text is clipped to Telegram's limits, so Telegram never answers 400 to our rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from html import escape
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import cb
from bot.domain.rules import clip
from bot.domain.states import Action, Role, Status, actions_for
from bot.domain.views import MasterView, OrderView
from bot.i18n import (
    N_,
    _,
    current_locale,
    fmt_date,
    fmt_datetime,
    fmt_money,
    fmt_percent,
    fmt_slot,
)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CARD_DESCRIPTION = 1200  # the card keeps room for the rest of its lines
TOPIC_NAME_LIMIT = 128

STATUS_NAMES = {
    Status.SUBMITTED: N_("New — waiting for a master"),
    Status.REJECTED: N_("Rejected"),
    Status.OFFERED: N_("Offered to a master"),
    Status.ASSIGNED: N_("Master assigned"),
    Status.CONTACTED: N_("Master has called"),
    Status.SCHEDULED: N_("Visit scheduled"),
    Status.ON_SITE: N_("Master on site"),
    Status.AWAITING_CONFIRMATION: N_("Waiting for the client's confirmation"),
    Status.COMPLETED: N_("Completed"),
    Status.DISPUTED: N_("Disputed"),
    Status.CANCELLED: N_("Cancelled"),
}
REJECT_REASON_NAMES = {
    "forbidden": N_("The service is not allowed on the platform"),
    "job_request": N_("This looks like a job search, not an order"),
    "no_masters": N_("No masters available for these parameters"),
    "false_data": N_("The order contains false data"),
    "technical": N_("A technical problem"),
}
CANCEL_REASON_NAMES = {
    "changed_mind": N_("Changed my mind"),
    "found_other": N_("Found someone else"),
    "too_long": N_("Waiting too long"),
    "price": N_("The price does not suit"),
    "other": N_("Another reason"),
}
EXTENSION_REASON_NAMES = {
    "weather": N_("Weather"),
    "client_unavailable": N_("The client is unavailable"),
    "parts": N_("Parts are on order"),
}
RELEASE_REASON_NAMES = {
    "illness": N_("Illness"),
    "emergency": N_("An emergency"),
    "job_differs": N_("The job differs from the description"),
    "other": N_("Another reason"),
}
PAYMENT_NAMES = {
    "cash": N_("Cash after completion"),
    "card": N_("Card after completion"),
    "transfer": N_("Bank transfer after completion"),
}
SLA_MARKS = {"risk": "🟡 ", "breach": "🔴 "}


def slot_name(code: str | None) -> str:
    """A slot code ("09-12") as the reader's locale writes a time range."""
    if not code:
        return ""
    start, end = (int(h) for h in code.split("-"))
    return fmt_slot(time(start), time(end))


def q(text: object) -> str:
    """Escape user input for parse_mode=HTML."""
    return escape(str(text), quote=False)


def button(text: str, action: str, o: int = 0, x: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=clip(text, 60), callback_data=cb(action, o, x))


def rows(*buttons: InlineKeyboardButton, width: int = 2) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i:i + width]) for i in range(0, len(buttons), width)]


@dataclass
class Renderer:
    """Knows the catalogue and the money/time settings; renders for the current locale."""

    services: dict[str, dict[str, str]]
    currency: str
    tz: ZoneInfo

    def service(self, code: str) -> str:
        names = self.services.get(code, {})
        return names.get(current_locale()) or names.get("en") or code

    def money(self, amount: Decimal) -> str:
        return fmt_money(amount, self.currency)

    def when(self, o: OrderView) -> str:
        if o.urgent:
            return _("Urgent — within 24 hours (+{percent})").format(
                percent=fmt_percent(o.surcharge_percent))
        if o.visit_date is None:
            return "—"
        return f"{fmt_date(o.visit_date)} {slot_name(o.visit_slot)}".strip()

    def place(self, o: OrderView) -> str:
        if o.address:
            return q(o.address)
        return _("Location on the map ({lat:.5f}, {lon:.5f})").format(
            lat=o.latitude or 0.0, lon=o.longitude or 0.0)

    def status(self, status: Status) -> str:
        return _(STATUS_NAMES[status])

    def topic_name(self, o: OrderView) -> str:
        """`#12 Plumbing — Lenina 5`, marked 🟡 at risk or 🔴 breached, so the desk sees the
        SLA state in the topic list. Plain text (no escaping), at most 128 characters."""
        mark = SLA_MARKS.get(o.sla_state, "")
        return clip(f"{mark}#{o.id} {self.service(o.service)} — {o.area}", TOPIC_NAME_LIMIT)

    # --- the desk's order card -------------------------------------------------------------

    def card(self, o: OrderView) -> tuple[str, InlineKeyboardMarkup | None]:
        lines = [
            _("<b>Order #{number}</b> · {service}").format(number=o.id,
                                                           service=q(self.service(o.service))),
            _("Status: <b>{status}</b>").format(status=self.status(o.status)),
            "",
            _("Client: {name}, {phone}").format(name=q(o.client_name), phone=q(o.phone)),
            _("Address: {address}").format(address=self.place(o)),
            _("When: {when}").format(when=self.when(o)),
            _("Payment: {payment}").format(payment=_(PAYMENT_NAMES[o.payment])),
        ]
        if o.photos:
            lines.append(_("Photos: {count}").format(count=len(o.photos)))
        if o.master_name:
            lines.append(_("Master: {name}").format(name=q(o.master_name)))
        if o.final_price is not None:
            lines.append(_("Final price: {price}").format(price=self.money(o.final_price)))
        if o.status == Status.REJECTED and o.reason in REJECT_REASON_NAMES:
            lines.append(_("Reason: {reason}").format(reason=_(REJECT_REASON_NAMES[o.reason])))
        if o.status == Status.CANCELLED and o.reason in CANCEL_REASON_NAMES:
            lines.append(_("Reason: {reason}").format(reason=_(CANCEL_REASON_NAMES[o.reason])))
        lines += self.visit_lines(o)
        if o.code_locked:
            lines.append(_("⚠️ Confirmation locked after too many wrong codes"))
        if o.stopped:
            lines.append(_("⛔ STOPPED BY THE CLIENT — the clocks are on hold"))
        if o.request == "extension":
            lines.append(_("⏳ The master asks for more time: {reason}").format(
                reason=_(EXTENSION_REASON_NAMES.get(o.request_reason or "", "Weather"))))
        elif o.request == "release":
            lines.append(_("🙋 The master asks to be released: {reason}").format(
                reason=_(RELEASE_REASON_NAMES.get(o.request_reason or "", "Another reason"))))
        # Every part is bounded (the description is cut before escaping), so the card stays
        # within 4096 visible characters; clipping the HTML itself could break a tag.
        lines += ["", q(clip(o.description, CARD_DESCRIPTION))]
        return "\n".join(lines), self.card_keyboard(o)

    def card_keyboard(self, o: OrderView) -> InlineKeyboardMarkup | None:
        allowed = set(actions_for(o.status, Role.MANAGER))
        buttons = []
        if Action.OFFER in allowed:
            buttons.append(button(_("👷 Assign"), "dasg", o.id))
        if Action.REJECT in allowed:
            buttons.append(button(_("⛔ Reject"), "drej", o.id))
        if Action.WITHDRAW in allowed:
            buttons.append(button(_("↩️ Withdraw the offer"), "dwd", o.id))
        if o.status == Status.AWAITING_CONFIRMATION and o.code_locked:
            buttons.append(button(_("🔑 Send a new code"), "dcode", o.id))
        if o.stopped:
            buttons.append(button(_("▶️ Resume the job"), "dres", o.id))
        if o.request == "extension":
            buttons += [button(_("⏳ +{hours} h").format(hours=h), "dext", o.id, h)
                        for h in (24, 48, 72)]
            buttons.append(button(_("✋ Refuse more time"), "dext", o.id, 0))
        elif o.request == "release":
            buttons += [button(_("🙋 Release the master"), "drel", o.id, 1),
                        button(_("✋ Keep the master"), "drel", o.id, 0)]
        if Action.CANCEL in allowed:
            buttons.append(button(_("✖️ Cancel the order"), "dcan", o.id))
        return InlineKeyboardMarkup(inline_keyboard=rows(*buttons)) if buttons else None

    # --- what masters see ------------------------------------------------------------------

    def offer(self, o: OrderView) -> tuple[str, InlineKeyboardMarkup]:
        """An offer shows the district and the job, never the address or phone."""
        text = "\n".join([
            _("<b>New job offer: order #{number}</b>").format(number=o.id),
            _("Service: {service}").format(service=q(self.service(o.service))),
            _("Area: {area}").format(area=q(o.area)),
            _("When: {when}").format(when=self.when(o)),
            "",
            q(clip(o.description, 1500)),
            "",
            _("The address and the client's phone are shown after you accept."),
        ])
        kb = InlineKeyboardMarkup(inline_keyboard=[[
            button(_("✅ Accept"), "acc", o.id), button(_("❌ Decline"), "dec", o.id)]])
        return text, kb

    def job(self, o: OrderView) -> tuple[str, InlineKeyboardMarkup | None]:
        text = "\n".join([
            _("<b>Order #{number}</b> · {service}").format(number=o.id,
                                                           service=q(self.service(o.service))),
            _("Status: <b>{status}</b>").format(status=self.status(o.status)),
            _("Client: {name}, {phone}").format(name=q(o.client_name), phone=q(o.phone)),
            _("Address: {address}").format(address=self.place(o)),
            _("When: {when}").format(when=self.when(o)),
            *self.visit_lines(o),
            _("Payment: {payment}").format(payment=_(PAYMENT_NAMES[o.payment])),
            "",
            q(clip(o.description, 1500)),
        ])
        if o.stopped:
            return text + "\n\n" + _("⛔ The client has stopped the job. Stop work and wait "
                                       "for the desk."), None
        steps = {
            Status.ASSIGNED: [button(_("📞 I have called the client"), "cont", o.id)],
            Status.CONTACTED: [button(_("📅 Set the visit time"), "sched", o.id)],
            Status.SCHEDULED: [button(_("📍 I am on site"), "chk", o.id),
                               button(_("📅 Change the visit time"), "sched", o.id)],
        }
        kb = [steps[o.status]] if o.status in steps else []
        if o.status in (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE):
            kb.append([button(_("🏁 Done — file the report"), "done", o.id)])
            if o.request is None:
                kb.append([button(_("⏳ Ask for more time"), "ext", o.id),
                           button(_("🙋 Ask to be released"), "rel", o.id)])
        elif o.status == Status.AWAITING_CONFIRMATION:
            kb.append([button(_("🔑 Enter the client's code"), "code", o.id)])
        return text, InlineKeyboardMarkup(inline_keyboard=kb) if kb else None

    def visit_lines(self, o: OrderView) -> list[str]:
        lines = []
        if o.visit_at is not None:
            lines.append(_("Visit: {time}").format(time=fmt_datetime(o.visit_at, self.tz)))
        if o.checked_in_at is not None:
            lines.append(_("On site since: {time}").format(
                time=fmt_datetime(o.checked_in_at, self.tz)))
        return lines

    # --- what clients see ------------------------------------------------------------------

    def client_order_line(self, o: OrderView) -> str:
        return _("#{number} {service} — {status}").format(
            number=o.id, service=q(self.service(o.service)), status=self.status(o.status))

    def master_card(self, m: MasterView) -> tuple[str, InlineKeyboardMarkup | None]:
        status = {"pending": _("Waiting for verification"), "approved": _("Approved ✅"),
                  "rejected": _("Rejected")}.get(m.status, m.status)
        text = "\n".join([
            _("<b>Master application</b>"),
            _("Name: {name}").format(name=q(m.name)),
            _("Phone: {phone}").format(phone=q(m.phone)),
            _("Services: {services}").format(
                services=", ".join(q(self.service(c)) for c in m.services)),
            _("Status: <b>{status}</b>").format(status=status),
        ])
        if m.status != "pending":
            return text, None
        kb = [[button(_("✅ Approve"), "mapp", m.id), button(_("❌ Reject"), "mrej", m.id)]]
        return text, InlineKeyboardMarkup(inline_keyboard=kb)
