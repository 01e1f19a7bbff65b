"""A warranty claim (SPEC §2.7): from the completed order's view → what is wrong → photos of
the problem → sent to the desk, which decides. Within the warranty only [R §5].

A form (fsm/forms.py): the claim is a typed draft under one key of the conversation."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.album_parts import AlbumCollector
from bot.buttons.claim import ClaimAction, ClaimCb, send_rows
from bot.buttons.client_orders import ClientAction, ClientOrder
from bot.domain.complaints import MAX_TEXT, MIN_TEXT
from bot.domain.deadlines import warranty_ends_at
from bot.domain.errors import DomainError, NotAllowed, NotFound
from bot.domain.rules import Actor
from bot.domain.states import Status
from bot.i18n import _
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.complaints import open_claim
from bot.services.orders import get_order
from bot.texts import error_text
from fsm.draft import ClaimDraft
from fsm.forms import Form, Step, no_env, parsed
from fsm.states import Claim
from handlers.inputs import close_press, message_of, take_photo
from handlers.keyboards import cancel_button, with_cancel


def photos_kb() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*send_rows(), [cancel_button()]])


async def _what(message: Message, draft: ClaimDraft, env: None) -> None:
    await message.answer(
        _("What is wrong with the work on order #{number}? Describe the problem.").format(
            number=draft.order_id), reply_markup=with_cancel())


async def _photos(message: Message, draft: ClaimDraft, env: None) -> None:
    await message.answer(_("Send photos of the problem (at least one), then press «Send the "
                           "claim»."), reply_markup=photos_kb())


FORM: Form[ClaimDraft, None] = Form("claim", ClaimDraft, {
    "what": Step(Claim.what, _what, lambda: error_text(DomainError("error.claim_text"))),
    "photos": Step(Claim.photos, _photos),  # its hint carries the Send button: below
}, no_env)


async def start(query: CallbackQuery, callback_data: ClientOrder, ctx: Context, actor: Actor,
                state: FSMContext, renderer: Renderer) -> None:
    order = await get_order(ctx, actor, callback_data.order_id)
    if order.client_id != actor.user_id:
        raise NotFound("error.not_found")
    if order.status != Status.COMPLETED:
        raise NotAllowed("error.wrong_state")
    end = warranty_ends_at(order.reported_at, order.warranty_months, renderer.tz)
    if end is None or ctx.clock() >= end:  # checked before he types anything
        raise NotAllowed("error.no_warranty")
    await query.answer()
    await FORM.ask("what", message_of(query), state, ClaimDraft(order_id=order.id), None)


def _claim_text(typed: str) -> str:
    text = " ".join(typed.split())
    if not MIN_TEXT <= len(text) <= MAX_TEXT or text.startswith("/"):
        raise DomainError("error.claim_text")
    return text


async def what(message: Message, state: FSMContext) -> None:
    draft = await FORM.filled(state, "text", await parsed(message, _claim_text))
    if draft is not None:
        await FORM.ask("photos", message, state, draft, None)


async def photo(message: Message, state: FSMContext, albums: AlbumCollector) -> None:
    draft = await FORM.load(state)
    await take_photo(message, albums, draft.photos, lambda: FORM.save(state, draft), photos_kb())


async def photo_other(message: Message) -> None:
    await message.answer(error_text(DomainError("error.claim_photo")), reply_markup=photos_kb())


async def send(query: CallbackQuery, state: FSMContext, ctx: Context, actor: Actor) -> None:
    draft = await FORM.load(state)
    if not draft.photos:  # nothing lost: he adds a photo and presses again
        await query.answer(error_text(DomainError("error.claim_photo")), show_alert=True)
        return
    order = await open_claim(ctx, actor, draft.order_id, draft.text, draft.photos)
    await state.clear()
    await close_press(query)
    await message_of(query).answer(_("Your claim on order #{number} has been sent. The desk "
                                     "will look into it and write to you here.").format(
        number=order.id))


def make_router() -> Router:
    router = Router(name="client_claim")
    # on the order's view
    router.callback_query.register(start, ClientOrder.filter(F.action == ClientAction.CLAIM))
    router.message.register(what, Claim.what, F.text)
    router.message.register(photo, Claim.photos, F.photo)
    router.message.register(photo_other, Claim.photos)
    router.callback_query.register(send, Claim.photos,
                                   ClaimCb.filter(F.action == ClaimAction.SEND))
    FORM.fallbacks(router)
    return router
