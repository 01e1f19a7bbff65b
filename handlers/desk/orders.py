"""The desk's order card: assign, reject, withdraw, cancel, a new code, the masters' requests
and the clients' claims. One small handler per press, each calling its use case; the desk
router lets only desk members' presses through (handlers/desk/members.py), and every use case
checks again that the actor is a desk member and that the order's state allows it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

from aiogram import F, Router
from aiogram.types import CallbackQuery

from bot.buttons.desk import (
    DeskAction,
    DeskHours,
    DeskOffer,
    DeskOrder,
    DeskReason,
    DeskRelease,
    candidates_keyboard,
    reasons_keyboard,
)
from bot.domain.complaints import REJECT_REASONS as CLAIM_REJECT_REASONS
from bot.domain.rules import Actor
from bot.domain.views import OrderView
from bot.i18n import N_, _
from bot.notify.render import (
    CANCEL_REASON_NAMES,
    CLAIM_REJECT_NAMES,
    REJECT_REASON_NAMES,
    Renderer,
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
from handlers.inputs import chosen, message_of


async def _changed(query: CallbackQuery, renderer: Renderer, order: OrderView,
                   told: str | None) -> None:
    """Tell the manager what happened and show the card's own buttons again at once; the
    outbox brings the full text."""
    await query.answer(told)
    await message_of(query).edit_reply_markup(reply_markup=renderer.card_keyboard(order))


# --- presses that change the order ---------------------------------------------------------

OrderCase = Callable[[Context, Actor, int], Awaitable[OrderView]]
ReasonCase = Callable[[Context, Actor, int, str], Awaitable[OrderView]]
Handler = Callable[..., Awaitable[None]]


def _order_press(use_case: OrderCase, told: str) -> Handler:
    """The handler of a press whose use case needs only the order: run it, tell `told`
    (marked with N_, translated per press)."""
    async def press(query: CallbackQuery, callback_data: DeskOrder, ctx: Context, actor: Actor,
                    renderer: Renderer) -> None:
        order = await use_case(ctx, actor, callback_data.order_id)
        await _changed(query, renderer, order, _(told))
    return press


def _reason_press(reasons: tuple[str, ...], use_case: ReasonCase, told: str) -> Handler:
    """The same for a reason picked from `reasons` by its index."""
    async def press(query: CallbackQuery, callback_data: DeskReason, ctx: Context,
                    actor: Actor, renderer: Renderer) -> None:
        reason = chosen(reasons, callback_data.index)
        order = await use_case(ctx, actor, callback_data.order_id, reason)
        await _changed(query, renderer, order, _(told))
    return press


auto = _order_press(auto_offer, N_("Auto: the offer went to the best candidate."))
withdraw = _order_press(withdraw_offer, N_("The offer is withdrawn."))
take = _order_press(take_away, N_("The job is taken away; the order is back in matching."))
resume = _order_press(resume_job,
                      N_("The job is resumed; the master and the client have been told."))
new_code = _order_press(reissue_code, N_("A new code has been sent to the client."))
rework_finished = _order_press(rework_done, N_("The rework is marked done."))
reject = _reason_press(REJECT_REASONS, reject_order,
                       N_("The order is rejected; the client has been told why."))
cancel = _reason_press(CANCEL_REASONS, cancel_order, N_("The order is cancelled."))

async def offer_to(query: CallbackQuery, callback_data: DeskOffer, ctx: Context, actor: Actor,
                   renderer: Renderer) -> None:
    order = await offer_order(ctx, actor, callback_data.order_id, callback_data.master_id)
    await _changed(query, renderer, order, _("Offer sent to the master."))


async def extend(query: CallbackQuery, callback_data: DeskHours, ctx: Context, actor: Actor,
                 renderer: Renderer) -> None:
    """More time for the master; 0 hours refuses it."""
    order = await decide_extension(ctx, actor, callback_data.order_id,
                                   callback_data.hours or None)
    await _changed(query, renderer, order, _("Done; the master has been told."))


async def release(query: CallbackQuery, callback_data: DeskRelease, ctx: Context,
                  actor: Actor, renderer: Renderer) -> None:
    order = await decide_release(ctx, actor, callback_data.order_id, callback_data.release)
    await _changed(query, renderer, order, _("Done; the master has been told."))


async def rework(query: CallbackQuery, callback_data: DeskHours, ctx: Context, actor: Actor,
                 renderer: Renderer) -> None:
    order = await resolve_claim(ctx, actor, callback_data.order_id, "rework",
                                hours=callback_data.hours)
    await _changed(query, renderer, order,
                   _("Rework ordered; the client and the master have been told."))


async def reject_claim(query: CallbackQuery, callback_data: DeskReason, ctx: Context,
                       actor: Actor, renderer: Renderer) -> None:
    reason = chosen(CLAIM_REJECT_REASONS, callback_data.index)
    order = await resolve_claim(ctx, actor, callback_data.order_id, "rejected", reason=reason)
    await _changed(query, renderer, order,
                   _("The claim is rejected; the client has been told why."))


async def back(query: CallbackQuery, callback_data: DeskOrder, ctx: Context, actor: Actor,
               renderer: Renderer) -> None:
    """From a choice back to the card's own buttons."""
    await _changed(query, renderer, await get_order(ctx, actor, callback_data.order_id), None)


