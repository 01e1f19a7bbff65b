"""The desk's order card: assign, reject, withdraw, cancel, a new code. Every press is
re-authorised: only desk members may act, and the services check again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.complaints import REJECT_REASONS as CLAIM_REJECT_REASONS
from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor
from bot.domain.views import OrderView
from bot.i18n import N_, _
from bot.notify.render import (
    CANCEL_REASON_NAMES,
    CLAIM_REJECT_NAMES,
    REJECT_REASON_NAMES,
    Renderer,
    button,
)
from bot.services.base import Context
from bot.services.common import card_menu_shown
from bot.services.complaints import resolve_claim, rework_done
from bot.services.completion import reissue_code
from bot.services.field import resume_job
from bot.services.master_requests import decide_extension, decide_release, take_away
from bot.services.matching import auto_offer, candidates
from bot.services.offers import offer_order, withdraw_offer
from bot.services.orders import (
    CANCEL_REASONS,
    REJECT_REASONS,
    cancel_order,
    get_order,
    reject_order,
)

router = Router(name="desk_orders")
Act = Callable[[Context, Actor, int, int], Awaitable[OrderView]]


def _reason(reasons: tuple[str, ...], x: int) -> str:
    if not 0 <= x < len(reasons):
        raise NotAllowed("error.outdated")
    return reasons[x]


# Presses that change the order: (use case, what the manager is told). Each use case
# re-checks that the actor is a desk member and that the order's state allows it.
CHANGES: dict[str, tuple[Act, str]] = {
    "dpick": (lambda c, a, o, x: offer_order(c, a, o, x), N_("Offer sent to the master.")),
    "drr": (lambda c, a, o, x: reject_order(c, a, o, _reason(REJECT_REASONS, x)),
            N_("The order is rejected; the client has been told why.")),
    "dcr": (lambda c, a, o, x: cancel_order(c, a, o, _reason(CANCEL_REASONS, x)),
            N_("The order is cancelled.")),
    "dwd": (lambda c, a, o, x: withdraw_offer(c, a, o), N_("The offer is withdrawn.")),
    "dext": (lambda c, a, o, x: decide_extension(c, a, o, x or None),
             N_("Done; the master has been told.")),
    "drel": (lambda c, a, o, x: decide_release(c, a, o, bool(x)),
             N_("Done; the master has been told.")),
    "dauto": (lambda c, a, o, x: auto_offer(c, a, o),
              N_("Auto: the offer went to the best candidate.")),
    "dtake": (lambda c, a, o, x: take_away(c, a, o),
              N_("The job is taken away; the order is back in matching.")),
    "dres": (lambda c, a, o, x: resume_job(c, a, o),
             N_("The job is resumed; the master and the client have been told.")),
    "dcode": (lambda c, a, o, x: reissue_code(c, a, o),
              N_("A new code has been sent to the client.")),
    "dcw": (lambda c, a, o, x: resolve_claim(c, a, o, "rework", hours=x),
            N_("Rework ordered; the client and the master have been told.")),
    "dcxr": (lambda c, a, o, x: resolve_claim(c, a, o, "rejected",
                                              reason=_reason(CLAIM_REJECT_REASONS, x)),
             N_("The claim is rejected; the client has been told why.")),
    "dcwd": (lambda c, a, o, x: rework_done(c, a, o), N_("The rework is marked done.")),
    "dback": (lambda c, a, o, x: get_order(c, a, o), ""),
}
# Presses that only open a choice on the card: (the reasons, their names, the follow-up).
CHOICES = {"drej": (REJECT_REASONS, REJECT_REASON_NAMES, "drr"),
           "dcan": (CANCEL_REASONS, CANCEL_REASON_NAMES, "dcr"),
           "dcx": (CLAIM_REJECT_REASONS, CLAIM_REJECT_NAMES, "dcxr")}


@router.callback_query(Cb.filter(F.a.in_({"dasg", *CHANGES, *CHOICES})))
async def desk_action(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                      renderer: Renderer) -> None:
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
    assert isinstance(query.message, Message)
    a, order_id, x = callback_data.a, callback_data.o, callback_data.x
    if a in CHANGES:
        use_case, told = CHANGES[a]
        order = await use_case(ctx, actor, order_id, x)
        await query.answer(_(told) if told else None)
        await _redraw(query.message, renderer, order)
        return
    if a == "dasg":
        ranked = await candidates(ctx, actor, order_id)
        if not ranked.candidates:
            await query.answer(_("No verified masters do this service yet."), show_alert=True)
            return
        # Why each ranks where he does, in a line each, under the card in the topic.
        await query.bot.send_message(  # type: ignore[union-attr]
            query.message.chat.id, renderer.candidates(ranked.order, ranked.candidates),
            message_thread_id=query.message.message_thread_id)
        rows = [[button(renderer.candidate_button(i, c), "dpick", order_id, c.master_id)]
                for i, c in enumerate(ranked.candidates[:20], 1)]
        rows.append([button(_("🤖 Auto"), "dauto", order_id)])
    else:
        reasons, names, follow = CHOICES[a]
        rows = [[button(_(names[r]), follow, order_id, i)] for i, r in enumerate(reasons)]
    back = [button(_("⬅️ Back"), "dback", order_id)]
    await card_menu_shown(ctx, order_id=order_id)
    await query.message.edit_reply_markup(
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[*rows, back]))
    await query.answer()


async def _redraw(message: Message, renderer: Renderer, order: OrderView) -> None:
    """Show the card's own buttons again at once; the outbox brings the full text."""
    await message.edit_reply_markup(reply_markup=renderer.card_keyboard(order))
