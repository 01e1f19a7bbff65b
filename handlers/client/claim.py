"""A warranty claim (SPEC §2.7): from the completed order's view → what is wrong → photos of
the problem → sent to the desk, which decides. Within the warranty only [R §5]."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.album_parts import AlbumCollector
from bot.callbacks import Cb
from bot.domain.complaints import MAX_TEXT, MIN_TEXT
from bot.domain.deadlines import warranty_ends_at
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.i18n import _
from bot.notify.render import Renderer, button
from bot.services.base import Context
from bot.services.complaints import open_claim
from bot.services.orders import get_order
from bot.texts import error_text
from fsm.states import Claim
from handlers.inputs import add_photo, answer_once, message_of, photos_added
from handlers.keyboards import cancel_button, with_cancel

router = Router(name="client_claim")


def photos_kb() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[button(_("📨 Send the claim"), "clms")],
                                                 [cancel_button()]])


@router.callback_query(Cb.filter(F.a == "clm"))
async def start(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                state: FSMContext, renderer: Renderer) -> None:
    order = await get_order(ctx, actor, callback_data.o)
    if order.client_id != actor.user_id:
        raise NotFound("error.not_found")
    if order.status != Status.COMPLETED:
        raise NotAllowed("error.wrong_state")
    end = warranty_ends_at(order.reported_at, order.warranty_months, renderer.tz)
    if end is None or datetime.now(UTC) >= end:  # checked before he types anything
        raise NotAllowed("error.no_warranty")
    await state.set_state(Claim.what)
    await state.set_data({"order_id": order.id, "text": "", "photos": []})
    await query.answer()
    await message_of(query).answer(
        _("What is wrong with the work on order #{number}? Describe the problem.").format(
            number=order.id), reply_markup=with_cancel())


@router.message(Claim.what, F.text)
async def what(message: Message, state: FSMContext) -> None:
    text = " ".join((message.text or "").split())
    if not MIN_TEXT <= len(text) <= MAX_TEXT or text.startswith("/"):
        await message.answer(error_text(DomainError("error.claim_text")))
        return
    await state.update_data(text=text)
    await state.set_state(Claim.photos)
    await message.answer(_("Send photos of the problem (at least one), then press «Send the "
                           "claim»."), reply_markup=photos_kb())


@router.message(Claim.what)
async def what_other(message: Message) -> None:
    await message.answer(error_text(DomainError("error.claim_text")))


@router.message(Claim.photos, F.photo)
async def photo(message: Message, state: FSMContext, albums: AlbumCollector) -> None:
    photos = list((await state.get_data()).get("photos") or [])
    refusal = add_photo(message, photos)
    if refusal is None:
        await state.update_data(photos=photos)
    await answer_once(message, albums, refusal, lambda p: photos_added(p, len(photos)),
                      photos_kb())


@router.message(Claim.photos)
async def photo_other(message: Message) -> None:
    await message.answer(error_text(DomainError("error.claim_photo")), reply_markup=photos_kb())


@router.callback_query(Claim.photos, Cb.filter(F.a == "clms"))
async def send(query: CallbackQuery, state: FSMContext, ctx: Context, actor: Actor,
               renderer: Renderer) -> None:
    data = await state.get_data()
    photos = list(data.get("photos") or [])
    if not photos:  # nothing lost: he adds a photo and presses again
        await query.answer(error_text(DomainError("error.claim_photo")), show_alert=True)
        return
    order = await open_claim(ctx, actor, int(data["order_id"]), str(data["text"]), photos)
    await state.clear()
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await message_of(query).answer(_("Your claim on order #{number} has been sent. The desk "
                                     "will look into it and write to you here.").format(
        number=order.id))
