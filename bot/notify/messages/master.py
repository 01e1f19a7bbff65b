"""What a master reads: offers, his jobs, the desk's decisions, his application."""

from __future__ import annotations

import bot.events as ev
from bot.domain.reviews import stars_line
from bot.i18n import _, fmt_datetime
from bot.notify import edits, prices
from bot.notify.keyboards import answer_question_keyboard, client_stars_keyboard
from bot.notify.markup import q
from bot.notify.messages.base import (
    Draft,
    Target,
    about_order,
    composes,
    for_master,
    needed,
    order_of,
)
from bot.notify.messages.client import price_item
from bot.notify.messages.shared import when
from bot.notify.names import MASTER_REJECT_REASON_NAMES
from bot.notify.render import Renderer


@composes(ev.OfferMade)
def _offer(e: ev.OfferMade, t: Target, r: Renderer) -> Draft:
    """Remembered like a job message: edited when the offer ends (or turned into the job)."""
    text, kb = r.offer(order_of(t))
    return Draft(text, kb, job=True)


@composes(ev.OfferClosed)
def _offer_closed(e: ev.OfferClosed, t: Target, r: Renderer) -> Draft:
    """Sent only when none of his offer messages could be edited to say so."""
    return Draft(r.offer_closed(order_of(t).id, str(e.reason)))


about_order(ev.OfferWithdrawn,
            lambda: _("The offer for order #{number} was withdrawn by the desk."))
about_order(ev.MasterOrderCancelled,
            lambda: _("Order #{number} was cancelled. Please do not go to the client."))


@composes(ev.MasterCodeReissued)
def _code_reissued(e: ev.MasterCodeReissued, t: Target, r: Renderer) -> Draft:
    o = order_of(t)
    return Draft(_("The client has a new confirmation code for order #{number}. "
                   "Ask for it and enter it here.").format(number=o.id),
                 r.job(o)[1] if for_master(t, o) else None)


@composes(ev.MasterDecision)
def _decision(e: ev.MasterDecision, t: Target, r: Renderer) -> Draft:
    if e.approved:
        return Draft(_("Your application is approved ✅ You are a verified master and will "
                       "now receive job offers. Your profile: /profile"))
    reason = _(MASTER_REJECT_REASON_NAMES.get(e.reason or "", "Another reason"))
    return Draft(_("Sorry, your application was not approved.\nReason: {reason}\nYou can "
                   "apply again with /become_master.").format(reason=reason))


@composes(ev.MasterQuestion)
def _question(e: ev.MasterQuestion, t: Target, r: Renderer) -> Draft:
    question = e.question or ""
    return Draft(_("❓ The desk has a question about your application:\n\n{question}\n\n"
                   "Press «Answer» and send your reply (text, photos or files).").format(
        question=q(question)), answer_question_keyboard())


@composes(ev.MasterBlocked)
def _blocked(e: ev.MasterBlocked, t: Target, r: Renderer) -> Draft:
    if e.blocked:
        return Draft(_("🚫 Your master account is blocked: you get no offers and cannot act "
                       "on jobs. Reason: {reason}").format(reason=q(e.reason or "")))
    return Draft(_("✅ Your master account is unblocked. You will receive offers again."))


@composes(ev.MasterRequestDecided)
def _request(e: ev.MasterRequestDecided, t: Target, r: Renderer) -> Draft:
    o = order_of(t)
    if e.request == "extension":
        if e.approved:
            return Draft(_("⏳ The desk gave you more time for order #{number}: finish by "
                           "{time}.").format(number=o.id, time=fmt_datetime(
                               needed(e.due, "due"), r.tz)))
        return Draft(_("The desk did not extend the time for order #{number}.").format(
            number=o.id))
    if e.approved:
        return Draft(_("🙋 The desk has released you from order #{number}. Please do not go to "
                       "the client.").format(number=o.id))
    return Draft(_("The desk asks you to stay on order #{number}.").format(number=o.id))


@composes(ev.MasterAccepted)
def _accepted(e: ev.MasterAccepted, t: Target, r: Renderer) -> Draft:
    o = order_of(t)
    return Draft(_("✅ The client has accepted the work on order #{number}. It is completed; "
                   "thank you!").format(number=o.id) + "\n\n" + _("How was the client? "
                                                                   "Rate them:"),
                 client_stars_keyboard(o.id))


about_order(ev.MasterStopped, lambda: _("⛔ The client has stopped the job on order #{number}. "
                                        "Stop work now and wait for the desk."))


def _with_job(head: str, t: Target, r: Renderer) -> Draft:
    """The head, then the job as it is now; only the stub once the job is not his."""
    o = order_of(t)
    if not for_master(t, o):
        return Draft(r.job_stub(o.id))
    text, kb = r.job(o)
    return Draft(head + "\n\n" + text, kb, job=True)


@composes(ev.MasterResumed)
def _resumed(e: ev.MasterResumed, t: Target, r: Renderer) -> Draft:
    return _with_job(_("▶️ The desk has resumed order #{number}. You may continue.").format(
        number=order_of(t).id), t, r)


@composes(ev.MasterJobBack)
def _job_back(e: ev.MasterJobBack, t: Target, r: Renderer) -> Draft:
    """Unblocked while the job is still his: his old job messages were stubbed."""
    return _with_job(_("✅ You can act on order #{number} again.").format(
        number=order_of(t).id), t, r)


@composes(ev.MasterOrderEdited)
def _order_edited(e: ev.MasterOrderEdited, t: Target, r: Renderer) -> Draft:
    """To the assigned master: what the client changed, then the job as it is now. Queued
    only once he had accepted; by delivery he may have lost the job."""
    return _with_job("\n".join([
        _("✏️ The client changed order #{number}:").format(number=order_of(t).id),
        *edits.change_lines(e)]), t, r)


@composes(ev.MasterReview)
def _review(e: ev.MasterReview, t: Target, r: Renderer) -> Draft:
    return Draft(_("The client rated your work on order #{number}: {stars}").format(
        number=order_of(t).id, stars=stars_line(int(e.stars)))
        + ("\n" + q(e.comment) if e.comment else ""))


@composes(ev.MasterClaim)
def _claim(e: ev.MasterClaim, t: Target, r: Renderer) -> Draft:
    return Draft(_("⚠️ The client of order #{number} reports a problem under the warranty: "
                   "{text}\nThe desk will decide and tell you.").format(
        number=order_of(t).id, text=q(e.text)))


@composes(ev.MasterPrice)
def _price(e: ev.MasterPrice, t: Target, r: Renderer) -> Draft:
    o, item = price_item(e.item_id, t)
    return Draft(prices.master_price(r, o, item), r.job(o)[1] if for_master(t, o) else None)


@composes(ev.MasterSla)
def _sla(e: ev.MasterSla, t: Target, r: Renderer) -> Draft:
    n, kind = order_of(t).id, e.clock
    if kind == "offer":
        return Draft(_("⌛ The offer for order #{number} has expired.").format(number=n))
    if kind == "callback_reminder":
        return Draft(_("⏰ Please call the client of order #{number}: the call is due by "
                       "{time}.").format(number=n, time=when(e, r)))
    if kind == "callback":
        return Draft(_("🔴 The call to the client of order #{number} is overdue. Call now; "
                       "the desk has been told.").format(number=n))
    if kind == "visit_reminder":
        return Draft(_("⏰ Reminder: your visit for order #{number} is at {time}.").format(
            number=n, time=when(e, r)))
    return Draft(_("🔴 Order #{number} has passed its completion time ({time}). File the "
                   "report or ask the desk for more time.").format(
        number=n, time=when(e, r, deadline=False)))
