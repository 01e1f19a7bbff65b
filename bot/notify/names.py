"""The names a stored code is shown by, in the reader's language: an order's status, the
reasons chosen from a list (a rejection, a cancellation, a request, a claim's rejection), the
ways to pay, and a deadline's clock (what it waits for, what is late when it runs out).
Marked with N_ and translated where shown."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.deadlines import Kind
from bot.domain.order_request import Payment
from bot.domain.states import Status
from bot.i18n import N_, _

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
PAYMENT_NAMES: dict[str, str] = {
    Payment.CASH: N_("Cash after completion"),
    Payment.CARD: N_("Card after completion"),
    Payment.TRANSFER: N_("Bank transfer after completion"),
}
MASTER_REJECT_REASON_NAMES = {
    "documents": N_("The documents are missing or unreadable"),
    "legal_form": N_("Not self-employed or a sole trader"),
    "tax_id": N_("The tax id could not be verified"),
    "experience": N_("Not enough experience for these services"),
    "other": N_("Another reason"),
}
CLAIM_REJECT_NAMES = {
    "not_covered": N_("Not covered by the warranty"),
    "misuse": N_("The damage comes from improper use"),
    "no_defect": N_("No defect in the work was found"),
    "other": N_("Another reason"),
}


@dataclass(frozen=True)
class ClockNames:
    """A deadline kind's names: what its clock waits for (the board's timelines and figures)
    and, for the clocks the desk's SLA watches (bot.domain.deadlines.SLA_WHEN_FIRED), what is
    late when it runs out (the desk's SLA notes, /sla and the board's Now)."""

    due: str
    late: str = ""


# Every kind of bot.domain.deadlines.Kind, keyed by its member (a stored code looks it up).
CLOCK_NAMES: dict[str, ClockNames] = {
    Kind.TRIAGE: ClockNames(N_("the desk takes up the order"),
                            N_("the order is waiting for a master")),
    Kind.OFFER: ClockNames(N_("the offer runs out")),
    Kind.CALLBACK_REMINDER: ClockNames(N_("reminder to call the client"),
                                       N_("the master has not called the client yet")),
    Kind.CALLBACK: ClockNames(N_("the master calls the client"),
                              N_("the master has not called the client")),
    Kind.VISIT_REMINDER: ClockNames(N_("reminder of the visit")),
    Kind.ARRIVAL: ClockNames(N_("the master arrives"),
                             N_("the master has not checked in on site")),
    Kind.COMPLETION: ClockNames(N_("the work is done"), N_("the work is not completed")),
    Kind.CONFIRMATION: ClockNames(N_("the client confirms")),
    Kind.REVIEW: ClockNames(N_("the client is asked for a review")),
    Kind.WARRANTY_END: ClockNames(N_("the warranty ends")),
    Kind.REWORK: ClockNames(N_("the rework is done"), N_("the rework after the client's claim")),
}


def clock_name(kind: str) -> str:
    """What a clock of this kind waits for, translated; a kind not named shows its code."""
    return _(CLOCK_NAMES[kind].due) if kind in CLOCK_NAMES else kind


def late_name(kind: str) -> str:
    """What is late when a clock of this kind runs out, translated; "" where the SLA does not
    watch it."""
    late = CLOCK_NAMES[kind].late if kind in CLOCK_NAMES else ""
    return _(late) if late else ""
