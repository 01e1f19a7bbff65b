"""The client's review (SPEC §2.3): stars with one tap, then a comment (optional for 3–5,
the reason for 1–2, which alerts the desk [H]). Stored once, at the end."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.errors import Conflict, DomainError, NotAllowed
from bot.domain.reviews import LOW, MAX_STARS, MIN_STARS, stars_line
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.i18n import _
from bot.notify.render import button
from bot.services.base import Context
from bot.services.orders import get_order
from bot.services.reviews import leave_review
from bot.texts import error_text
from fsm.states import ReviewStep
from handlers.inputs import message_of
from handlers.keyboards import with_cancel

router = Router(name="client_review")


@router.callback_query(Cb.filter(F.a == "rv"))
async def stars(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                state: FSMContext) -> None:
    if not MIN_STARS <= callback_data.x <= MAX_STARS:
        raise NotAllowed("error.outdated")
    order = await get_order(ctx, actor, callback_data.o)
    if order.client_id != actor.user_id or order.status not in (Status.COMPLETED,
                                                                 Status.DISPUTED):
        raise NotAllowed("error.not_allowed")
    if order.review_stars is not None:
        raise Conflict("error.already_reviewed")
    await state.set_state(ReviewStep.comment)
    await state.set_data({"order_id": order.id, "stars": callback_data.x})
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    mark = stars_line(callback_data.x)
    if callback_data.x <= LOW:
        await message_of(query).answer(
            _("{stars} We are sorry. Please tell us what went wrong: the desk will look into "
              "it.").format(stars=mark), reply_markup=with_cancel())
    else:
        await message_of(query).answer(
            _("{stars} Thank you! Add a few words for other clients, or press «Skip».").format(
                stars=mark),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button(_("Skip ▶️"), "rvs")]]))


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


@router.message(ReviewStep.comment, F.text)
async def comment(message: Message, state: FSMContext, ctx: Context, actor: Actor) -> None:
    await _store(message, state, ctx, actor, message.text)


@router.callback_query(ReviewStep.comment, Cb.filter(F.a == "rvs"))
async def skip(query: CallbackQuery, state: FSMContext, ctx: Context, actor: Actor) -> None:
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await _store(message_of(query), state, ctx, actor, None)


@router.message(ReviewStep.comment)
async def comment_other(message: Message) -> None:
    await message.answer(error_text(DomainError("error.review_text")))
