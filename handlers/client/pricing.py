"""The client's one-tap answers to the master's quote and extras [C 一.3, 五.2; V: consent
before the price rises]. The service re-checks that the order and the item are his."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.buttons.prices import PriceAction, PriceAnswer
from bot.domain.rules import Actor
from bot.domain.views import OrderView
from bot.i18n import _
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.pricing import decide_extra, decide_quote
from handlers.inputs import close_press

Decide = Callable[[Context, Actor, int, int, bool], Awaitable[OrderView]]


async def _decided(query: CallbackQuery, data: PriceAnswer, ctx: Context, actor: Actor,
                   decide: Decide, yes: PriceAction) -> tuple[OrderView, bool, Message]:
    """The client's answer (`yes` or not) passed to `decide`; the buttons taken off their
    message, which the reply follows."""
    agreed = data.action == yes
    order = await decide(ctx, actor, data.order_id, data.item_id, agreed)
    return order, agreed, await close_press(query)


async def answer_quote(query: CallbackQuery, callback_data: PriceAnswer, ctx: Context,
                       actor: Actor, renderer: Renderer) -> None:
    order, accept, message = await _decided(query, callback_data, ctx, actor, decide_quote,
                                            PriceAction.ACCEPT_QUOTE)
    item = order.price_item(callback_data.item_id)
    amount = renderer.money(item.amount) if item else "—"
    if accept:
        text = _("✅ You accepted the quote of {amount} for order #{number}. From now on the "
                 "price can rise only by extras you approve.")
    else:
        text = _("You declined the quote of {amount} for order #{number}. The master has been "
                 "told and may send a new one.")
    await message.answer(text.format(amount=amount, number=order.id))


async def answer_extra(query: CallbackQuery, callback_data: PriceAnswer, ctx: Context,
                       actor: Actor, renderer: Renderer) -> None:
    order, approve, message = await _decided(query, callback_data, ctx, actor, decide_extra,
                                             PriceAction.APPROVE_EXTRA)
    cap = order.breakdown.cap
    if approve:
        text = _("✅ Extra approved. The agreed price for order #{number} is now up to "
                 "{amount}.").format(number=order.id,
                                     amount=renderer.money(cap) if cap is not None else "—")
    else:
        text = _("You declined the extra on order #{number}. The master has been told.").format(
            number=order.id)
    await message.answer(text)


def make_router() -> Router:
    router = Router(name="client_pricing")
    router.callback_query.register(answer_quote, PriceAnswer.filter(
        F.action.in_({PriceAction.ACCEPT_QUOTE, PriceAction.DECLINE_QUOTE})))
    router.callback_query.register(answer_extra, PriceAnswer.filter(
        F.action.in_({PriceAction.APPROVE_EXTRA, PriceAction.DECLINE_EXTRA})))
    return router