# --- presses that open a choice on the card -------------------------------------------------

def _reasons_menu(action: DeskAction, reasons: tuple[str, ...],
                  names: Mapping[str, str]) -> Handler:
    """The handler opening the list of `reasons` (by their names) that `action` picks from."""
    async def menu(query: CallbackQuery, callback_data: DeskOrder, ctx: Context) -> None:
        await _choices(query, ctx, action, callback_data.order_id,
                       [_(names[r]) for r in reasons])
    return menu


async def _choices(query: CallbackQuery, ctx: Context, action: DeskAction, order_id: int,
                   labels: Sequence[str]) -> None:
    await card_menu_shown(ctx, order_id=order_id)
    await message_of(query).edit_reply_markup(
        reply_markup=reasons_keyboard(action, order_id, labels))
    await query.answer()


reject_menu = _reasons_menu(DeskAction.REJECT, REJECT_REASONS, REJECT_REASON_NAMES)
cancel_menu = _reasons_menu(DeskAction.CANCEL, CANCEL_REASONS, CANCEL_REASON_NAMES)
reject_claim_menu = _reasons_menu(DeskAction.REJECT_CLAIM, CLAIM_REJECT_REASONS,
                                  CLAIM_REJECT_NAMES)


async def assign_menu(query: CallbackQuery, callback_data: DeskOrder, ctx: Context,
                      actor: Actor, renderer: Renderer) -> None:
    order_id, card = callback_data.order_id, message_of(query)
    ranked = await candidates(ctx, actor, order_id)
    if not ranked.candidates:
        await query.answer(_("No verified masters do this service yet."), show_alert=True)
        return
    # Why each ranks where he does, in a line each, under the card in the topic.
    await query.bot.send_message(  # type: ignore[union-attr]
        card.chat.id, renderer.candidates(ranked.order, ranked.candidates),
        message_thread_id=card.message_thread_id)
    await card_menu_shown(ctx, order_id=order_id)
    await card.edit_reply_markup(reply_markup=candidates_keyboard(order_id, [
        (renderer.candidate_button(i, c), c.master_id)
        for i, c in enumerate(ranked.candidates[:20], 1)]))
    await query.answer()


def make_router() -> Router:
    """One handler per press, in the card's order."""
    router = Router(name="desk_orders")
    cq = router.callback_query
    cq.register(assign_menu, DeskOrder.filter(F.action == DeskAction.ASSIGN_MENU))
    cq.register(offer_to, DeskOffer.filter(F.action == DeskAction.OFFER_TO))
    cq.register(auto, DeskOrder.filter(F.action == DeskAction.AUTO))
    cq.register(reject_menu, DeskOrder.filter(F.action == DeskAction.REJECT_MENU))
    cq.register(reject, DeskReason.filter(F.action == DeskAction.REJECT))
    cq.register(withdraw, DeskOrder.filter(F.action == DeskAction.WITHDRAW))
    cq.register(new_code, DeskOrder.filter(F.action == DeskAction.NEW_CODE))
    cq.register(resume, DeskOrder.filter(F.action == DeskAction.RESUME))
    cq.register(rework, DeskHours.filter(F.action == DeskAction.REWORK))
    cq.register(reject_claim_menu, DeskOrder.filter(F.action == DeskAction.REJECT_CLAIM_MENU))
    cq.register(reject_claim, DeskReason.filter(F.action == DeskAction.REJECT_CLAIM))
    cq.register(rework_finished, DeskOrder.filter(F.action == DeskAction.REWORK_DONE))
    cq.register(take, DeskOrder.filter(F.action == DeskAction.TAKE_AWAY))
    cq.register(extend, DeskHours.filter(F.action == DeskAction.EXTEND))
    cq.register(release, DeskRelease.filter(F.action == DeskAction.RELEASE))
    cq.register(cancel_menu, DeskOrder.filter(F.action == DeskAction.CANCEL_MENU))
    cq.register(cancel, DeskReason.filter(F.action == DeskAction.CANCEL))
    cq.register(back, DeskOrder.filter(F.action == DeskAction.BACK))
    return router
