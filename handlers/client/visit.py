"""Moving the agreed visit, from either side: «📅 Propose another time» (the client's visit
messages and order view, the master's job message), then the other side's Accept / Keep.
The service decides which side the user is on; this module only talks to him.
Also the client's view of one order, opened from /orders."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons.client_orders import ClientAction, ClientOrder
from bot.buttons.visits import VisitAction, VisitAnswer, VisitPress
from bot.domain.errors import DomainError, InvalidInput, NotAllowed, NotFound
from bot.domain.rules import Actor, parse_visit
from bot.domain.states import Status
from bot.domain.typed import DateStyle
from bot.domain.views import OrderView, UserView
from bot.domain.visits import proposing_side
from bot.i18n import _, fmt_datetime, fmt_datetime_full, typing_style
from bot.notify.client_view import client_view
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.orders import get_order
from bot.services.visits import answer_proposal, propose_visit
from bot.texts import error_text
from fsm.states import Visit
from handlers.inputs import message_of
from handlers.keyboards import cancel_button
from handlers.master.shown import remember


def _is_master(actor: Actor, order: OrderView) -> bool:
    return actor.master_id is not None and actor.master_id == order.master_id


def view_for(actor: Actor, order: OrderView,
             renderer: Renderer) -> tuple[str, InlineKeyboardMarkup | None]:
    """The order as this user sees it: the master's job message or the client's view."""
    return renderer.job(order) if _is_master(actor, order) else client_view(renderer, order)


async def ask_proposal(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                       order_id: int, renderer: Renderer, style: DateStyle) -> None:
    """Checked before asking, so nobody types a time only to be refused."""
    order = await get_order(ctx, actor, order_id)  # NotFound for anyone else's order
    proposing_side(actor, order.parties)  # the desk watches; it does not propose
    if order.stopped:
        raise NotAllowed("error.job_stopped")
    if order.status != Status.SCHEDULED or order.visit_at is None:
        raise NotAllowed("error.wrong_state")
    await state.set_state(Visit.propose)
    await state.set_data({"order_id": order.id})
    await message.answer(
        _("The visit for order #{number} is agreed for {time}. Which time do you propose "
          "instead? Type a time for today, or a date and a time, for example {example}. The "
          "other side has to accept it; until then the agreed time stands.").format(
            number=order.id, time=fmt_datetime(order.visit_at, renderer.tz),
            example=style.visit_example()),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]]))


async def propose_button(query: CallbackQuery, callback_data: VisitPress, ctx: Context,
                         actor: Actor, state: FSMContext, renderer: Renderer,
                         user: UserView) -> None:
    await ask_proposal(message_of(query), state, ctx, actor, callback_data.order_id, renderer,
                       typing_style(user.language_code))
    await query.answer()


async def propose_time(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                       renderer: Renderer, user: UserView) -> None:
    order_id = int((await state.get_data())["order_id"])
    try:
        at = parse_visit(message.text or "", renderer.local_now(),
                         typing_style(user.language_code))
        order = await propose_visit(ctx, actor, order_id, at)
    except InvalidInput as exc:  # a time that cannot be proposed: type another one
        await message.answer(error_text(exc))
        return
    except DomainError:
        await state.clear()  # the order moved on: this conversation has nothing left to do
        raise
    await state.clear()
    text, kb = view_for(actor, order, renderer)
    shown = await message.answer(
        _("🔄 Your proposal of {time} has been sent. Until it is accepted, the visit stays at "
          "{current}.").format(time=fmt_datetime_full(at, renderer.tz),
                               current=fmt_datetime(order.visit_at or at, renderer.tz))
        + "\n\n" + text, reply_markup=kb)
    if _is_master(actor, order):
        await remember(ctx, order, shown)


async def propose_other(message: Message, user: UserView) -> None:
    example = typing_style(user.language_code).visit_example()
    await message.answer(error_text(InvalidInput("error.visit_format", example=example)))


async def answer(query: CallbackQuery, callback_data: VisitAnswer, ctx: Context, actor: Actor,
                 renderer: Renderer) -> None:
    accept = callback_data.action == VisitAction.ACCEPT
    order = await answer_proposal(ctx, actor, callback_data.order_id, callback_data.stamp,
                                  accept)
    when = fmt_datetime(order.visit_at, renderer.tz) if order.visit_at else "—"
    if accept:
        head = _("✅ Accepted: the visit for order #{number} is now at {time}. The other side "
                 "has been told.").format(number=order.id, time=when)
    else:
        head = _("The agreed time stands: the visit for order #{number} stays at {time}. The "
                 "other side has been told.").format(number=order.id, time=when)
    await query.answer()
    text, kb = view_for(actor, order, renderer)
    await message_of(query).edit_text(head + "\n\n" + text, reply_markup=kb)
    if _is_master(actor, order):
        await remember(ctx, order, message_of(query))


async def show_order(query: CallbackQuery, callback_data: ClientOrder, ctx: Context,
                     actor: Actor, renderer: Renderer) -> None:
    """One of the client's orders with the buttons that fit it (opened from /orders)."""
    order = await get_order(ctx, actor, callback_data.order_id)
    if order.client_id != actor.user_id:
        raise NotFound("error.not_found")
    await query.answer()
    text, kb = client_view(renderer, order)
    await message_of(query).answer(text, reply_markup=kb)


def make_router() -> Router:
    router = Router(name="visit")
    router.callback_query.register(propose_button,
                                   VisitPress.filter(F.action == VisitAction.PROPOSE))
    router.message.register(propose_time, Visit.propose, F.text)
    router.message.register(propose_other, Visit.propose)
    router.callback_query.register(answer, VisitAnswer.filter(
        F.action.in_({VisitAction.ACCEPT, VisitAction.KEEP})))
    router.callback_query.register(show_order, ClientOrder.filter(F.action == ClientAction.OPEN))
    return router
