"""Messages either side may read (relays, visit proposals, claim decisions), and what the
deadline messages of every reader share."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bot.domain.money import round_major
from bot.domain.views import OrderView
from bot.domain.visits import MASTER, proposal_stamp
from bot.events import ClientResolution, MasterResolution, Relay, VisitAnswer, VisitProposal
from bot.events.shared import ClaimDecided, SlaFired
from bot.i18n import _, fmt_datetime, fmt_span
from bot.notify.client_view import client_keyboard
from bot.notify.keyboards import proposal_keyboard, reply_keyboard
from bot.notify.markup import q
from bot.notify.messages.base import Draft, Target, composes, for_master, needed, order_of
from bot.notify.names import CLAIM_REJECT_NAMES
from bot.notify.render import Renderer


def when(e: SlaFired, r: Renderer, deadline: bool = True) -> str:
    """The promise a deadline is about (or, with deadline=False, when it fell due)."""
    at = (e.deadline if deadline else None) or needed(e.due, "due")
    return fmt_datetime(at, r.tz)


def offline(e: SlaFired) -> str:
    late = int(e.late)
    if late < 10:  # on time is within a second; 10 s late means the bot was not running
        return ""
    return "\n" + _("(noticed {span} late: the bot was offline)").format(
        span=fmt_span(timedelta(seconds=late)))


def _agreed(o: OrderView, r: Renderer) -> str:
    return fmt_datetime(o.visit_at, r.tz) if o.visit_at else "—"


@composes(VisitProposal)
def _visit_proposal(e: VisitProposal, t: Target, r: Renderer) -> Draft:
    """To the other side: the proposed time, with Accept / Keep for exactly this proposal."""
    o = order_of(t)
    at = fmt_datetime(e.at, r.tz)
    if e.by == MASTER:
        text = _("🔄 The master {name} proposes to move the visit for order #{number} to "
                 "{time} (agreed now: {current}).").format(
            name=q(o.master_name or ""), number=o.id, time=at, current=_agreed(o, r))
    else:
        text = _("🔄 The client proposes to move the visit for order #{number} to {time} "
                 "(agreed now: {current}).").format(number=o.id, time=at,
                                                    current=_agreed(o, r))
    if e.replaces:
        text += "\n" + _("This replaces your proposal of {time}.").format(
            time=fmt_datetime(e.replaces, r.tz))
    text += "\n" + _("Until you accept, the agreed time stands.")
    return Draft(text, proposal_keyboard(o.id, proposal_stamp(e.at)))


@composes(VisitAnswer)
def _visit_answer(e: VisitAnswer, t: Target, r: Renderer) -> Draft:
    """To the proposer: the other side accepted (the visit moved) or kept the old time."""
    o = order_of(t)
    to_master = e.by == MASTER
    if e.accepted:
        text = (_("✅ The client accepted your proposal: the visit for order #{number} is now "
                  "at {time}.") if to_master else
                _("✅ The master accepted your proposal: the visit for order #{number} is now "
                  "at {time}.")).format(number=o.id, time=fmt_datetime(e.at, r.tz))
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


@composes(Relay)
def _relay(e: Relay, t: Target, r: Renderer) -> Draft:
    """SPEC §2.4: a message relayed between the desk and the order's client or master."""
    o = order_of(t)
    body = q(e.text or "")
    if t.is_desk:
        head = (_("💬 The client {name} writes:") if e.side == "client"
                else _("🔧 The master {name} writes:")).format(name=q(e.name))
        markup = None
    else:
        head = _("💬 The desk about order #{number}:").format(number=o.id)
        markup = reply_keyboard(o.id)
    text = head + ("\n" + body if body else "")
    return Draft(text, markup, photo=e.file_id if e.content == "photo" else None,
                 document=e.file_id if e.content == "document" else None)


def _resolution(e: ClaimDecided, t: Target, r: Renderer, master: bool) -> Draft:
    n, decision = order_of(t).id, e.decision
    if decision == "rework":
        when_ = fmt_datetime(needed(e.due, "due"), r.tz)
        return Draft(_("🔧 The desk asks you to redo the work on order #{number} by {time}. "
                       "Please contact the client.").format(number=n, time=when_) if master
                     else _("🔧 The desk has decided on your claim for order #{number}: the "
                            "master will redo the work by {time}.").format(number=n,
                                                                          time=when_))
    if decision == "refund":
        raw = needed(e.amount, "amount")  # minor units; a decimal string before migration 0016
        amount = r.money(raw if isinstance(raw, int) else round_major(Decimal(raw), r.cur))
        return Draft(_("💸 The desk has granted the client a partial refund of {amount} on "
                       "order #{number}.").format(number=n, amount=amount) if master
                     else _("💸 The desk has decided on your claim for order #{number}: a "
                            "partial refund of {amount}.").format(number=n, amount=amount))
    reason = _(CLAIM_REJECT_NAMES.get(e.reason or "", "Another reason"))
    return Draft(_("The client's claim on order #{number} was rejected. Reason: {reason}")
                 .format(number=n, reason=reason) if master
                 else _("The desk has rejected your claim for order #{number}. Reason: "
                        "{reason}").format(number=n, reason=reason))


@composes(ClientResolution)
def _client_resolution(e: ClientResolution, t: Target, r: Renderer) -> Draft:
    return _resolution(e, t, r, master=False)


@composes(MasterResolution)
def _master_resolution(e: MasterResolution, t: Target, r: Renderer) -> Draft:
    return _resolution(e, t, r, master=True)
