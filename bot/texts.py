"""User-facing texts for the message keys that rules raise (bot/domain/errors.py)."""

from __future__ import annotations

from bot.domain.errors import DomainError
from bot.i18n import N_, _

GENERIC = N_("Something went wrong. Please try again.")
ERRORS = {
    "error.generic": GENERIC,
    "error.not_allowed": N_("You cannot do this."),
    "error.not_found": N_("This order was not found."),
    "error.wrong_state": N_("This action does not fit the order's current state."),
    "error.conflict": N_("The order has just changed. Please look at it again."),
    "error.invalid_input": N_("This does not look right. Please try again."),
    "error.price_format": N_("Enter the price as a positive number, for example 2500 or "
                             "1 250.50."),
    "error.date_format": N_("Type the date as DD.MM, for example 25.12."),
    "error.date_range": N_("Choose a date from tomorrow up to 60 days ahead."),
    "error.draft_incomplete": N_("Some details are missing. Please complete the order first."),
    "error.service_unknown": N_("This service is not available. Please choose another one."),
    "error.master_unavailable": N_("This master cannot take the order (not verified, blocked or "
                                   "not doing this service)."),
    "error.report_needs_photo": N_("Send at least one photo of the finished work."),
    "error.code_locked": N_("Confirmation is locked after too many wrong codes. The desk has "
                            "been alerted and will contact you."),
    "error.name_length": N_("Enter a name from 2 to 128 characters."),
    "error.services_empty": N_("Choose at least one service."),
    "error.master_exists": N_("You have already applied. The desk will contact you."),
    "error.already_decided": N_("This application has already been decided."),
    "error.desk_only": N_("Only desk members can do this."),
    "error.outdated": N_("This button is outdated."),
    "error.visit_format": N_("Type the visit time as HH:MM for today or DD.MM HH:MM, for "
                             "example 25.12 14:30."),
    "error.visit_range": N_("The visit must be in the future and within 30 days."),
    "error.request_open": N_("You already have a request open on this order; the desk will "
                             "answer it."),
    "error.job_stopped": N_("The client has stopped this job. Wait for the desk."),
    "error.already_stopped": N_("The job is already stopped; the desk has been alerted."),
}


def generic_error() -> str:
    return _(GENERIC)


def error_text(exc: DomainError) -> str:
    return _(ERRORS.get(exc.key, ERRORS["error.generic"]))
