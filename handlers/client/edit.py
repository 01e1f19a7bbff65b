"""The client changes a placed order (SPEC §1, §2.2 [R §3]) from its view in /orders: the
description and photos, the address, or the time, until the master is on site.

The steps are New order's own (handlers/client/order_steps.py) on an OrderDraft marked
`edit_of`: the same checks and the same re-asking on bad input, kept in FSM storage (so the
change survives a restart) and left with /cancel. When the step is done, the one changed field
is shown to be saved instead of the summary; saving is a use case (bot/services/edits.py).
A new time once the visit is agreed is a proposal the master accepts (handlers/client/
visit.py). The service is never changed: a different service is a new order.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from bot.buttons.client_orders import ClientAction, ClientOrder
from bot.buttons.edit_order import EditAction, EditOrderCb, choice_rows
from bot.buttons.menus import new_order_button
from bot.domain.edits import FIELDS
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.domain.views import MasterView, OrderView, UserView
from bot.i18n import _, typing_style
from bot.notify.client_view import client_view
from bot.notify.render import Renderer
from bot.services.base import Context, Policy
from bot.services.edits import edit_address, edit_description, edit_time, editable_order
from bot.texts import error_text
from fsm.draft import OrderDraft
from fsm.states import EditOrder
from handlers.client.order_steps import FORM, OrderEnv
from handlers.client.visit import ask_proposal
from handlers.inputs import chosen, message_of
from handlers.keyboards import menu, with_cancel

CHOICES = (*FIELDS, "service")  # the buttons' order: x indexes it


def draft_of(order: OrderView, field: str) -> OrderDraft:
    """The order as a draft, so New order's steps can change one field of it."""
    return OrderDraft(
        service=order.service, description=order.description, photos=list(order.photos),
        address=order.address, latitude=order.latitude, longitude=order.longitude,
        district=order.district, district_asked=True,
        time_kind="urgent" if order.urgent else "date", visit_date=order.visit_date,
        visit_slot=order.visit_slot, phone=order.phone, payment=order.payment,
        edit_of=order.id, edit_field=field)


async def edit_menu(query: CallbackQuery, callback_data: ClientOrder, ctx: Context,
                    actor: Actor) -> None:
    order = await editable_order(ctx, actor, callback_data.order_id)  # refused once on site
    await query.answer()
    labels = (_("📝 Description and photos"), _("📍 Address"), _("📅 Time"), _("🛠 Service"))
    await message_of(query).answer(
        _("What do you want to change in order #{number}? The desk will be told, and so will "
          "the master once one has accepted the order.").format(number=order.id),
        reply_markup=with_cancel(*choice_rows(order.id, labels)))


async def edit_choice(query: CallbackQuery, callback_data: EditOrderCb, ctx: Context, actor: Actor,
                      state: FSMContext, renderer: Renderer, policy: Policy,
                      user: UserView) -> None:
    field = chosen(CHOICES, callback_data.index)
    order = await editable_order(ctx, actor, callback_data.order_id)
    message = message_of(query)
    if field == "service":
        await query.answer()
        await message.answer(
            _("The service of an order cannot be changed: a different service is a new order. "
              "Place a new order for it, and cancel this one if you no longer need it."),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[new_order_button()]]))
        return
    if field == "time" and order.status == Status.SCHEDULED:
        # The visit is agreed: the master has to accept another time [C 3(2)].
        await ask_proposal(message, state, ctx, actor, order.id, renderer,
                           typing_style(user.language_code))
        await query.answer()
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await FORM.ask(field, message, state, draft_of(order, field),
                   OrderEnv.of(ctx, renderer, policy, user))


async def _apply(ctx: Context, actor: Actor, draft: OrderDraft) -> OrderView:
    if draft.edit_of is None:
        raise InvalidInput("error.outdated")
    if draft.edit_field == "description":
        return await edit_description(ctx, actor, draft.edit_of, draft.description or "",
                                      draft.photos)
    if draft.edit_field == "address":
        return await edit_address(ctx, actor, draft.edit_of, draft.address, draft.latitude,
                                  draft.longitude, draft.district)
    return await edit_time(ctx, actor, draft.edit_of, draft.time_kind == "urgent",
                           draft.visit_date, draft.visit_slot)


async def save_edit(query: CallbackQuery, ctx: Context, actor: Actor, state: FSMContext,
                    renderer: Renderer, master: MasterView | None = None) -> None:
    draft = await FORM.load(state)
    message = message_of(query)
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    try:
        order = await _apply(ctx, actor, draft)
    except DomainError as exc:  # nothing was changed: say why, and the conversation ends
        await state.clear()
        await message.answer(error_text(exc), reply_markup=menu(master))
        return
    await state.clear()
    head = (_("✅ Saved. The master and the desk have been told.") if order.master_id
            else _("✅ Saved. The desk has been told."))
    text, kb = client_view(renderer, order)
    await message.answer(head + "\n\n" + text, reply_markup=kb)


def make_router() -> Router:
    router = Router(name="edit_order")
    cb = router.callback_query.register
    cb(edit_menu, ClientOrder.filter(F.action == ClientAction.EDIT))  # the order's view
    cb(edit_choice, EditOrderCb.filter(F.action == EditAction.CHOOSE))
    cb(save_edit, EditOrder.review, EditOrderCb.filter(F.action == EditAction.SAVE))
    return router
