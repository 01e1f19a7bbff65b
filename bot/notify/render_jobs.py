"""What a master sees of an order: the offer, the job and his list; the client's list line."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.buttons.field import FieldAction, field_button
from bot.buttons.jobs import JobAction, job_button
from bot.buttons.offers import offer_keyboard
from bot.buttons.relay import RelayAction, relay_button
from bot.buttons.visits import propose_button
from bot.domain.rules import clip
from bot.domain.states import TERMINAL, Status
from bot.domain.views import OrderView
from bot.domain.visits import MASTER
from bot.i18n import (
    _,
    fmt_datetime,
)
from bot.notify.markup import q
from bot.notify.names import (
    PAYMENT_NAMES,
)
from bot.notify.render_base import (
    NEXT_STEPS,
    OFFER_CLOSED,
    RenderBase,
    answer_rows,
)


class Jobs(RenderBase):
    def offer(self, o: OrderView) -> tuple[str, InlineKeyboardMarkup]:
        """An offer shows the district and the job, never the address or phone."""
        text = "\n".join([
            _("<b>New job offer: order #{number}</b>").format(number=o.id),
            _("Service: {service}").format(service=q(self.service(o.service))),
            _("Area: {area}").format(area=q(self.area(o))),
            _("When: {when}").format(when=self.when(o)),
            "",
            q(clip(o.description, 1500)),
            "",
            _("The address and the client's phone are shown after you accept."),
        ])
        if o.offer_expires_at is not None:
            text += "\n" + _("⌛ Please answer by {time}.").format(
                time=fmt_datetime(o.offer_expires_at, self.tz))
        return text, offer_keyboard(o.id)

    def offer_closed(self, order_id: int, reason: str) -> str:
        """An offer message once the offer has ended: why, and no buttons."""
        return _(OFFER_CLOSED.get(reason, OFFER_CLOSED["withdrawn"])).format(number=order_id)

    def job_stub(self, order_id: int) -> str:
        """What is left of a job message once the master has lost the job: no address, no
        phone, no buttons."""
        return _("Order #{number} is no longer yours.").format(number=order_id)

    def job(self, o: OrderView) -> tuple[str, InlineKeyboardMarkup | None]:
        """The job as its master sees it, with the client's address and phone. A blocked
        master is shown only the stub, whatever path asks for his job."""
        if o.master_blocked:
            return self.job_stub(o.id), None
        text = "\n".join([
            _("<b>Order #{number}</b> · {service}").format(number=o.id,
                                                           service=q(self.service(o.service))),
            _("Status: <b>{status}</b>").format(status=self.status(o.status)),
            _("Client: {name}, {phone}").format(name=q(o.client_name), phone=q(o.phone or "—")),
            _("Address: {address}").format(address=self.place(o)),
            _("When: {when}").format(when=self.when(o)),
            *self.visit_lines(o),
            _("Payment: {payment}").format(payment=_(PAYMENT_NAMES[o.payment])),
            *self.price_lines(o),
            "",
            q(clip(o.description, 1500)),
        ])
        if o.stopped:
            return text + "\n\n" + _("⛔ The client has stopped the job. Stop work and wait "
                                       "for the desk."), None
        steps = {
            Status.ASSIGNED: [field_button(_("📞 I have called the client"), FieldAction.CALLED,
                                           o.id)],
            Status.CONTACTED: [field_button(_("📅 Set the visit time"), FieldAction.SET_VISIT,
                                            o.id)],
            Status.SCHEDULED: [field_button(_("📍 I am on site"), FieldAction.ON_SITE, o.id),
                               propose_button(o.id)],
        }
        kb = [steps[o.status]] if o.status in steps else []
        kb += answer_rows(o, MASTER)
        kb += self.price_buttons(o)
        if o.status in (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE):
            kb.append([job_button(_("🏁 Done — file the report"), JobAction.DONE, o.id)])
            if o.request is None:
                kb.append([job_button(_("⏳ Ask for more time"), JobAction.EXTEND, o.id),
                           job_button(_("🙋 Ask to be released"), JobAction.RELEASE, o.id)])
        elif o.status == Status.AWAITING_CONFIRMATION:
            kb.append([job_button(_("🔑 Enter the client's code"), JobAction.CODE, o.id)])
        if o.status not in TERMINAL:
            kb.append([relay_button(_("💬 Write to the desk"), RelayAction.WRITE, o.id)])
        return text, InlineKeyboardMarkup(inline_keyboard=kb) if kb else None

    def next_step(self, o: OrderView) -> str:
        """What the master's job waits for, in a few words (his list of jobs)."""
        if o.stopped:
            return _("stopped by the client: wait for the desk")
        if o.status == Status.SCHEDULED and o.visit_at is not None:
            return _("be on site at {time}").format(time=fmt_datetime(o.visit_at, self.tz))
        return _(NEXT_STEPS[o.status]) if o.status in NEXT_STEPS else ""

    def job_line(self, o: OrderView) -> str:
        """A line of the master's list: the job, its state and his next step."""
        line = self.client_order_line(o)
        step = self.next_step(o)
        return f"{line}\n    ➡️ {step}" if step else line

    def client_order_line(self, o: OrderView) -> str:
        return _("#{number} {service} — {status}").format(
            number=o.id, service=q(self.service(o.service)), status=self.status(o.status))
