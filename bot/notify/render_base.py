"""What every text about an order is made of: services, money, times, places, statuses,
the visit and the price lines — rendered for the current reader's locale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton
from babel import Locale

from bot.buttons.visits import answer_row
from bot.domain.geo import distance_m
from bot.domain.money import Currency, currency
from bot.domain.routes import Desks
from bot.domain.spoof import visible
from bot.domain.states import Status
from bot.domain.views import OrderView
from bot.domain.visits import MASTER, proposal_stamp
from bot.i18n import (
    N_,
    _,
    current_locale,
    fmt_date,
    fmt_datetime,
    fmt_day_slot,
    fmt_money,
    fmt_percent,
    fmt_slot,
    ngettext,
    pgettext,
    resolve_locale,
)
from bot.notify.fit import TOPIC_LIMIT, fit, mark
from bot.notify.markup import q
from bot.notify.names import (
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


def topic_link(chat_id: int, thread_id: int | None) -> str | None:
    """t.me/c/<id>/<thread> opens a topic of a private supergroup for its members."""
    internal = str(chat_id).removeprefix("-100")
    if thread_id is None or internal == str(chat_id):
        return None
    return f"https://t.me/c/{internal}/{thread_id}"


def order_link(desks: Desks, o: OrderView) -> str | None:
    """The order's topic, in the desk group it was routed to (DESK_ROUTES)."""
    chat = desks.chat_of(o.desk_chat_id)
    return topic_link(chat, o.topic_id) if chat is not None else None


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
class RenderBase:
    """Knows the catalogue and the money/time settings; the pieces every text is made of."""

    services: dict[str, dict[str, str]]
    currency: str
    tz: ZoneInfo
    districts: tuple[str, ...] = ()
    default_locale: str = "en"
    # The services' clock (Context.clock): what "now" is for overdue spans and warranties
    # (the sandbox moves it; build_app hands the Renderer the same clock).
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.clock()

    def local_now(self) -> datetime:
        """Now on the desk's wall clock: what a typed "today 15:00" is measured from."""
        return self.clock().astimezone(self.tz)

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
