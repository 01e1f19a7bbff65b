"""What the desk reads in its group, in the order's topic when there is one."""

from __future__ import annotations

from datetime import timedelta

import bot.events as ev
from bot.domain.reviews import stars_line
from bot.i18n import _, fmt_span, ngettext
from bot.notify import edits, prices
from bot.notify.markup import q
from bot.notify.messages.base import Draft, Target, composes, needed, order_of
from bot.notify.messages.client import price_item
from bot.notify.messages.notes import DESK_NOTES
from bot.notify.messages.shared import offline, when
from bot.notify.names import CANCEL_REASON_NAMES, late_name
from bot.notify.render import Renderer


@composes(ev.DeskNote)
def _note(e: ev.DeskNote, t: Target, r: Renderer) -> Draft:
    return Draft(DESK_NOTES[e.note](order_of(t), e, r.tz))


@composes(ev.DeskOrderEdited)
def _order_edited(e: ev.DeskOrderEdited, t: Target, r: Renderer) -> Draft:
    return Draft(edits.desk_note(e))


@composes(ev.DeskClientCancelled)
def _client_cancelled(e: ev.DeskClientCancelled, t: Target, r: Renderer) -> Draft:
    reason = _(CANCEL_REASON_NAMES.get(e.reason or "", "Another reason"))
    text = _("✖️ The client cancelled the order. Reason: {reason}").format(reason=reason)
    if e.note:
        text += "\n" + _("In the client's words: {note}").format(note=q(e.note))
    if e.late:
        text = _("⚠️ Cancelled after the visit was agreed: the master may already be on his "
                 "way.") + "\n" + text
    return Draft(text)


@composes(ev.DeskUnreachable)
def _unreachable(e: ev.DeskUnreachable, t: Target, r: Renderer) -> Draft:
    return Draft(_("⚠️ {name} (id {id}) has blocked the bot: messages to them are not "
                   "delivered. Contact them another way.").format(
        name=q(e.name), id=e.user_id))


@composes(ev.DeskErased)
def _erased(e: ev.DeskErased, t: Target, r: Renderer) -> Draft:
    """Someone erased his data with /privacy: the desk's own copies in this chat (relayed
    messages, documents) are not the bot's to delete; the desk decides what its policy needs."""
    lines = [_("🗑 The user with Telegram id {id} erased their personal data (/privacy).")
             .format(id=e.user_id)]
    orders = ", ".join(f"#{n}" for n in e.orders or ())
    if orders:
        lines.append(_("Their orders are kept anonymised: {orders}.").format(orders=orders))
    if e.master_id:
        lines.append(_("Master #{number}: name, phone, tax id and documents removed; the "
                       "record is retired and out of matching.").format(number=e.master_id))
    lines.append(_("Messages and files already in this chat are not touched: delete them by "
                   "hand if your policy requires it."))
    return Draft("\n".join(lines))


@composes(ev.DeskUndeliverable)
def _undeliverable(e: ev.DeskUndeliverable, t: Target, r: Renderer) -> Draft:
    return Draft(_("⚠️ A message of the kind «{what}» could not be prepared and was not sent "
                   "(outbox row {row}). The rest goes on; please tell the operator, who will "
                   "find the details in the log.").format(what=q(e.what), row=e.row_id))


@composes(ev.DeskFilesLost)
def _files_lost(e: ev.DeskFilesLost, t: Target, r: Renderer) -> Draft:
    """An album that can never go out (bot/notify/sender.py `_files_lost`)."""
    if t.order is None:
        return Draft(_("⚠️ The documents of master #{number} cannot be shown: Telegram no "
                       "longer has the files. Ask the master to send them again.").format(
            number=e.master_id))
    n, reader = t.order.id, e.reader
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


@composes(ev.DeskSla)
def _sla(e: ev.DeskSla, t: Target, r: Renderer) -> Draft:
    kind = e.clock
    if kind == "offer":
        if e.master:  # named, so the topic tells whom the order waited for
            text = (_("⌛ {master} did not answer the offer in time.") if e.auto else
                    _("⌛ {master} did not answer the offer in time; the order is back in the "
                      "queue. Choose another master.")).format(master=q(e.master))
            return Draft(text + offline(e))
        if e.auto:
            return Draft(_("⌛ The master did not answer the offer in time.") + offline(e))
        return Draft(_("⌛ The master did not answer the offer in time; the order is back in "
                       "the queue. Choose another master.") + offline(e))
    what = late_name(kind)
    if kind == "callback_reminder":
        return Draft(_("🟡 At risk: {what}. Due {time}.").format(what=what, time=when(e, r)))
    overdue = r.now() - needed(e.due, "due")
    return Draft(_("🔴 Overdue: {what}. It was due {time}; late by {span}.").format(
        what=what, time=when(e, r, deadline=False), span=fmt_span(max(overdue, timedelta(0))))
        + offline(e))


@composes(ev.DeskReview)
def _review(e: ev.DeskReview, t: Target, r: Renderer) -> Draft:
    if e.alert:
        text = _("🚨 Quality alert: the client rated the order {stars}. Reason: {comment}")
    else:
        text = _("⭐ The client rated the order {stars}. Comment: {comment}")
    return Draft(text.format(stars=stars_line(int(e.stars)), comment=q(e.comment or "—")))


@composes(ev.DeskClientRated)
def _client_rated(e: ev.DeskClientRated, t: Target, r: Renderer) -> Draft:
    stars = stars_line(int(e.stars))
    if e.alert:
        return Draft(_("⚠️ The master rated the client low: {stars}. Ask the master what "
                       "happened.").format(stars=stars))
    return Draft(_("The master rated the client: {stars}").format(stars=stars))


@composes(ev.DeskMasterAnswer)
def _master_answer(e: ev.DeskMasterAnswer, t: Target, r: Renderer) -> Draft:
    files = len(e.files or ())
    text = _("✍️ {name} (master #{number}) answered the desk's question: {answer}").format(
        name=q(e.name), number=e.master_id, answer=q(e.answer or "—"))
    if files:
        text += "\n" + ngettext("{n} new file is attached below.",
                                "{n} new files are attached below.", files).format(n=files)
    return Draft(text)


@composes(ev.DeskPrice)
def _price(e: ev.DeskPrice, t: Target, r: Renderer) -> Draft:
    return Draft(prices.desk_price(r, *price_item(e.item_id, t), e.event))
