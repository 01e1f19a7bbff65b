"""The desk's order card: its text, its buttons and its claim lines."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.buttons.base import rows
from bot.buttons.desk import DeskAction, desk_button, hours_button, release_button
from bot.domain.complaints import REWORK_HOURS
from bot.domain.reviews import stars_line
from bot.domain.rules import clip
from bot.domain.states import Action, Role, Status, actions_for
from bot.domain.views import OrderView
from bot.i18n import (
    N_,
    _,
    fmt_datetime,
    pgettext,
)
from bot.notify.markup import q
from bot.notify.names import (
    CANCEL_REASON_NAMES,
    CLAIM_REJECT_NAMES,
    EXTENSION_REASON_NAMES,
    PAYMENT_NAMES,
    REJECT_REASON_NAMES,
    RELEASE_REASON_NAMES,
)
from bot.notify.render_base import (
    CARD_DESCRIPTION,
    RenderBase,
)


class DeskCards(RenderBase):
    def card(self, o: OrderView) -> tuple[str, InlineKeyboardMarkup | None]:
        return "\n".join(self._card_facts(o)), self.card_keyboard(o)

    def _card_facts(self, o: OrderView) -> list[str]:
        """Who, what, where and when, the people on it and how it ended."""
        lines = [
            _("<b>Order #{number}</b> · {service}").format(number=o.id,
                                                           service=q(self.service(o.service))),
            _("Status: <b>{status}</b>").format(status=self.status(o.status)),
            "",
            _("Client: {name}, {phone}").format(name=q(o.client_name), phone=q(o.phone or "—")),
            _("Address: {address}").format(address=self.place(o)),
            _("When: {when}").format(when=self.when(o)),
            _("Payment: {payment}").format(payment=_(PAYMENT_NAMES[o.payment])),
        ]
        if o.photos:
            lines.append(_("Photos: {count}").format(count=len(o.photos)))
        if o.district:
            lines.append(_("District: {district}").format(district=q(o.district)))
        if o.master_name:
            lines.append(_("Master: {name}").format(name=q(o.master_name)))
        if o.offered_master_name:
            lines.append(_("Offered to: {name}, until {time}").format(
                name=q(o.offered_master_name),
                time=fmt_datetime(o.offer_expires_at, self.tz) if o.offer_expires_at else "—"))
        if o.master_name or o.offered_master_name:
            lines.append(_("Languages: client {client} · master {master}").format(
                client=self.language(o.client_locale), master=self.language(o.master_locale)))
        else:
            lines.append(_("Language of the client: {client}").format(
                client=self.language(o.client_locale)))
        if o.master_blocked:
            lines.append(_("🚫 The master is blocked: reassign the job"))
        if o.auto_offer:
            lines.append(_("🤖 Auto: offers go down the candidate list"))
        if o.final_price is not None:
            lines.append(_("Final price: {price}").format(price=self.money(o.final_price)))
        if o.status == Status.REJECTED and o.reason in REJECT_REASON_NAMES:
            lines.append(_("Reason: {reason}").format(reason=_(REJECT_REASON_NAMES[o.reason])))
        if o.status == Status.CANCELLED and o.reason in CANCEL_REASON_NAMES:
            lines.append(_("Reason: {reason}").format(reason=_(CANCEL_REASON_NAMES[o.reason])))
        return lines + self._card_progress(o)

    def _card_progress(self, o: OrderView) -> list[str]:
        """The card's lines about the work done and asked for, then the description."""
        lines = self.visit_lines(o)
        lines += self.price_lines(o)
        if o.code_locked:
            lines.append(_("⚠️ Confirmation locked after too many wrong codes"))
        if o.review_stars is not None:
            lines.append(_("Review: {stars} {comment}").format(
                stars=stars_line(o.review_stars),
                comment=q(clip(o.review_comment or "", 300))).rstrip())
        lines += self.claim_lines(o)
        if o.client_stars is not None:
            lines.append(_("The master rated the client: {stars}").format(
                stars=stars_line(o.client_stars)))
        if o.stopped:
            lines.append(_("⛔ STOPPED BY THE CLIENT — the clocks are on hold"))
        if o.request == "extension":
            lines.append(_("⏳ The master asks for more time: {reason}").format(
                reason=_(EXTENSION_REASON_NAMES.get(o.request_reason or "", "Weather"))))
        elif o.request == "release":
            lines.append(_("🙋 The master asks to be released: {reason}").format(
                reason=_(RELEASE_REASON_NAMES.get(o.request_reason or "", "Another reason"))))
        # The description is kept short on the card; when the whole still passes 4096 (many
        # extras, long names), bot/notify/fit.py shortens the longest user parts first.
        return [*lines, "", q(clip(o.description, CARD_DESCRIPTION))]

    def card_keyboard(self, o: OrderView) -> InlineKeyboardMarkup | None:
        allowed = set(actions_for(o.status, Role.MANAGER))
        buttons = []
        if Action.OFFER in allowed:
            buttons.append(desk_button(_("👷 Assign"), DeskAction.ASSIGN_MENU, o.id))
            buttons.append(desk_button(_("🤖 Auto"), DeskAction.AUTO, o.id))
        if Action.REJECT in allowed:
            buttons.append(desk_button(pgettext("the desk refuses a new order", "⛔ Reject"),
                                       DeskAction.REJECT_MENU, o.id))
        if Action.WITHDRAW in allowed:
            buttons.append(desk_button(_("↩️ Withdraw the offer"), DeskAction.WITHDRAW, o.id))
        if o.status == Status.AWAITING_CONFIRMATION and o.code_locked:
            buttons.append(desk_button(_("🔑 Send a new code"), DeskAction.NEW_CODE, o.id))
        if o.stopped:
            buttons.append(desk_button(_("▶️ Resume the job"), DeskAction.RESUME, o.id))
        if Action.RESOLVE in allowed:  # a warranty claim waits for the desk (SPEC §2.7)
            buttons += [hours_button(_("🔧 Rework in {hours} h").format(hours=h),
                                     DeskAction.REWORK, o.id, h)
                        for h in REWORK_HOURS]
            buttons += [desk_button(_("💸 Partial refund"), DeskAction.REFUND, o.id),
                        desk_button(_("✖️ Reject the claim"), DeskAction.REJECT_CLAIM_MENU, o.id)]
        if o.status == Status.COMPLETED and o.rework_due is not None:
            buttons.append(desk_button(_("✅ Rework done"), DeskAction.REWORK_DONE, o.id))
        if o.master_blocked and Action.RELEASE in allowed:
            buttons.append(desk_button(_("🔁 Take the job away"), DeskAction.TAKE_AWAY, o.id))
        if o.request == "extension":
            buttons += [hours_button(_("⏳ +{hours} h").format(hours=h), DeskAction.EXTEND,
                                     o.id, h)
                        for h in (24, 48, 72)]
            buttons.append(hours_button(_("✋ Refuse more time"), DeskAction.EXTEND, o.id, 0))
        elif o.request == "release":
            buttons += [release_button(_("🙋 Release the master"), o.id, True),
                        release_button(_("✋ Keep the master"), o.id, False)]
        if Action.CANCEL in allowed:
            buttons.append(desk_button(_("✖️ Cancel the order"), DeskAction.CANCEL_MENU, o.id))
        return InlineKeyboardMarkup(inline_keyboard=rows(*buttons)) if buttons else None

    def claim_lines(self, o: OrderView) -> list[str]:
        lines = []
        if o.complaint:
            lines.append(_("⚠️ Claim: {text}").format(text=q(clip(o.complaint, 500))))
            if o.complaint_photos:
                lines.append(_("Photos of the problem: {count}").format(
                    count=len(o.complaint_photos)))
        if o.resolution == "rework" and o.rework_due is not None:
            lines.append(_("🔧 Rework due {time}").format(time=fmt_datetime(o.rework_due,
                                                                           self.tz)))
        elif o.resolution == "refund" and o.refund is not None:
            lines.append(_("💸 Partial refund: {amount}").format(amount=self.money(o.refund)))
        elif o.resolution == "rejected":
            lines.append(_("The claim was rejected: {reason}").format(reason=_(
                CLAIM_REJECT_NAMES.get(o.resolution_note or "", N_("Another reason")))))
        return lines
