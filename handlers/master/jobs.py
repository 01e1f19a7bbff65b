"""The master's side of a job: accept or decline an offer, file the report, enter the code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.album_parts import AlbumCollector
from bot.callbacks import Cb
from bot.domain.errors import Conflict, DomainError, InvalidInput, NotAllowed
from bot.domain.pricing import (
    MAX_NOTES,
    MAX_WARRANTY_MONTHS,
    check_final_price,
    check_text,
    check_warranty,
    parse_warranty,
    warranty_choices,
)
from bot.domain.rules import MAX_PHOTOS, Actor
from bot.domain.states import Status
from bot.i18n import _, ngettext
from bot.notify.keyboards import client_stars_keyboard
from bot.notify.render import Renderer, button, rows
from bot.services.base import Context
from bot.services.offers import accept_offer, decline_offer
from bot.services.orders import get_order
from bot.services.pricing import report_terms
from bot.services.reviews import rate_client
from bot.services.work import confirm_with_code, report_completion
from bot.texts import error_text
from fsm.draft import ReportDraft
from fsm.states import Code, Report
from handlers.amounts import PICK, amount_help, picked_amount, typed_amount
from handlers.inputs import add_photo, answer_once, message_of, photos_added
from handlers.keyboards import cancel_button
from handlers.master.shown import show_job

router = Router(name="master_jobs")


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


@router.callback_query(Cb.filter(F.a == "acc"))
async def accept(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                 renderer: Renderer) -> None:
    async with offer_press(query, renderer, callback_data.o):
        order = await accept_offer(ctx, actor, callback_data.o)
    await query.answer(_("The job is yours."))
    await show_job(ctx, renderer, order, message_of(query), edit=True)


@router.callback_query(Cb.filter(F.a == "dec"))
async def decline(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
                  renderer: Renderer) -> None:
    async with offer_press(query, renderer, callback_data.o):
        await decline_offer(ctx, actor, callback_data.o)
    await query.answer()
    await message_of(query).edit_text(renderer.offer_closed(callback_data.o, "declined"))


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
async def report_photo(message: Message, state: FSMContext, albums: AlbumCollector) -> None:
    draft = await _report(state)
    refusal = add_photo(message, draft.photos)
    if refusal is None:
        await state.update_data(report=draft.model_dump(mode="json"))
    await answer_once(message, albums, refusal, lambda p: photos_added(p, len(draft.photos)),
                      report_kb())


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
async def report_price(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                       renderer: Renderer) -> None:
    price = await typed_amount(message, state, ctx, renderer, [[cancel_button()]])
    if price is not None:
        await _report_price(message, state, ctx, actor, renderer, price)


@router.callback_query(Report.price, Cb.filter(F.a == PICK))
async def report_price_picked(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                              ctx: Context, actor: Actor, renderer: Renderer) -> None:
    price = await picked_amount(query, callback_data, state)
    if price is not None:
        await _report_price(message_of(query), state, ctx, actor, renderer, price)


async def _report_price(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                        renderer: Renderer, price: int) -> None:
    draft = await _report(state)
    try:
        terms = await report_terms(ctx, actor, draft.order_id)
        check_final_price(price, terms.cap)  # checked here, so he re-types only the price
    except DomainError as exc:
        text, kb = price_refusal(exc, renderer, draft.order_id)
        await message.answer(text, reply_markup=kb)
        return
    draft.price = price
    await state.update_data(report=draft.model_dump(mode="json"))
    await state.set_state(Report.warranty)
    # The price echoed as he writes amounts; it counts only when the report is filed.
    await ask_warranty(message, terms.warranty_min_months, _("Final price: {price}").format(
        price=f"<b>{renderer.money(price)}</b>"))


@router.callback_query(Report.warranty, Cb.filter(F.a == "ramt"))
async def report_change_price(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await state.set_state(Report.price)
    await message_of(query).answer(amount_help(ctx))


@router.message(Report.price)
async def report_price_other(message: Message, ctx: Context) -> None:
    await message.answer(amount_help(ctx))


def price_refusal(exc: DomainError, renderer: Renderer,
                  order_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Above the agreed price: say the cap and how to raise it [C 五.2] (an extra)."""
    if exc.key != "error.price_above_cap":
        return error_text(exc), None
    cap = exc.params.get("cap")
    amount = renderer.money(cap) if isinstance(cap, int) else "—"
    return _("The final price cannot be more than {amount}: the quote the client accepted plus "
             "the extras the client approved. Enter a price up to {amount}. To charge more, "
             "press «➕ Propose an extra» (your report is kept) and enter the price again once "
             "the client approves it.").format(amount=amount), InlineKeyboardMarkup(
        inline_keyboard=[[button(_("➕ Propose an extra"), "xadd", order_id)]])


