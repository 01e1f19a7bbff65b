"""The client's review (SPEC §2.3): stars with one tap, then a comment (optional for 3–5,
the reason for 1–2, which alerts the desk [H]). Stored once, at the end."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.buttons.reviews import ReviewAction, ReviewStep, Stars, skip_comment_keyboard
from bot.domain.errors import Conflict, DomainError, NotAllowed
from bot.domain.reviews import LOW, MAX_STARS, MIN_STARS, stars_line
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.i18n import _
from bot.services.base import Context
from bot.services.orders import get_order
from bot.services.reviews import leave_review
from bot.texts import error_text
from fsm.states import ReviewStep as Reviewing
from handlers.inputs import close_press, message_of
from handlers.keyboards import with_cancel


async def stars(query: CallbackQuery, callback_data: Stars, ctx: Context, actor: Actor,
                state: FSMContext) -> None:
    given = callback_data.stars
    if not MIN_STARS <= given <= MAX_STARS:
        raise NotAllowed("error.outdated")
    order = await get_order(ctx, actor, callback_data.order_id)
    if order.client_id != actor.user_id or order.status not in (Status.COMPLETED,
                                                                 Status.DISPUTED):
        raise NotAllowed("error.not_allowed")
    if order.review_stars is not None:
        raise Conflict("error.already_reviewed")
    await state.set_state(Reviewing.comment)
    await state.set_data({"order_id": order.id, "stars": given})
    await close_press(query)
    mark = stars_line(given)
    if given <= LOW:
        await message_of(query).answer(
            _("{stars} We are sorry. Please tell us what went wrong: the desk will look into "
              "it.").format(stars=mark), reply_markup=with_cancel())
    else:
        await message_of(query).answer(
            _("{stars} Thank you! Add a few words for other clients, or press «Skip».").format(
                stars=mark),
            reply_markup=skip_comment_keyboard(order.id))


async def _store(target: Message, state: FSMContext, ctx: Context, actor: Actor,
                 comment: str | None) -> None:
    data = await state.get_data()
    try:
        await leave_review(ctx, actor, int(data["order_id"]), int(data["stars"]), comment)
    except DomainError as exc:
        if isinstance(exc, Conflict | NotAllowed):
            await state.clear()
        await target.answer(error_text(exc))  # the reason is asked again; nothing is lost
        return
    await state.clear()
    await target.answer(_("Thank you for your review!"))


async def comment(message: Message, state: FSMContext, ctx: Context, actor: Actor) -> None:
    await _store(message, state, ctx, actor, message.text)


async def skip(query: CallbackQuery, state: FSMContext, ctx: Context, actor: Actor) -> None:
    await _store(await close_press(query), state, ctx, actor, None)


async def comment_other(message: Message) -> None:
    await message.answer(error_text(DomainError("error.review_text")))


def make_router() -> Router:
    router = Router(name="client_review")
    router.callback_query.register(stars, Stars.filter(F.action == ReviewAction.RATE_WORK))
    router.message.register(comment, Reviewing.comment, F.text)
    router.callback_query.register(skip, Reviewing.comment,
                                   ReviewStep.filter(F.action == ReviewAction.SKIP_COMMENT))
    router.message.register(comment_other, Reviewing.comment)
    return router
