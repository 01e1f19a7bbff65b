"""Texts and keyboards shown about an order, rendered for one reader's locale.

Everything typed by a user passes through `q()` (HTML escaping) here, at render time, marked as
a user part: bot/notify/fit.py shortens those parts, longest first, so that every text fits
Telegram's limits when it is sent, and Telegram never answers 400 to our rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from babel import Locale

from bot.buttons.applications import MasterCardAction, master_button
from bot.buttons.base import rows
from bot.buttons.desk import DeskAction, desk_button, hours_button, release_button
from bot.buttons.jobs import JobAction, job_button
from bot.buttons.offers import offer_keyboard
from bot.buttons.relay import RelayAction, relay_button
from bot.buttons.visits import answer_row, propose_button
from bot.domain.complaints import REWORK_HOURS
from bot.domain.files import parse_ref
from bot.domain.geo import distance_m
from bot.domain.masters import Candidate, Discipline
from bot.domain.money import Currency, currency
from bot.domain.reviews import stars_line
from bot.domain.rules import clip
from bot.domain.spoof import visible
from bot.domain.states import TERMINAL, Action, Role, Status, actions_for
from bot.domain.views import MasterStats, MasterView, OrderView
from bot.domain.visits import MASTER, proposal_stamp
from bot.i18n import (
    N_,
    _,
    current_locale,
    fmt_date,
    fmt_datetime,
    fmt_day_slot,
    fmt_decimal,
    fmt_money,
    fmt_percent,
    fmt_slot,
    ngettext,
    pgettext,
    resolve_locale,
)
from bot.notify.fit import TOPIC_LIMIT, fit, fit_list, mark
from bot.notify.markup import button, q
from bot.notify.names import (
    CANCEL_REASON_NAMES,
    CLAIM_REJECT_NAMES,
    EXTENSION_REASON_NAMES,
    MASTER_REJECT_REASON_NAMES,
    PAYMENT_NAMES,
    REJECT_REASON_NAMES,
    RELEASE_REASON_NAMES,
    STATUS_NAMES,
)
from bot.notify.prices import price_buttons, price_lines

CARD_DESCRIPTION = 1200  # the card keeps room for the rest of its lines
CANDIDATE_LINE = 400  # a candidate's line: his name gives way first
FILE_NAME_LIMIT = 60  # a line of the master's card per file

SLA_MARKS = {"risk": "🟡 ", "breach": "🔴 "}
# The master's next step on a job, for his list of jobs.
NEXT_STEPS = {
    Status.ASSIGNED: N_("call the client"),
    Status.CONTACTED: N_("agree on the visit time"),
    Status.SCHEDULED: N_("go to the client at the agreed time"),
    Status.ON_SITE: N_("finish the work and file the report"),
    Status.AWAITING_CONFIRMATION: N_("enter the client's confirmation code"),
    Status.DISPUTED: N_("the client's claim is with the desk; wait for its decision"),
}
# What an ended offer's message says instead of the offer (its buttons go).
OFFER_CLOSED = {
    "expired": N_("⌛ The offer for order #{number} has expired."),
    "withdrawn": N_("The offer for order #{number} was withdrawn by the desk."),
    "cancelled": N_("Order #{number} was cancelled: this offer is closed."),
    "declined": N_("You declined order #{number}."),
    "accepted": N_("You accepted order #{number}: find it in «My jobs»."),
}


def day_slot(day: date, code: str | None) -> str:
    """A visit day and its slot, joined the way the reader's locale joins a date and a time."""
    if not code:
        return fmt_date(day)
    start, end = (int(h) for h in code.split("-"))
    return fmt_day_slot(day, time(start), time(end))


def legal_form_name(code: str | None) -> str:
    """A legal form in the reader's market terms: the catalogues name the local forms under
    this context (pl "Jednoosobowa działalność gospodarcza (JDG)", cs "Živnostník (OSVČ)")."""
    names = {"self_employed": pgettext("legal form", "Self-employed"),
             "sole_trader": pgettext("legal form", "Sole trader")}
    return names.get(code or "", "—")


def slot_name(code: str | None) -> str:
    """A slot code ("09-12") as the reader's locale writes a time range."""
    if not code:
        return ""
    start, end = (int(h) for h in code.split("-"))
    return fmt_slot(time(start), time(end))


def and_more(n: int) -> str:
    """The last line of a list cut to fit one message."""
    return ngettext("… and {n} more", "… and {n} more", n).format(n=n)


def answer_rows(o: OrderView, side: str) -> list[list[InlineKeyboardButton]]:
    """Accept / Keep for the open visit proposal, drawn only for the side that did not make
    it; they carry the proposal's version, so they never answer a later one."""
    if (o.status != Status.SCHEDULED or o.stopped or o.proposed_visit_at is None
            or o.proposed_by in (None, side)):
        return []
    stamp = proposal_stamp(o.proposed_visit_at)
    return [answer_row(o.id, stamp)]


