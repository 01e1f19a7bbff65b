"""The master's side of a job: accept or decline an offer, enter the client's code, rate
the client. (The completion report is handlers/master/report.py.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.buttons.jobs import Job, JobAction
from bot.buttons.offers import Offer, OfferAction
from bot.buttons.reviews import ReviewAction, Stars
from bot.domain.errors import Conflict, NotAllowed
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.i18n import _, ngettext
from bot.notify.keyboards import client_stars_keyboard
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.completion import confirm_with_code
from bot.services.offers import accept_offer, decline_offer
from bot.services.orders import get_order
from bot.services.reviews import rate_client
from fsm.states import Code
from handlers.inputs import close_press, message_of
from handlers.master.shown import show_job


@asynccontextmanager
async def offer_press(query: CallbackQuery, renderer: Renderer,
                      order_id: int) -> AsyncIterator[None]:
    """A late press on an ended offer: the alert says why (errors middleware), and this copy
    of the offer says it too and loses its buttons."""
    try:
        yield
    except Conflict as exc:
        closed, shown = exc.params.get("closed"), message_of(query)
        # Without buttons it already says so (the outbox edited it): an edit would be refused
        # as "not modified".
        if isinstance(closed, str) and shown.reply_markup is not None:
            with suppress(TelegramBadRequest):  # edited meanwhile: nothing more to say
                await shown.edit_text(renderer.offer_closed(order_id, closed))
        raise


async def accept(query: CallbackQuery, callback_data: Offer, ctx: Context, actor: Actor,
                 renderer: Renderer) -> None:
    async with offer_press(query, renderer, callback_data.order_id):
        order = await accept_offer(ctx, actor, callback_data.order_id)
    await query.answer(_("The job is yours."))
    await show_job(ctx, renderer, order, message_of(query), edit=True)


async def decline(query: CallbackQuery, callback_data: Offer, ctx: Context, actor: Actor,
                  renderer: Renderer) -> None:
    order_id = callback_data.order_id
    async with offer_press(query, renderer, order_id):
        await decline_offer(ctx, actor, order_id)
    await query.answer()
    await message_of(query).edit_text(renderer.offer_closed(order_id, "declined"))


# --- the client's code ---------------------------------------------------------------------

async def code_button(query: CallbackQuery, callback_data: Job, ctx: Context, actor: Actor,
                      state: FSMContext) -> None:
    order = await get_order(ctx, actor, callback_data.order_id)
    if order.master_id != actor.master_id or order.status != Status.AWAITING_CONFIRMATION:
        raise NotAllowed("error.wrong_state")
    await state.set_state(Code.entering)
    await state.set_data({"order_id": order.id})
    await query.answer()
    await message_of(query).answer(_("Type the client's confirmation code for order #{number}:")
                             .format(number=order.id))


async def code_entered(message: Message, state: FSMContext, ctx: Context, actor: Actor) -> None:
    order_id = int((await state.get_data())["order_id"])
    result = await confirm_with_code(ctx, actor, order_id, message.text or "")
    if result.completed:
        await state.clear()
        await message.answer(_("✅ Order #{number} is completed. Thank you for your work!")
                             .format(number=order_id) + "\n\n" + _("How was the client? "
                                                                     "Rate them:"),
                             reply_markup=client_stars_keyboard(order_id))
    elif result.locked:
        await state.clear()
        await message.answer(_("Too many wrong codes: confirmation is locked and the desk has "
                               "been alerted. The desk will contact you."))
    else:
        await message.answer(ngettext("Wrong code. {n} attempt left.",
                                      "Wrong code. {n} attempts left.",
                                      result.attempts_left).format(n=result.attempts_left))


async def code_other(message: Message) -> None:
    await message.answer(_("Type the code as digits."))


async def rate_the_client(query: CallbackQuery, callback_data: Stars, ctx: Context,
                          actor: Actor) -> None:
    """[H] the master's one tap on the client."""
    await rate_client(ctx, actor, callback_data.order_id, callback_data.stars)
    await close_press(query, _("Thank you: your rating is saved."))


def make_router() -> Router:
    router = Router(name="master_jobs")
    cq, msg = router.callback_query, router.message
    cq.register(accept, Offer.filter(F.action == OfferAction.ACCEPT))
    cq.register(decline, Offer.filter(F.action == OfferAction.DECLINE))
    cq.register(code_button, Job.filter(F.action == JobAction.CODE))
    msg.register(code_entered, Code.entering, F.text)
    msg.register(code_other, Code.entering)
    cq.register(rate_the_client, Stars.filter(F.action == ReviewAction.RATE_CLIENT))
    return router
