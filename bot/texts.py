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
    "error.date_format": N_("Type the day and the month, for example {example}."),
    "error.date_range": N_("Choose a date from tomorrow up to 60 days ahead."),
    "error.draft_incomplete": N_("Some details are missing. Please complete the order first."),
    "error.service_unknown": N_("This service is not available. Please choose another one."),
    "error.own_order": N_("This is your own order: you cannot take it or act on it as its "
                          "master."),
    "error.master_is_client": N_("This master is the client of this order and cannot take "
                                 "it."),
    "error.master_unavailable": N_("This master cannot take the order (not verified, blocked or "
                                   "not doing this service)."),
    "error.report_needs_photo": N_("Send at least one photo of the finished work."),
    "error.code_format": N_("Type the {n}-digit code the client has received. Other messages "
                            "are not counted as attempts."),
    "error.code_locked": N_("Confirmation is locked after too many wrong codes. The desk has "
                            "been alerted and will contact you."),
    "error.name_length": N_("Enter a name from 2 to 128 characters."),
    "error.services_empty": N_("Choose at least one service."),
    "error.master_exists": N_("You have already applied. The desk will contact you."),
    "error.already_decided": N_("This application has already been decided."),
    "error.desk_only": N_("Only desk members can do this."),
    "error.outdated": N_("This button is outdated."),
    "error.visit_format": N_("Type a time for today, or a date and a time, for example "
                             "{example}."),
    "error.visit_range": N_("The visit must be in the future and within 30 days."),
    "error.request_open": N_("You already have a request open on this order; the desk will "
                             "answer it."),
    "error.job_stopped": N_("The client has stopped this job. Wait for the desk."),
    "error.legal_form": N_("Only the self-employed and sole traders can register as masters."),
    "error.tax_id": N_("This does not look like your tax id. Type it as registered, for "
                       "example {example}."),
    "error.districts_empty": N_("Choose at least one district."),
    "error.documents_empty": N_("Send at least one document (your passport)."),
    "error.documents_many": N_("That is the most documents one application can hold."),
    "error.file_type": N_("This file is not accepted: send a photo, or a PDF, JPEG or PNG "
                          "file."),
    "error.master_not_found": N_("This master was not found."),
    "error.not_a_master": N_("You are not a registered master. Apply with /become_master."),
    "error.question_empty": N_("Type the question as text."),
    "error.answer_empty": N_("Type an answer or send a file first."),
    "error.no_question": N_("The desk has no open question for you."),
    "error.block_reason": N_("Type the reason for blocking as text."),
    "error.block_usage": N_("Use: /block 12 reason for master #12 (the number on his card), "
                            "or /block client 34 reason for the client of order #34; "
                            "/unblock the same way without a reason."),
    "error.already_blocked": N_("This master is already blocked."),
    "error.not_blocked": N_("This master is not blocked."),
    "error.master_blocked": N_("Your master account is blocked: you cannot act on orders. "
                               "Contact the desk."),
    "error.master_not_blocked": N_("The master of this order is not blocked."),
    "error.no_candidates": N_("No candidate is available for Auto (on duty, serving the "
                              "district, not tried before). Choose a master by hand."),
    "error.review_reason": N_("Please tell us in a few words what went wrong: the desk will "
                              "look into it."),
    "error.review_text": N_("Type the comment as text."),
    "error.review_long": N_("The comment is too long: at most 1000 characters."),
    "error.already_reviewed": N_("This order already has your review. Thank you!"),
    "error.no_review": N_("This order has no review yet."),
    "error.review_usage": N_("Use: /review 12 the corrected text, with the order's number."),
    "error.already_rated": N_("You have already rated this client. Thank you!"),
    "error.cancel_too_late": N_("The master is already at work on this order, so it can no "
                                "longer be cancelled here. If something is wrong, press «⛔ "
                                "Stop the job»: the desk will contact you."),
    "error.relay_empty": N_("Type a message, or send a photo or a file."),
    "error.relay_closed": N_("This order is closed. For anything new, place a new order."),
    "error.relay_no_master": N_("This order has no master to write to (none assigned, or "
                                "blocked)."),
    "error.order_usage": N_("Use: /order 12, with the order's number."),
    "error.find_usage": N_("Use: /find and a number, a phone, a name or a part of the "
                           "address."),
    "error.no_warranty": N_("The warranty on this order has ended, so a claim cannot be made "
                            "here. Place a new order if you need the master again."),
    "error.claim_text": N_("Describe the problem in a few words (from 5 to 1500 characters)."),
    "error.claim_long": N_("The description is too long: at most 1500 characters."),
    "error.claim_photo": N_("Send at least one photo of the problem."),
    "error.refund_too_big": N_("A partial refund must be less than the price the client paid."),
    "error.client_blocked": N_("The desk has blocked new orders from your account. If you "
                               "think this is a mistake, write to the manager from one of "
                               "your orders."),
    "error.open_orders_cap": N_("You already have the maximum number of open orders ({n}). "
                                "Wait until one is finished, or cancel one, and then place "
                                "the new order."),
    "error.daily_orders_cap": N_("You have reached the daily limit of new orders ({n}). "
                                 "Please try again tomorrow."),
    "error.already_stopped": N_("The job is already stopped; the desk has been alerted."),
    "error.price_above_cap": N_("The final price cannot be more than the agreed price (the "
                                "accepted quote plus the approved extras). To charge more, "
                                "propose an extra and wait for the client's approval."),
    "error.warranty_range": N_("The warranty must be from {min} to {max} months for this "
                               "service."),
    "error.text_length": N_("Please type from 1 to {limit} characters."),
    "error.quote_accepted": N_("The client has already accepted a quote for this order. To "
                               "charge more, propose an extra."),
    "error.quote_needed": N_("Extras can be proposed only after the client has accepted a "
                             "quote."),
    "error.too_many_prices": N_("Too many price proposals on this order. Please contact the "
                                "desk."),
    "error.order_stopped": N_("This job is stopped. The desk will contact you first."),
    "error.price_withdrawn": N_("The master has replaced or withdrawn this proposal."),
    "error.price_decided": N_("You have already answered this."),
    "error.visit_propose": N_("The visit time is already agreed. To change it, propose "
                              "another time; the other side has to accept it."),
    "error.visit_same": N_("This is the time already agreed. Propose a different time."),
    "error.own_proposal": N_("This is your own proposal: the other side has to answer it."),
    "error.proposal_gone": N_("This proposal has already been answered or replaced."),
    "error.edit_closed": N_("The master is already at work on this order, so it can no longer "
                            "be changed here. If something is wrong, write to the manager "
                            "from the order."),
    "error.edit_same": N_("Nothing has changed: the order already says this."),
    "error.description_empty": N_("Please describe the problem in a few words first."),
    "error.description_long": N_("The description is too long: at most {n} characters."),
    "error.photos_many": N_("An order can hold at most {n} photos."),
    "error.address_length": N_("The address must be from 5 to {n} characters long, or a "
                               "shared location."),
    "error.slot_gone": N_("This time slot is no longer available."),
    "error.offer_expired": N_("This offer has expired: you did not answer it in time."),
    "error.offer_withdrawn": N_("The desk has taken this offer back."),
    "error.offer_cancelled": N_("This offer is closed: the order was cancelled."),
    "error.offer_declined": N_("You have declined this offer."),
    "error.offer_accepted": N_("You have already accepted this job: find it in «My jobs»."),
}


def generic_error() -> str:
    return _(GENERIC)


def error_text(exc: DomainError) -> str:
    text = _(ERRORS.get(exc.key, ERRORS["error.generic"]))
    if not exc.params:
        return text
    try:  # a rule's numbers ({min}, {limit}); a translation that lost one still reads
        return text.format(**exc.params)
    except (KeyError, IndexError, ValueError):
        return text