@dataclass
class Renderer:
    """Knows the catalogue and the money/time settings; renders for the current locale."""

    services: dict[str, dict[str, str]]
    currency: str
    tz: ZoneInfo
    districts: tuple[str, ...] = ()
    default_locale: str = "en"

    def language(self, code: str | None) -> str:
        """The language the bot writes to someone in, named in the reader's language (the
        desk reads "Chinese", not 中文)."""
        return Locale.parse(resolve_locale(code, code, self.default_locale)).get_display_name(
            current_locale()) or ""

    def service(self, code: str) -> str:
        names = self.services.get(code, {})
        return names.get(current_locale()) or names.get("en") or code

    @property
    def cur(self) -> Currency:
        return currency(self.currency)

    def money(self, minor: int) -> str:
        """An amount stored in minor units, for the current locale."""
        return fmt_money(minor, self.cur)

    def when(self, o: OrderView) -> str:
        return self.wish(o.urgent, o.surcharge_percent, o.visit_date, o.visit_slot)

    @staticmethod
    def wish(urgent: bool, percent: int, day: date | None, slot: str | None) -> str:
        """The time the client asked for (before a visit is agreed)."""
        if urgent:
            return _("Urgent — within 24 hours (+{percent})").format(
                percent=fmt_percent(percent))
        if day is None:
            return "—"
        return day_slot(day, slot)

    def place(self, o: OrderView) -> str:
        return self.place_of(o.address, o.latitude, o.longitude)

    @staticmethod
    def place_of(address: str | None, lat: float | None, lon: float | None) -> str:
        """The address, escaped, or the shared point (HTML)."""
        if address:
            return q(address)
        if lat is None:  # erased at the client's request (/privacy)
            return "—"
        return _("Location on the map ({lat:.5f}, {lon:.5f})").format(
            lat=lat or 0.0, lon=lon or 0.0)

    def status(self, status: Status) -> str:
        return _(STATUS_NAMES[status])

    def area(self, o: OrderView) -> str:
        """The coarse place of the order (district, town or a ~1 km point; SPEC §6): never the
        street. Plain text: the caller escapes it where the output is HTML."""
        return o.area or _("area not given")

    def topic_name(self, o: OrderView) -> str:
        """`#12 Plumbing — Moscow`, marked 🟡 at risk or 🔴 breached, so the desk sees the
        SLA state in the topic list. Plain text (no escaping), at most 128 characters."""
        sla = SLA_MARKS.get(o.sla_state, "")
        area = visible(self.area(o))
        return fit(visible(f"{sla}#{o.id} {self.service(o.service)} — ") + mark(area),
                   TOPIC_LIMIT, html=False)

    # --- the desk's order card -------------------------------------------------------------

    def card(self, o: OrderView) -> tuple[str, InlineKeyboardMarkup | None]:
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
        lines += self.visit_lines(o)
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
        lines += ["", q(clip(o.description, CARD_DESCRIPTION))]
        return "\n".join(lines), self.card_keyboard(o)

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

    # --- what masters see ------------------------------------------------------------------

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
            Status.ASSIGNED: [button(_("📞 I have called the client"), "cont", o.id)],
            Status.CONTACTED: [button(_("📅 Set the visit time"), "sched", o.id)],
            Status.SCHEDULED: [button(_("📍 I am on site"), "chk", o.id),
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

    def price_lines(self, o: OrderView) -> list[str]:
        return price_lines(self, o)

    def price_buttons(self, o: OrderView) -> list[list[InlineKeyboardButton]]:
        return price_buttons(o)

    def visit_lines(self, o: OrderView) -> list[str]:
        lines = []
        if o.visit_at is not None:
            lines.append(_("Visit: {time}").format(time=fmt_datetime(o.visit_at, self.tz)))
        if o.status == Status.SCHEDULED and o.proposed_visit_at is not None:
            when = fmt_datetime(o.proposed_visit_at, self.tz)
            lines.append(_("🔄 The master proposes {time} instead; waiting for the client.")
                         .format(time=when) if o.proposed_by == MASTER else
                         _("🔄 The client proposes {time} instead; waiting for the master.")
                         .format(time=when))
        if o.checked_in_at is not None:
            lines.append(_("On site since: {time}").format(
                time=fmt_datetime(o.checked_in_at, self.tz)))
            if o.checkin_lat is not None and o.checkin_lon is not None:
                if o.latitude is not None and o.longitude is not None:
                    metres = round(distance_m(o.latitude, o.longitude, o.checkin_lat,
                                              o.checkin_lon))
                    lines.append(_("📍 Checked in with a location, {metres} m from the "
                                   "client's point.").format(metres=metres))
                else:
                    lines.append(_("📍 Checked in with a location."))
        return lines

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

    # --- what clients see ------------------------------------------------------------------

    def client_order_line(self, o: OrderView) -> str:
        return _("#{number} {service} — {status}").format(
            number=o.id, service=q(self.service(o.service)), status=self.status(o.status))

    # --- masters ---------------------------------------------------------------------------

    def rating(self, rating: float | None, reviews: int) -> str:
        if rating is None or not reviews:
            return _("no reviews yet")
        return ngettext("★ {rating} from {n} review", "★ {rating} from {n} reviews",
                        reviews).format(rating=fmt_decimal(round(rating, 1)), n=reviews)

    def discipline(self, d: Discipline) -> str:
        if not d.total:
            return _("clean record")
        parts = []
        if d.late_callbacks:
            parts.append(ngettext("{n} late callback", "{n} late callbacks",
                                  d.late_callbacks).format(n=d.late_callbacks))
        if d.missed_arrivals:
            parts.append(ngettext("{n} missed arrival window", "{n} missed arrival windows",
                                  d.missed_arrivals).format(n=d.missed_arrivals))
        if d.releases:
            parts.append(ngettext("{n} release", "{n} releases", d.releases).format(
                n=d.releases))
        if d.declined:
            parts.append(ngettext("{n} declined or expired offer",
                                  "{n} declined or expired offers", d.declined).format(
                n=d.declined))
        return ", ".join(parts)

    def candidate_button(self, i: int, c: Candidate) -> str:
        """One short line on a button: number, name and the facts at a glance."""
        marks = [("🟢" if c.on_duty else "⚪")]
        if c.serves_district is not None:
            marks.append("📍" if c.serves_district else "✖📍")
        marks.append(f"⭐{fmt_decimal(round(c.rating, 1))}" if c.reviews else "⭐—")
        if c.discipline.total:
            marks.append(f"⚠️{c.discipline.total}")
        return f"{i}. {c.name} " + " ".join(marks)

    def candidate_line(self, i: int, c: Candidate, o: OrderView) -> str:
        """Why the candidate ranks where he does, in one line."""
        parts = []
        if c.serves_district is not None:
            parts.append(_("serves {district}").format(district=q(o.district or ""))
                         if c.serves_district else
                         _("does not serve {district}").format(district=q(o.district or "")))
        parts.append(_("on duty") if c.on_duty else _("off duty"))
        parts.append(ngettext("{n} job in work", "{n} jobs in work", c.load).format(n=c.load))
        if c.offered:
            parts.append(ngettext("{n} other offer waiting for his answer",
                                  "{n} other offers waiting for his answer", c.offered).format(
                n=c.offered))
        parts.append(self.rating(c.rating if c.reviews else None, c.reviews))
        parts.append(ngettext("{n} done in {service}", "{n} done in {service}",
                              c.jobs_done).format(n=c.jobs_done,
                                                  service=q(self.service(o.service))))
        parts.append(self.discipline(c.discipline))
        if c.tried:
            parts.append(_("already declined or let this offer expire"))
        return f"{i}. <b>{q(c.name)}</b> — " + " · ".join(parts)

    def candidates(self, o: OrderView, found: list[Candidate]) -> str:
        """Why each ranks where he does, as many as fit one message (by length, not count)."""
        return fit_list(
            _("<b>Candidates for order #{number}</b>, best first:").format(number=o.id),
            [self.candidate_line(i, c, o) for i, c in enumerate(found[:20], 1)],
            "\n" + _("🤖 Auto offers to the best one on duty; when an offer expires or is "
                     "declined, the next one gets it."),
            more=and_more, item_limit=CANDIDATE_LINE)

    def master_public(self, name: str, verified: bool, rating: float | None, reviews: int,
                      jobs: int) -> str:
        """What the client sees of the master who comes to the door [H, Q]."""
        badge = " ✅ " + _("verified") if verified else ""
        return "\n".join([
            _("Master: <b>{name}</b>").format(name=q(name)) + badge,
            _("Rating: {rating}").format(rating=self.rating(rating, reviews)),
            ngettext("{n} job done on the platform", "{n} jobs done on the platform",
                     jobs).format(n=jobs),
        ])

    def master_lines(self, m: MasterView) -> list[str]:
        return [
            _("Name: {name}").format(name=q(m.name)) + (" ✅" if m.verified else ""),
            _("Phone: {phone}").format(phone=q(m.phone)),
            _("Legal form: {form}").format(form=legal_form_name(m.legal_form)),
            _("Tax id: {tax_id}").format(tax_id=q(m.tax_id or "—")),
            _("Services: {services}").format(
                services=", ".join(q(self.service(c)) for c in m.services)),
            *([_("Districts: {districts}").format(districts=q(", ".join(m.districts)))]
              if self.districts else []),
        ]

    def master_card(self, m: MasterView, stats: MasterStats | None = None,
                    record: Discipline | None = None) -> tuple[str, InlineKeyboardMarkup | None]:
        """The desk's card of a master: the application, then his register entry."""
        status = {"pending": _("Waiting for verification"), "approved": _("Approved ✅"),
                  "rejected": _("Rejected"),
                  "erased": _("Data erased at the person's request")}.get(m.status, m.status)
        lines = [_("<b>Master #{number}</b>").format(number=m.id), *self.master_lines(m),
                 ngettext("Documents: {n} file", "Documents: {n} files",
                          len(m.documents)).format(n=len(m.documents)),
                 *self.document_lines(m.documents),
                 _("Status: <b>{status}</b>").format(status=status)]
        if m.status == "rejected" and m.reject_reason:
            lines.append(_("Reason: {reason}").format(
                reason=_(MASTER_REJECT_REASON_NAMES.get(m.reject_reason, N_("Another reason")))))
        if m.status == "approved":
            lines.append(_("On duty") if m.on_duty else _("Off duty"))
        if stats is not None:
            lines.append(_("Rating: {rating}").format(rating=self.rating(stats.rating,
                                                                         stats.reviews)))
            lines.append(ngettext("{n} job done", "{n} jobs done", stats.jobs_done).format(
                n=stats.jobs_done))
        if record is not None:
            lines.append(_("Discipline: {record}").format(record=self.discipline(record)))
        if m.blocked:
            lines.append(_("🚫 Blocked: {reason}").format(reason=q(m.block_reason or "")))
        if m.question:
            lines.append(_("❓ Desk asked: {question}").format(question=q(m.question)))
            lines.append(_("✍️ Answer: {answer}").format(answer=q(m.answer)) if m.answer
                         else _("✍️ No answer yet"))
        kb: list[InlineKeyboardButton] = []
        if m.status == "pending":
            kb = [master_button(_("✅ Approve"), MasterCardAction.APPROVE, m.id),
                  master_button(pgettext("the desk refuses a master's application", "❌ Reject"),
                                MasterCardAction.REJECT_MENU, m.id),
                  master_button(_("❓ Ask for more"), MasterCardAction.ASK, m.id)]
        elif m.status == "approved":
            kb = [master_button(_("✅ Unblock"), MasterCardAction.UNBLOCK, m.id) if m.blocked
                  else master_button(_("🚫 Block"), MasterCardAction.BLOCK, m.id)]
        kb.append(master_button(_("📎 Documents"), MasterCardAction.DOCUMENTS, m.id))
        return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows(*kb))

    def document_lines(self, documents: tuple[str, ...]) -> list[str]:
        """One line per file, so the desk sees what it is about to open [R §4]: a document's
        name and type as they arrived (escaped: the applicant chose them)."""
        lines = []
        for ref in documents:
            f = parse_ref(ref)
            if f.kind == "photo":
                lines.append(_("• 🖼 photo"))
            else:
                lines.append(_("• 📄 {name} ({type})").format(
                    name=q(clip(f.name or "?", FILE_NAME_LIMIT)), type=q(f.mime or "?")))
        return lines

    def profile(self, m: MasterView, stats: MasterStats,
                record: Discipline) -> tuple[str, InlineKeyboardMarkup]:
        """The master's own profile, with the switches he may change himself."""
        lines = [_("<b>Your profile</b>"), *self.master_lines(m),
                 _("Photo: {state}").format(state=_("set") if m.photo else _("none")),
                 _("Rating: {rating}").format(rating=self.rating(stats.rating, stats.reviews)),
                 ngettext("{n} job done", "{n} jobs done", stats.jobs_done).format(
                     n=stats.jobs_done),
                 _("Discipline: {record}").format(record=self.discipline(record)), "",
                 _("🟢 You are on duty: you receive job offers.") if m.on_duty else
                 _("⚪ You are off duty: no new offers until you switch back.")]
        if m.blocked:
            lines.append(_("🚫 Your account is blocked: {reason}").format(
                reason=q(m.block_reason or "")))
        kb = [button(_("⚪ Go off duty") if m.on_duty else _("🟢 Go on duty"), "pduty",
                     x=0 if m.on_duty else 1),
              button(_("🛠 Services"), "psvc"), button(_("📷 Photo"), "pphoto")]
        if self.districts:
            kb.insert(2, button(_("📍 Districts"), "pdist"))
        return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows(*kb))
