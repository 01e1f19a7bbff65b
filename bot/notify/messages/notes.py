"""The desk's notes in an order's topic (the event DeskNote), by note."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.domain.views import OrderView
from bot.domain.visits import MASTER
from bot.events import DeskNote
from bot.i18n import _, fmt_datetime
from bot.notify.markup import q
from bot.notify.messages.base import needed
from bot.notify.names import EXTENSION_REASON_NAMES, RELEASE_REASON_NAMES

Note = Callable[[OrderView, DeskNote, ZoneInfo], str]


def _checkin_where(n: DeskNote) -> str:
    if not n.located:
        return _("No location shared (checked in with the button).")
    if n.distance is None:
        return _("Location shared; the order has no point on the map to compare it with.")
    return _("Location shared: {metres} m from the client's point.").format(
        metres=n.distance)


def _at(n: DeskNote, tz: ZoneInfo) -> str:
    return fmt_datetime(needed(n.at, "at"), tz)


def _offered(n: DeskNote, tz: ZoneInfo) -> str:
    master = q(n.master)
    if not n.expires:
        return (_("🤖 Auto: offered to {master}.") if n.auto
                else _("👷 Offered to {master}.")).format(master=master)
    until = fmt_datetime(n.expires, tz)
    return (_("🤖 Auto: offered to {master}; the offer expires at {time}.") if n.auto
            else _("👷 Offered to {master}; the offer expires at {time}.")).format(
        master=master, time=until)


DESK_NOTES: dict[str, Note] = {
    "contacted": lambda o, n, tz: _("📞 The master has called the client."),
    "scheduled": lambda o, n, tz: _("📅 Visit agreed for {time}.").format(
        time=fmt_datetime(o.visit_at, tz) if o.visit_at else "—"),
    "on_site": lambda o, n, tz: _("📍 The master checked in on site ({minutes} min from the "
                                  "agreed time).").format(minutes=n.minutes)
    + "\n" + _checkin_where(n),
    "on_site_outside": lambda o, n, tz: _("⚠️ The master checked in outside the ±1 h window: "
                                          "{minutes} min from the agreed time.").format(
        minutes=n.minutes) + "\n" + _checkin_where(n),
    "visit_proposed": lambda o, n, tz: (
        _("🔄 The master proposes to move the visit to {time}; waiting for the client.")
        if n.by == MASTER else
        _("🔄 The client proposes to move the visit to {time}; waiting for the master.")
    ).format(time=_at(n, tz)),
    "visit_moved": lambda o, n, tz: _("📅 Both sides agreed: the visit moves to {time}.").format(
        time=_at(n, tz)),
    "visit_declined": lambda o, n, tz: (
        _("↩️ The client kept the agreed time; the master's proposal of {time} is dropped.")
        if n.by == MASTER else
        _("↩️ The master kept the agreed time; the client's proposal of {time} is dropped.")
    ).format(time=_at(n, tz)),
    "ask_extension": lambda o, n, tz: _("⏳ The master asks for more time: {reason}. Decide on "
                                        "the card.").format(
        reason=_(EXTENSION_REASON_NAMES.get(n.reason, "Weather"))),
    "ask_release": lambda o, n, tz: _("🙋 The master asks to be released: {reason}. Decide on "
                                      "the card.").format(
        reason=_(RELEASE_REASON_NAMES.get(n.reason, "Another reason"))),
    "accepted": lambda o, n, tz: _("🎉 The client accepted the work: the order is completed."),
    "claim": lambda o, n, tz: _("⚠️ Warranty claim from the client: {text}\nDecide on the "
                                "card: a rework by a deadline, a partial refund, or reject "
                                "it.").format(text=q(n.text)),
    "stopped": lambda o, n, tz: _("🚨 The client has STOPPED the job. The master has been told "
                                  "to stop; the clocks are on hold. Resume or cancel the "
                                  "order."),

    "assigned": lambda o, n, tz: _("✅ {master} accepted the order.").format(
        master=q(o.master_name)),
    "auto_offered": lambda o, n, tz: _("🤖 Auto: offered to {master}.").format(  # older rows
        master=q(n.master)),
    "offered": lambda o, n, tz: _offered(n, tz),
    "auto_exhausted": lambda o, n, tz: _("🤖 Auto stopped: no candidate is left (all "
                                         "declined, let the offer expire, or are off duty). "
                                         "The order is back at the desk."),
    "offer_blocked": lambda o, n, tz: _("🚫 The offered master was blocked; the offer is "
                                        "taken back. Choose another master."),
    "master_blocked": lambda o, n, tz: _("🚫 The master of this order was blocked and cannot "
                                         "act on it. Take the job away and reassign it."),
    "declined": lambda o, n, tz: _("❌ The master declined the offer. Choose another one."),
    "reported": lambda o, n, tz: _("🏁 The master filed the completion report; the client got "
                                   "the confirmation code."),
    "completed": lambda o, n, tz: _("🎉 The order is completed: the client's code was "
                                    "confirmed."),
    "code_locked": lambda o, n, tz: _("🚨 Too many wrong confirmation codes: the order is "
                                      "locked. Check with the client and send a new code."),
}
