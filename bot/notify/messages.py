"""What each queued outbox row says, in the reader's language (rendered at delivery time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.buttons.client_orders import ClientAction, client_button, stop_button
from bot.buttons.relay import RelayAction, relay_button
from bot.buttons.reviews import ReviewAction, stars_row
from bot.buttons.visits import answer_row
from bot.domain.money import round_major
from bot.domain.pricing import PriceItemView
from bot.domain.reviews import stars_line
from bot.domain.views import OrderView
from bot.domain.visits import MASTER, proposal_stamp
from bot.i18n import N_, _, fmt_datetime, fmt_span, ngettext
from bot.notify import edits, prices
from bot.notify.client_view import client_keyboard
from bot.notify.render import (
    CANCEL_REASON_NAMES,
    CLAIM_REJECT_NAMES,
    EXTENSION_REASON_NAMES,
    MASTER_REJECT_REASON_NAMES,
    REJECT_REASON_NAMES,
    RELEASE_REASON_NAMES,
    Renderer,
    button,
    q,
)


@dataclass(frozen=True)
class Target:
    chat_id: int
    thread_id: int | None
    locale: str
    order: OrderView | None
    is_desk: bool


@dataclass(frozen=True)
class Draft:
    text: str
    markup: InlineKeyboardMarkup | None = None
    photo: str | None = None  # a file_id: sent as a photo with the text as its caption
    document: str | None = None  # a file_id: sent as a file with the text as its caption
    # It shows the job (address, phone) or an offer: remembered (job_messages), to be stubbed
    # when the job is lost, or edited when the offer ends.
    job: bool = False


def for_master(t: Target, o: OrderView) -> bool:
    """The reader is the order's master now, and not blocked: only he may see the job. The row
    was queued earlier; by delivery the job may have been lost."""
    return t.chat_id == o.master_user_id and not o.master_blocked


def _order(t: Target) -> OrderView:
    if t.order is None:
        raise ValueError("this message needs an order")
    return t.order


def compose(kind: str, payload: dict[str, Any], t: Target, r: Renderer) -> Draft:
    fn = COMPOSERS.get(kind)
    if fn is None:
        raise ValueError(f"unknown outbox kind {kind!r}")
    return fn(payload, t, r)


def _client_rejected(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    reason = _(REJECT_REASON_NAMES.get(p.get("reason", ""), "A technical problem"))
    return Draft(_("Sorry, your order #{number} ({service}) was rejected.\nReason: {reason}")
                 .format(number=o.id, service=q(r.service(o.service)), reason=reason))


def _client_cancelled(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    reason = _(CANCEL_REASON_NAMES.get(p.get("reason", ""), "Another reason"))
    return Draft(_("Your order #{number} was cancelled by the service.\nReason: {reason}")
                 .format(number=o.id, reason=reason))


def stop_keyboard(order_id: int) -> InlineKeyboardMarkup:
    """[H] the client can stop the job at any moment."""
    return InlineKeyboardMarkup(inline_keyboard=[[stop_button(order_id)]])


def _client_assigned(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """The master's card [H, Q]: who comes to the door, with his photo when he has one."""
    o = _order(t)
    rating = p.get("rating")
    return Draft("\n".join([
        _("Good news: a master has taken your order #{number}.").format(number=o.id),
        r.master_public(o.master_name or "", bool(p.get("verified", True)),
                        float(rating) if rating is not None else None,
                        int(p.get("reviews", 0)), int(p.get("jobs", 0))),
        _("The master will call you to agree on the visit."),
    ]), stop_keyboard(o.id), photo=p.get("photo"))


