"""The desk's order card: assign, reject, withdraw, cancel, a new code. Every press is
re-authorised: only desk members may act, and the services check again."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.errors import NotAllowed
from bot.domain.rules import Actor
from bot.domain.views import OrderView
from bot.i18n import _
from bot.notify.render import CANCEL_REASON_NAMES, REJECT_REASON_NAMES, Renderer, button
from bot.services.base import Context
from bot.services.field import resume_job
from bot.services.offers import candidates, offer_order, withdraw_offer
from bot.services.orders import (
    CANCEL_REASONS,
    REJECT_REASONS,
    cancel_order,
    get_order,
    reject_order,
)
from bot.services.requests import decide_extension, decide_release
from bot.services.work import reissue_code

router = Router(name="desk_orders")
DESK_ACTIONS = {"dasg", "dpick", "drej", "drr", "dcan", "dcr", "dwd", "dcode", "dback", "dres",
                "dext", "drel"}


@router.callback_query(Cb.filter(F.a.in_(DESK_ACTIONS)))
async def desk_action(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                      renderer: Renderer) -> None:
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")
    assert isinstance(query.message, Message)
    a, order_id, x = callback_data.a, callback_data.o, callback_data.x
    back = [button(_("⬅️ Back"), "dback", order_id)]
    if a == "dasg":
        masters = await candidates(ctx, actor, order_id)
        if not masters:
            await query.answer(_("No verified masters do this service yet."), show_alert=True)
            return
        rows = [[button(f"{m.name} ✅", "dpick", order_id, m.id)] for m in masters[:20]]
        await query.message.edit_reply_markup(
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[*rows, back]))
    elif a == "dpick":
        order = await offer_order(ctx, actor, order_id, x)
        await query.answer(_("Offer sent to the master."))
        await _redraw(query.message, renderer, order)
        return
    elif a == "drej":
        rows = [[button(_(REJECT_REASON_NAMES[r]), "drr", order_id, i)]
                for i, r in enumerate(REJECT_REASONS)]
        await query.message.edit_reply_markup(
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[*rows, back]))
    elif a == "drr":
        if not 0 <= x < len(REJECT_REASONS):
            raise NotAllowed("error.outdated")
        order = await reject_order(ctx, actor, order_id, REJECT_REASONS[x])
        await query.answer(_("The order is rejected; the client has been told why."))
        await _redraw(query.message, renderer, order)
        return
    elif a == "dcan":
        rows = [[button(_(CANCEL_REASON_NAMES[r]), "dcr", order_id, i)]
                for i, r in enumerate(CANCEL_REASONS)]
        await query.message.edit_reply_markup(
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[*rows, back]))
    elif a == "dcr":
        if not 0 <= x < len(CANCEL_REASONS):
            raise NotAllowed("error.outdated")
        order = await cancel_order(ctx, actor, order_id, CANCEL_REASONS[x])
        await query.answer(_("The order is cancelled."))
        await _redraw(query.message, renderer, order)
        return
    elif a == "dwd":
        order = await withdraw_offer(ctx, actor, order_id)
        await query.answer(_("The offer is withdrawn."))
        await _redraw(query.message, renderer, order)
        return
    elif a == "dext":
        order = await decide_extension(ctx, actor, order_id, x or None)
        await query.answer(_("Done; the master has been told."))
        await _redraw(query.message, renderer, order)
        return
    elif a == "drel":
        order = await decide_release(ctx, actor, order_id, bool(x))
        await query.answer(_("Done; the master has been told."))
        await _redraw(query.message, renderer, order)
        return
    elif a == "dres":
        order = await resume_job(ctx, actor, order_id)
        await query.answer(_("The job is resumed; the master and the client have been told."))
        await _redraw(query.message, renderer, order)
        return
    elif a == "dcode":
        order = await reissue_code(ctx, actor, order_id)
        await query.answer(_("A new code has been sent to the client."))
        await _redraw(query.message, renderer, order)
        return
    else:  # dback
        order = await get_order(ctx, actor, order_id)
        await _redraw(query.message, renderer, order)
    await query.answer()


async def _redraw(message: Message, renderer: Renderer, order: OrderView) -> None:
    """Show the card's own buttons again at once; the outbox brings the full text."""
    await message.edit_reply_markup(reply_markup=renderer.card_keyboard(order))
