"""The names a stored code is shown by, in the reader's language: an order's status, the
reasons chosen from a list (a rejection, a cancellation, a request, a claim's rejection), the
ways to pay, and the clock a deadline keeps. Marked with N_ and translated where shown."""

from __future__ import annotations

from bot.domain.states import Status
from bot.i18n import N_

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
# What a deadline's clock is about, in the desk's SLA notes and board.
SLA_WHAT = {
    "rework": N_("the rework after the client's claim"),
    "triage": N_("the order is waiting for a master"),
    "callback_reminder": N_("the master has not called the client yet"),
    "callback": N_("the master has not called the client"),
    "arrival": N_("the master has not checked in on site"),
    "completion": N_("the work is not completed"),
}