def _client_visit(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    when = fmt_datetime(o.visit_at, r.tz) if o.visit_at else "—"
    return Draft(_("📅 The master {name} will come for order #{number} at {time}.").format(
        name=q(o.master_name or ""), number=o.id, time=when), client_keyboard(o))


def _at(p: dict[str, Any], r: Renderer, key: str = "at") -> str:
    return fmt_datetime(datetime.fromisoformat(p[key]), r.tz)


def _agreed(o: OrderView, r: Renderer) -> str:
    return fmt_datetime(o.visit_at, r.tz) if o.visit_at else "—"


def _visit_proposal(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """To the other side: the proposed time, with Accept / Keep for exactly this proposal."""
    o = _order(t)
    if p.get("by") == MASTER:
        text = _("🔄 The master {name} proposes to move the visit for order #{number} to "
                 "{time} (agreed now: {current}).").format(
            name=q(o.master_name or ""), number=o.id, time=_at(p, r), current=_agreed(o, r))
    else:
        text = _("🔄 The client proposes to move the visit for order #{number} to {time} "
                 "(agreed now: {current}).").format(number=o.id, time=_at(p, r),
                                                    current=_agreed(o, r))
    if p.get("replaces"):
        text += "\n" + _("This replaces your proposal of {time}.").format(
            time=_at(p, r, "replaces"))
    text += "\n" + _("Until you accept, the agreed time stands.")
    stamp = proposal_stamp(datetime.fromisoformat(p["at"]))
    return Draft(text, InlineKeyboardMarkup(inline_keyboard=[answer_row(o.id, stamp)]))


def _visit_answer(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """To the proposer: the other side accepted (the visit moved) or kept the old time."""
    o = _order(t)
    to_master = p.get("by") == MASTER
    if p.get("accepted"):
        text = (_("✅ The client accepted your proposal: the visit for order #{number} is now "
                  "at {time}.") if to_master else
                _("✅ The master accepted your proposal: the visit for order #{number} is now "
                  "at {time}.")).format(number=o.id, time=_at(p, r))
    else:
        text = (_("The client kept the agreed time for order #{number}: the visit stays at "
                  "{current}.") if to_master else
                _("The master kept the agreed time for order #{number}: the visit stays at "
                  "{current}.")).format(number=o.id, current=_agreed(o, r))
    if to_master:
        if not for_master(t, o):
            return Draft(text)
        job, kb = r.job(o)
        return Draft(text + "\n\n" + job, kb, job=True)
    return Draft(text, client_keyboard(o))


def _checkin_where(p: dict[str, Any]) -> str:
    if not p.get("located"):
        return _("No location shared (checked in with the button).")
    if p.get("distance") is None:
        return _("Location shared; the order has no point on the map to compare it with.")
    return _("Location shared: {metres} m from the client's point.").format(
        metres=p["distance"])


def _client_arrived(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    return Draft(_("📍 The master {name} has checked in at your place (order #{number}).")
                 .format(name=q(o.master_name or ""), number=o.id), stop_keyboard(o.id))


def _client_resumed(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("▶️ The desk has resumed the work on order #{number}.").format(
        number=_order(t).id))


def _master_request(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    if p["kind"] == "extension":
        if p.get("approved"):
            return Draft(_("⏳ The desk gave you more time for order #{number}: finish by "
                           "{time}.").format(number=o.id, time=fmt_datetime(
                               datetime.fromisoformat(p["due"]), r.tz)))
        return Draft(_("The desk did not extend the time for order #{number}.").format(
            number=o.id))
    if p.get("approved"):
        return Draft(_("🙋 The desk has released you from order #{number}. Please do not go to "
                       "the client.").format(number=o.id))
    return Draft(_("The desk asks you to stay on order #{number}.").format(number=o.id))


def client_stars_keyboard(order_id: int) -> InlineKeyboardMarkup:
    """[H] the master rates the client, one tap."""
    return InlineKeyboardMarkup(inline_keyboard=[stars_row(ReviewAction.RATE_CLIENT, order_id)])


def _master_accepted(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    return Draft(_("✅ The client has accepted the work on order #{number}. It is completed; "
                   "thank you!").format(number=o.id) + "\n\n" + _("How was the client? "
                                                                   "Rate them:"),
                 client_stars_keyboard(o.id))


def _desk_client_rated(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    stars = stars_line(int(p.get("stars", 0)))
    if p.get("alert"):
        return Draft(_("⚠️ The master rated the client low: {stars}. Ask the master what "
                       "happened.").format(stars=stars))
    return Draft(_("The master rated the client: {stars}").format(stars=stars))


def _client_rematch(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("The master can no longer do order #{number}. We are finding you another "
                   "master and will write here.").format(number=_order(t).id))


def _master_stopped(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("⛔ The client has stopped the job on order #{number}. Stop work now and "
                   "wait for the desk.").format(number=_order(t).id))


def _master_resumed(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    if not for_master(t, o):
        return Draft(r.job_stub(o.id))
    text, kb = r.job(o)
    return Draft(_("▶️ The desk has resumed order #{number}. You may continue.").format(
        number=o.id) + "\n\n" + text, kb, job=True)


def _master_job_back(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """Unblocked while the job is still his: his old job messages were stubbed."""
    o = _order(t)
    if not for_master(t, o):
        return Draft(r.job_stub(o.id))
    text, kb = r.job(o)
    return Draft(_("✅ You can act on order #{number} again.").format(number=o.id)
                 + "\n\n" + text, kb, job=True)


def _client_code(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """The completion act with the one-time code [C 二.8]: the work, the price and how it was
    agreed, the warranty and the master's notes."""
    o = _order(t)
    done = datetime.fromisoformat(p["done_at"]).astimezone(r.tz).date() if p.get(
        "done_at") else None
    lines = [
        _("The master reports that the work on order #{number} is done.").format(number=o.id),
        *prices.act_lines(r, o, done),
    ]
    lines += [
        "",
        _("If you are satisfied, tell the master this confirmation code: <b>{code}</b>").format(
            code=q(p["code"])),
        _("Do not share it before the work is done."),
    ]
    kb = InlineKeyboardMarkup(inline_keyboard=[[client_button(
        _("✅ Accept the work"), ClientAction.ACCEPT_WORK, o.id)]])
    return Draft("\n".join(lines), kb)


def _price_item(p: dict[str, Any], t: Target) -> tuple[OrderView, PriceItemView]:
    o = _order(t)
    item = o.price_item(int(p["item_id"]))
    if item is None:
        raise ValueError("this message needs a price item of its order")
    return o, item


def _client_quote(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(*prices.client_quote(r, *_price_item(p, t)))


def _client_extra(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(*prices.client_extra(r, *_price_item(p, t)))


def _master_price(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    text, kb = prices.master_price(r, *_price_item(p, t))
    return Draft(text, kb if for_master(t, _order(t)) else None)


def _desk_price(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(prices.desk_price(r, *_price_item(p, t), p["event"]))


def stars_keyboard(order_id: int) -> InlineKeyboardMarkup:
    """SPEC §2.3: 1–5 stars, one tap."""
    return InlineKeyboardMarkup(inline_keyboard=[stars_row(ReviewAction.RATE_WORK, order_id)])


def _client_completed(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    return Draft(_("Order #{number} is completed. Thank you for choosing us!").format(number=o.id)
                 + "\n\n" + _("How did the master do? Rate the work:"),
                 stars_keyboard(o.id))


def _desk_review(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    stars = int(p.get("stars", 0))
    comment = p.get("comment")
    if p.get("alert"):
        text = _("🚨 Quality alert: the client rated the order {stars}. Reason: {comment}")
    else:
        text = _("⭐ The client rated the order {stars}. Comment: {comment}")
    return Draft(text.format(stars=stars_line(stars), comment=q(comment or "—")))


def _master_review(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    stars = int(p.get("stars", 0))
    return Draft(_("The client rated your work on order #{number}: {stars}").format(
        number=_order(t).id, stars=stars_line(stars))
        + ("\n" + q(p["comment"]) if p.get("comment") else ""))


def _master_offer(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """Remembered like a job message: edited when the offer ends (or turned into the job)."""
    text, kb = r.offer(_order(t))
    return Draft(text, kb, job=True)


def _offer_closed(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """Sent only when none of his offer messages could be edited to say so."""
    return Draft(r.offer_closed(_order(t).id, str(p.get("reason", ""))))


def _master_offer_withdrawn(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("The offer for order #{number} was withdrawn by the desk.").format(
        number=_order(t).id))


def _master_order_cancelled(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("Order #{number} was cancelled. Please do not go to the client.").format(
        number=_order(t).id))


def _master_code_reissued(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    o = _order(t)
    return Draft(_("The client has a new confirmation code for order #{number}. "
                   "Ask for it and enter it here.").format(number=o.id),
                 r.job(o)[1] if for_master(t, o) else None)


def _master_decision(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    if p.get("approved"):
        return Draft(_("Your application is approved ✅ You are a verified master and will "
                       "now receive job offers. Your profile: /profile"))
    reason = _(MASTER_REJECT_REASON_NAMES.get(p.get("reason") or "", "Another reason"))
    return Draft(_("Sorry, your application was not approved.\nReason: {reason}\nYou can "
                   "apply again with /become_master.").format(reason=reason))


def _master_question(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    question = p.get("question") or ""
    return Draft(_("❓ The desk has a question about your application:\n\n{question}\n\n"
                   "Press «Answer» and send your reply (text, photos or files).").format(
        question=q(question)),
        InlineKeyboardMarkup(inline_keyboard=[[button(_("✍️ Answer"), "mans")]]))


def _desk_master_answer(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    files = len(p.get("files") or ())
    text = _("✍️ {name} (master #{number}) answered the desk's question: {answer}").format(
        name=q(p.get("name", "")), number=p.get("master_id"), answer=q(p.get("answer") or "—"))
    if files:
        text += "\n" + ngettext("{n} new file is attached below.",
                                "{n} new files are attached below.", files).format(n=files)
    return Draft(text)


def _master_blocked(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    if p.get("blocked"):
        return Draft(_("🚫 Your master account is blocked: you get no offers and cannot act "
                       "on jobs. Reason: {reason}").format(reason=q(p.get("reason") or "")))
    return Draft(_("✅ Your master account is unblocked. You will receive offers again."))


DESK_NOTES: dict[str, Any] = {
    "contacted": lambda o, p: _("📞 The master has called the client."),
    "scheduled": lambda o, p: _("📅 Visit agreed for {time}.").format(
        time=fmt_datetime(o.visit_at, p["tz"]) if o.visit_at else "—"),
    "on_site": lambda o, p: _("📍 The master checked in on site ({minutes} min from the agreed "
                              "time).").format(minutes=p.get("minutes", 0))
    + "\n" + _checkin_where(p),
    "on_site_outside": lambda o, p: _("⚠️ The master checked in outside the ±1 h window: "
                                      "{minutes} min from the agreed time.").format(
        minutes=p.get("minutes", 0)) + "\n" + _checkin_where(p),
    "visit_proposed": lambda o, p: (
        _("🔄 The master proposes to move the visit to {time}; waiting for the client.")
        if p.get("by") == MASTER else
        _("🔄 The client proposes to move the visit to {time}; waiting for the master.")
    ).format(time=fmt_datetime(datetime.fromisoformat(p["at"]), p["tz"])),
    "visit_moved": lambda o, p: _("📅 Both sides agreed: the visit moves to {time}.").format(
        time=fmt_datetime(datetime.fromisoformat(p["at"]), p["tz"])),
    "visit_declined": lambda o, p: (
        _("↩️ The client kept the agreed time; the master's proposal of {time} is dropped.")
        if p.get("by") == MASTER else
        _("↩️ The master kept the agreed time; the client's proposal of {time} is dropped.")
    ).format(time=fmt_datetime(datetime.fromisoformat(p["at"]), p["tz"])),
    "ask_extension": lambda o, p: _("⏳ The master asks for more time: {reason}. Decide on "
                                    "the card.").format(
        reason=_(EXTENSION_REASON_NAMES.get(p.get("reason", ""), "Weather"))),
    "ask_release": lambda o, p: _("🙋 The master asks to be released: {reason}. Decide on the "
                                  "card.").format(
        reason=_(RELEASE_REASON_NAMES.get(p.get("reason", ""), "Another reason"))),
    "accepted": lambda o, p: _("🎉 The client accepted the work: the order is completed."),
    "claim": lambda o, p: _("⚠️ Warranty claim from the client: {text}\nDecide on the card: a "
                            "rework by a deadline, a partial refund, or reject it.").format(
        text=q(p.get("text", ""))),
    "stopped": lambda o, p: _("🚨 The client has STOPPED the job. The master has been told to "
                              "stop; the clocks are on hold. Resume or cancel the order."),

    "assigned": lambda o, p: _("✅ {master} accepted the order.").format(master=q(o.master_name)),
    "auto_offered": lambda o, p: _("🤖 Auto: offered to {master}.").format(  # older rows
        master=q(p.get("master", ""))),
    "offered": lambda o, p: _offered_note(p),
    "auto_exhausted": lambda o, p: _("🤖 Auto stopped: no candidate is left (all declined, "
                                     "let the offer expire, or are off duty). The order is "
                                     "back at the desk."),
    "offer_blocked": lambda o, p: _("🚫 The offered master was blocked; the offer is taken "
                                    "back. Choose another master."),
    "master_blocked": lambda o, p: _("🚫 The master of this order was blocked and cannot act "
                                     "on it. Take the job away and reassign it."),
    "declined": lambda o, p: _("❌ The master declined the offer. Choose another one."),
    "reported": lambda o, p: _("🏁 The master filed the completion report; the client got the "
                            "confirmation code."),
    "completed": lambda o, p: _("🎉 The order is completed: the client's code was confirmed."),
    "code_locked": lambda o, p: _("🚨 Too many wrong confirmation codes: the order is locked. "
                               "Check with the client and send a new code."),
}


def _offered_note(p: dict[str, Any]) -> str:
    master = q(p.get("master", ""))
    if not p.get("expires"):
        return (_("🤖 Auto: offered to {master}.") if p.get("auto")
                else _("👷 Offered to {master}.")).format(master=master)
    until = fmt_datetime(datetime.fromisoformat(p["expires"]), p["tz"])
    return (_("🤖 Auto: offered to {master}; the offer expires at {time}.") if p.get("auto")
            else _("👷 Offered to {master}; the offer expires at {time}.")).format(
        master=master, time=until)


def _desk_note(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(DESK_NOTES[p["note"]](_order(t), {**p, "tz": r.tz}))


def _desk_order_edited(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(edits.desk_note(p))


def _master_order_edited(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """To the assigned master: what the client changed, then the job as it is now. Queued
    only once he had accepted; by delivery he may have lost the job."""
    o = _order(t)
    if not for_master(t, o):
        return Draft(r.job_stub(o.id))
    text, kb = r.job(o)
    return Draft("\n".join([_("✏️ The client changed order #{number}:").format(number=o.id),
                            *edits.change_lines(p)]) + "\n\n" + text, kb, job=True)


def _desk_client_cancelled(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    reason = _(CANCEL_REASON_NAMES.get(p.get("reason", ""), "Another reason"))
    text = _("✖️ The client cancelled the order. Reason: {reason}").format(reason=reason)
    if p.get("note"):
        text += "\n" + _("In the client's words: {note}").format(note=q(p["note"]))
    if p.get("late"):
        text = _("⚠️ Cancelled after the visit was agreed: the master may already be on his "
                 "way.") + "\n" + text
    return Draft(text)


def _desk_unreachable(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("⚠️ {name} (id {id}) has blocked the bot: messages to them are not "
                   "delivered. Contact them another way.").format(
        name=q(p.get("name", "")), id=p.get("user_id")))


def _desk_erased(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """Someone erased his data with /privacy: the desk's own copies in this chat (relayed
    messages, documents) are not the bot's to delete; the desk decides what its policy needs."""
    lines = [_("🗑 The user with Telegram id {id} erased their personal data (/privacy).")
             .format(id=p.get("user_id"))]
    orders = ", ".join(f"#{n}" for n in p.get("orders") or ())
    if orders:
        lines.append(_("Their orders are kept anonymised: {orders}.").format(orders=orders))
    if p.get("master_id"):
        lines.append(_("Master #{number}: name, phone, tax id and documents removed; the "
                       "record is retired and out of matching.").format(number=p["master_id"]))
    lines.append(_("Messages and files already in this chat are not touched: delete them by "
                   "hand if your policy requires it."))
    return Draft("\n".join(lines))


def _desk_undeliverable(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("⚠️ A message of the kind «{what}» could not be prepared and was not sent "
                   "(outbox row {row}). The rest goes on; please tell the operator, who will "
                   "find the details in the log.").format(what=q(p.get("what", "?")),
                                                          row=p.get("row_id")))
def _desk_files_lost(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """An album that can never go out (bot/notify/sender.py `_files_lost`)."""
    if t.order is None:
        return Draft(_("⚠️ The documents of master #{number} cannot be shown: Telegram no "
                       "longer has the files. Ask the master to send them again.").format(
            number=p.get("master_id")))
    n, reader = t.order.id, p.get("reader")
    if reader == "master":
        text = _("⚠️ The photos of order #{number} could not be sent to the master: Telegram "
                 "no longer has the files. Ask the client to send them again if needed.")
    elif reader == "client":
        text = _("⚠️ The photos of order #{number} could not be sent to the client: Telegram "
                 "no longer has the files.")
    else:
        text = _("⚠️ The photos of order #{number} cannot be shown here: Telegram no longer "
                 "has the files.")
    return Draft(text.format(number=n))


SLA_WHAT = {
    "rework": N_("the rework after the client's claim"),
    "triage": N_("the order is waiting for a master"),
    "callback_reminder": N_("the master has not called the client yet"),
    "callback": N_("the master has not called the client"),
    "arrival": N_("the master has not checked in on site"),
    "completion": N_("the work is not completed"),
}


def _when(p: dict[str, Any], r: Renderer, key: str = "deadline") -> str:
    return fmt_datetime(datetime.fromisoformat(p.get(key) or p["due"]), r.tz)


def _offline(p: dict[str, Any]) -> str:
    late = int(p.get("late", 0))
    if late < 10:  # on time is within a second; 10 s late means the bot was not running
        return ""
    return "\n" + _("(noticed {span} late: the bot was offline)").format(
        span=fmt_span(timedelta(seconds=late)))


def _desk_sla(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    kind = p["kind"]
    if kind == "offer":
        if p.get("master"):  # named, so the topic tells whom the order waited for
            text = (_("⌛ {master} did not answer the offer in time.") if p.get("auto") else
                    _("⌛ {master} did not answer the offer in time; the order is back in the "
                      "queue. Choose another master.")).format(master=q(p["master"]))
            return Draft(text + _offline(p))
        if p.get("auto"):
            return Draft(_("⌛ The master did not answer the offer in time.") + _offline(p))
        return Draft(_("⌛ The master did not answer the offer in time; the order is back in "
                       "the queue. Choose another master.") + _offline(p))
    what = _(SLA_WHAT[kind])
    if kind == "callback_reminder":
        return Draft(_("🟡 At risk: {what}. Due {time}.").format(what=what, time=_when(p, r)))
    overdue = datetime.now(UTC) - datetime.fromisoformat(p["due"])
    return Draft(_("🔴 Overdue: {what}. It was due {time}; late by {span}.").format(
        what=what, time=_when(p, r, "due"), span=fmt_span(max(overdue, timedelta(0))))
        + _offline(p))


def _master_sla(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    n, kind = _order(t).id, p["kind"]
    if kind == "offer":
        return Draft(_("⌛ The offer for order #{number} has expired.").format(number=n))
    if kind == "callback_reminder":
        return Draft(_("⏰ Please call the client of order #{number}: the call is due by "
                       "{time}.").format(number=n, time=_when(p, r)))
    if kind == "callback":
        return Draft(_("🔴 The call to the client of order #{number} is overdue. Call now; "
                       "the desk has been told.").format(number=n))
    if kind == "visit_reminder":
        return Draft(_("⏰ Reminder: your visit for order #{number} is at {time}.").format(
            number=n, time=_when(p, r)))
    return Draft(_("🔴 Order #{number} has passed its completion time ({time}). File the "
                   "report or ask the desk for more time.").format(number=n,
                                                                   time=_when(p, r, "due")))


def _client_sla(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    n, kind = _order(t).id, p["kind"]
    if kind == "visit_reminder":
        return Draft(_("⏰ Reminder: the master comes at {time} (order #{number}).").format(
            number=n, time=_when(p, r)))
    if kind == "arrival":
        return Draft(_("The master is late for order #{number}. The desk knows and will "
                       "contact you.").format(number=n))
    if kind == "warranty_end":
        return Draft(_("The warranty on the work of order #{number} ended today. If you need "
                       "the service again, place a new order with /new.").format(number=n))
    if kind == "review":
        return Draft(_("How did it go with order #{number}? Your stars help other clients "
                       "choose a master.").format(number=n), stars_keyboard(n))
    return Draft(_("Is the work on order #{number} done? If so, give the master your "
                   "confirmation code; if something is wrong, write to us.").format(number=n))


def reply_keyboard(order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[relay_button(_("↩️ Reply"), RelayAction.REPLY,
                                                               order_id)]])


def _relay(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    """SPEC §2.4: a message relayed between the desk and the order's client or master."""
    o = _order(t)
    body = q(p.get("text") or "")
    if t.is_desk:
        head = (_("💬 The client {name} writes:") if p.get("side") == "client"
                else _("🔧 The master {name} writes:")).format(name=q(p.get("name", "")))
        markup = None
    else:
        head = _("💬 The desk about order #{number}:").format(number=o.id)
        markup = reply_keyboard(o.id)
    text = head + ("\n" + body if body else "")
    kind, file_id = p.get("kind"), p.get("file_id")
    return Draft(text, markup, photo=file_id if kind == "photo" else None,
                 document=file_id if kind == "document" else None)


def _master_claim(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    return Draft(_("⚠️ The client of order #{number} reports a problem under the warranty: "
                   "{text}\nThe desk will decide and tell you.").format(
        number=_order(t).id, text=q(p.get("text", ""))))


def _resolution(p: dict[str, Any], t: Target, r: Renderer, master: bool) -> Draft:
    n, decision = _order(t).id, p.get("decision")
    if decision == "rework":
        when = fmt_datetime(datetime.fromisoformat(p["due"]), r.tz)
        return Draft(_("🔧 The desk asks you to redo the work on order #{number} by {time}. "
                       "Please contact the client.").format(number=n, time=when) if master
                     else _("🔧 The desk has decided on your claim for order #{number}: the "
                            "master will redo the work by {time}.").format(number=n, time=when))
    if decision == "refund":
        raw = p["amount"]  # minor units; a decimal string if queued before migration 0016
        amount = r.money(raw if isinstance(raw, int) else round_major(Decimal(raw), r.cur))
        return Draft(_("💸 The desk has granted the client a partial refund of {amount} on "
                       "order #{number}.").format(number=n, amount=amount) if master
                     else _("💸 The desk has decided on your claim for order #{number}: a "
                            "partial refund of {amount}.").format(number=n, amount=amount))
    reason = _(CLAIM_REJECT_NAMES.get(p.get("reason") or "", "Another reason"))
    return Draft(_("The client's claim on order #{number} was rejected. Reason: {reason}")
                 .format(number=n, reason=reason) if master
                 else _("The desk has rejected your claim for order #{number}. Reason: "
                        "{reason}").format(number=n, reason=reason))


def _client_blocked(p: dict[str, Any], t: Target, r: Renderer) -> Draft:
    if p.get("blocked"):
        return Draft(_("🚫 The desk has blocked new orders from your account. Reason: {reason}")
                     .format(reason=q(p.get("reason") or "")))
    return Draft(_("✅ Your account is unblocked: you can place orders again."))


COMPOSERS = {
    "client_blocked": _client_blocked,
    "master_claim": _master_claim,
    "client_resolution": lambda p, t, r: _resolution(p, t, r, master=False),
    "master_resolution": lambda p, t, r: _resolution(p, t, r, master=True),
    "relay": _relay,
    "client_rejected": _client_rejected,
    "client_cancelled": _client_cancelled,
    "client_assigned": _client_assigned,
    "client_code": _client_code,
    "client_completed": _client_completed,
    "master_offer": _master_offer,
    "master_offer_withdrawn": _master_offer_withdrawn,  # rows queued before offer_closed
    "offer_closed": _offer_closed,
    "master_order_cancelled": _master_order_cancelled,
    "master_code_reissued": _master_code_reissued,
    "master_decision": _master_decision,
    "desk_note": _desk_note,
    "desk_order_edited": _desk_order_edited,
    "master_order_edited": _master_order_edited,
    "desk_client_cancelled": _desk_client_cancelled,
    "desk_unreachable": _desk_unreachable,
    "desk_undeliverable": _desk_undeliverable,
    "desk_erased": _desk_erased,
    "desk_files_lost": _desk_files_lost,
    "desk_sla": _desk_sla,
    "master_sla": _master_sla,
    "client_sla": _client_sla,
    "client_visit": _client_visit,
    "visit_proposal": _visit_proposal,
    "visit_answer": _visit_answer,
    "client_arrived": _client_arrived,
    "client_resumed": _client_resumed,
    "master_stopped": _master_stopped,
    "master_request": _master_request,
    "client_rematch": _client_rematch,
    "master_accepted": _master_accepted,
    "master_question": _master_question,
    "desk_review": _desk_review,
    "desk_client_rated": _desk_client_rated,
    "master_review": _master_review,
    "desk_master_answer": _desk_master_answer,
    "master_blocked": _master_blocked,
    "master_resumed": _master_resumed,
    "master_job_back": _master_job_back,
    "client_quote": _client_quote,
    "client_extra": _client_extra,
    "master_price": _master_price,
    "desk_price": _desk_price,
}
