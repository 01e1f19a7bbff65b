"""The master's side of a job: accept or decline an offer, file the report, enter the code."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.rules import MAX_PHOTOS, Actor, parse_price
from bot.domain.states import Status
from bot.i18n import _, ngettext
from bot.notify.render import Renderer, button
from bot.services.base import Context
from bot.services.offers import accept_offer, decline_offer
from bot.services.orders import get_order
from bot.services.work import confirm_with_code, report_completion
from bot.texts import error_text
from fsm.draft import ReportDraft
from fsm.states import Code, Report
from handlers.inputs import message_of, take_photo
from handlers.keyboards import cancel_button

router = Router(name="master_jobs")


@router.callback_query(Cb.filter(F.a == "acc"))
async def accept(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                 renderer: Renderer) -> None:
    order = await accept_offer(ctx, actor, callback_data.o)
    await query.answer(_("The job is yours."))
    text, kb = renderer.job(order)
    await message_of(query).edit_text(text, reply_markup=kb)


@router.callback_query(Cb.filter(F.a == "dec"))
async def decline(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor) -> None:
    await decline_offer(ctx, actor, callback_data.o)
    await query.answer()
    await message_of(query).edit_text(_("You declined order #{number}.").format(
        number=callback_data.o))


# --- the completion report -----------------------------------------------------------------

@router.callback_query(Cb.filter(F.a == "done"))
async def start_report(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                       state: FSMContext) -> None:
    order = await get_order(ctx, actor, callback_data.o)
    if order.master_id != actor.master_id:
        raise NotAllowed("error.not_allowed")
    if order.status not in (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED,
                            Status.ON_SITE):
        raise NotAllowed("error.wrong_state")
    await state.set_state(Report.photos)
    await state.set_data({"report": ReportDraft(order_id=order.id).model_dump(mode="json")})
    await query.answer()
    await message_of(query).answer(
        ngettext("Report for order #{number}. Send photos of the finished work (at least one, "
                 "up to {n}), then press «Continue».",
                 "Report for order #{number}. Send photos of the finished work (at least one, "
                 "up to {n}), then press «Continue».", MAX_PHOTOS
                 ).format(number=order.id, n=MAX_PHOTOS),
        reply_markup=report_kb())


def report_kb() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[button(_("Continue ▶️"), "rnext")],
                                                 [cancel_button()]])


async def _report(state: FSMContext) -> ReportDraft:
    return ReportDraft.model_validate((await state.get_data())["report"])


@router.message(Report.photos, F.photo)
async def report_photo(message: Message, state: FSMContext) -> None:
    draft = await _report(state)
    if not await take_photo(message, draft.photos):
        return
    await state.update_data(report=draft.model_dump(mode="json"))
    await message.answer(_("Photo {count} of {n} added.").format(count=len(draft.photos),
                                                                 n=MAX_PHOTOS),
                         reply_markup=report_kb())


@router.message(Report.photos)
async def report_photo_other(message: Message) -> None:
    await message.answer(_("Send at least one photo of the finished work."))


@router.callback_query(Report.photos, Cb.filter(F.a == "rnext"))
async def report_photos_done(query: CallbackQuery, state: FSMContext) -> None:
    draft = await _report(state)
    if not draft.photos:
        await query.answer(_("Send at least one photo of the finished work."), show_alert=True)
        return
    await state.set_state(Report.price)
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await message_of(query).answer(_("Enter the final price for the client (a number):"))


@router.message(Report.price, F.text)
async def report_price(message: Message, state: FSMContext, ctx: Context, actor: Actor) -> None:
    try:
        price = parse_price(message.text or "")
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    draft = await _report(state)
    order = await report_completion(ctx, actor, draft.order_id, draft.photos, price)
    await state.set_state(Code.entering)
    await state.set_data({"order_id": order.id})
    await message.answer(_("Report sent. The client has received a confirmation code. Ask the "
                           "client for it and type it here."))


@router.message(Report.price)
async def report_price_other(message: Message) -> None:
    await message.answer(_("Enter the price as a positive number, for example 2500 or "
                           "1 250.50."))


# --- the client's code ---------------------------------------------------------------------

@router.callback_query(Cb.filter(F.a == "code"))
async def code_button(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                      state: FSMContext) -> None:
    order = await get_order(ctx, actor, callback_data.o)
    if order.master_id != actor.master_id or order.status != Status.AWAITING_CONFIRMATION:
        raise NotAllowed("error.wrong_state")
    await state.set_state(Code.entering)
    await state.set_data({"order_id": order.id})
    await query.answer()
    await message_of(query).answer(_("Type the client's confirmation code for order #{number}:")
                             .format(number=order.id))


@router.message(Code.entering, F.text)
async def code_entered(message: Message, state: FSMContext, ctx: Context, actor: Actor) -> None:
    order_id = int((await state.get_data())["order_id"])
    result = await confirm_with_code(ctx, actor, order_id, message.text or "")
    if result.completed:
        await state.clear()
        await message.answer(_("✅ Order #{number} is completed. Thank you for your work!")
                             .format(number=order_id))
    elif result.locked:
        await state.clear()
        await message.answer(_("Too many wrong codes: confirmation is locked and the desk has "
                               "been alerted. The desk will contact you."))
    else:
        await message.answer(ngettext("Wrong code. {n} attempt left.",
                                      "Wrong code. {n} attempts left.",
                                      result.attempts_left).format(n=result.attempts_left))


@router.message(Code.entering)
async def code_other(message: Message) -> None:
    await message.answer(_("Type the code as digits."))