def warranty_kb(service_min: int) -> InlineKeyboardMarkup:
    buttons = [button(str(n), "rwar", x=n) for n in warranty_choices(service_min)]
    return InlineKeyboardMarkup(inline_keyboard=[
        *rows(*buttons, width=6), [button(_("✏️ Change the amount"), "ramt")],
        [cancel_button()]])


async def ask_warranty(message: Message, service_min: int, echo: str | None = None) -> None:
    low = warranty_choices(service_min)[0]
    text = _("Warranty on the work, in months (from {min} to {max} for this service): press a "
             "number or type it.").format(min=low, max=MAX_WARRANTY_MONTHS)
    await message.answer(f"{echo}\n\n{text}" if echo else text,
                         reply_markup=warranty_kb(service_min))


async def _set_warranty(state: FSMContext, ctx: Context, actor: Actor, months: int | str,
                        target: Message) -> bool:
    draft = await _report(state)
    terms = await report_terms(ctx, actor, draft.order_id)
    try:
        draft.warranty_months = (parse_warranty(months, terms.warranty_min_months)
                                 if isinstance(months, str)
                                 else check_warranty(months, terms.warranty_min_months))
    except DomainError as exc:
        await target.answer(error_text(exc), reply_markup=warranty_kb(terms.warranty_min_months))
        return False
    await state.update_data(report=draft.model_dump(mode="json"))
    await state.set_state(Report.notes)
    await target.answer(
        _("Notes for the client (what was done, care advice), up to {n} characters, or press "
          "«Skip».").format(n=MAX_NOTES),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[
            [button(_("Skip ▶️"), "rskip")], [cancel_button()]]))
    return True


@router.callback_query(Report.warranty, Cb.filter(F.a == "rwar"))
async def report_warranty_button(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                                 ctx: Context, actor: Actor) -> None:
    await query.answer()
    if await _set_warranty(state, ctx, actor, callback_data.x, message_of(query)):
        await message_of(query).edit_reply_markup(reply_markup=None)


@router.message(Report.warranty, F.text)
async def report_warranty_typed(message: Message, state: FSMContext, ctx: Context,
                                actor: Actor) -> None:
    await _set_warranty(state, ctx, actor, message.text or "", message)


@router.message(Report.warranty)
async def report_warranty_other(message: Message, state: FSMContext, ctx: Context,
                                actor: Actor) -> None:
    terms = await report_terms(ctx, actor, (await _report(state)).order_id)
    await ask_warranty(message, terms.warranty_min_months)


@router.message(Report.notes, F.text)
async def report_notes(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                       renderer: Renderer) -> None:
    try:
        notes = check_text(message.text, MAX_NOTES)
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    await _file_report(message, state, ctx, actor, renderer, notes)


@router.callback_query(Report.notes, Cb.filter(F.a == "rskip"))
async def report_skip_notes(query: CallbackQuery, state: FSMContext, ctx: Context,
                            actor: Actor, renderer: Renderer) -> None:
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=None)
    await _file_report(message_of(query), state, ctx, actor, renderer, None)


@router.message(Report.notes)
async def report_notes_other(message: Message) -> None:
    await message.answer(_("Type the notes as text, or press «Skip»."))


async def _file_report(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                       renderer: Renderer, notes: str | None) -> None:
    draft = await _report(state)
    if draft.price is None or draft.warranty_months is None:  # an old draft: ask again
        await state.set_state(Report.price)
        await message.answer(_("Enter the final price for the client (a number):"))
        return
    try:
        order = await report_completion(ctx, actor, draft.order_id, draft.photos, draft.price,
                                        warranty_months=draft.warranty_months, notes=notes)
    except InvalidInput as exc:
        # The agreed price or the service changed under the draft: back to that step, the
        # rest of the report is kept.
        if exc.key == "error.price_above_cap":
            await state.set_state(Report.price)
            text, kb = price_refusal(exc, renderer, draft.order_id)
            await message.answer(text, reply_markup=kb)
            return
        if exc.key == "error.warranty_range":
            await state.set_state(Report.warranty)
            await message.answer(error_text(exc))
            return
        raise
    await state.set_state(Code.entering)
    await state.set_data({"order_id": order.id})
    await message.answer(_("Report sent. The client has received a confirmation code. Ask the "
                           "client for it and type it here."))


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


@router.message(Code.entering)
async def code_other(message: Message) -> None:
    await message.answer(_("Type the code as digits."))


@router.callback_query(Cb.filter(F.a == "rc"))
async def rate_the_client(query: CallbackQuery, callback_data: Cb, ctx: Context,
                          actor: Actor) -> None:
    """[H] the master's one tap on the client."""
    await rate_client(ctx, actor, callback_data.o, callback_data.x)
    await query.answer(_("Thank you: your rating is saved."))
    await message_of(query).edit_reply_markup(reply_markup=None)
