"""The master's completion report: photos of the finished work, the final price (capped by
what the client agreed), the warranty, notes; then the client gets the code."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.album_parts import AlbumCollector
from bot.buttons.jobs import (
    Job,
    JobAction,
    ReportStep,
    Warranty,
    step_button,
    warranty_button,
)
from bot.buttons.price_forms import PriceStart, price_start_button
from bot.domain.errors import DomainError, InvalidInput, NotAllowed
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
from bot.notify.render import Renderer, rows
from bot.services.base import Context
from bot.services.completion import report_completion
from bot.services.orders import get_order
from bot.services.pricing import report_terms
from bot.texts import error_text
from fsm.draft import ReportDraft
from fsm.forms import Form, Step, no_env, parsed
from fsm.states import Code, Report
from handlers.amounts import amount_help, register_amount
from handlers.inputs import close_press, message_of, take_photo
from handlers.keyboards import cancel_button


async def start_report(query: CallbackQuery, callback_data: Job, ctx: Context, actor: Actor,
                       state: FSMContext) -> None:
    order = await get_order(ctx, actor, callback_data.order_id)
    if order.master_id != actor.master_id:
        raise NotAllowed("error.not_allowed")
    if order.status not in (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED,
                            Status.ON_SITE):
        raise NotAllowed("error.wrong_state")
    await state.set_data({})
    await FORM.enter("photos", state, ReportDraft(order_id=order.id))
    await query.answer()
    await message_of(query).answer(
        ngettext("Report for order #{number}. Send photos of the finished work (at least one, "
                 "up to {n}), then press «Continue».",
                 "Report for order #{number}. Send photos of the finished work (at least one, "
                 "up to {n}), then press «Continue».", MAX_PHOTOS
                 ).format(number=order.id, n=MAX_PHOTOS),
        reply_markup=report_kb())


def report_kb() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[step_button(_("Continue ▶️"),
                                                              JobAction.REPORT_NEXT)],
                                                 [cancel_button()]])


async def _price(message: Message, draft: ReportDraft, env: None) -> None:
    await message.answer(_("Enter the final price for the client (a number):"))


async def _notes(message: Message, draft: ReportDraft, env: None) -> None:
    await message.answer(
        _("Notes for the client (what was done, care advice), up to {n} characters, or press "
          "«Skip».").format(n=MAX_NOTES),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[
            [step_button(_("Skip ▶️"), JobAction.SKIP_NOTES)], [cancel_button()]]))


async def _said_by_caller(message: Message, draft: ReportDraft, env: None) -> None:
    """The photos and warranty prompts need what the step before knows (the order, the
    service's minimum warranty): their handlers say them (Form.enter)."""


# The report waits in the conversation while an extra is proposed (handlers/master/pricing.py),
# so the draft shares the conversation's data with it (merge).
FORM: Form[ReportDraft, None] = Form("report", ReportDraft, {
    "photos": Step(Report.photos, _said_by_caller,
                   lambda: _("Send at least one photo of the finished work.")),
    "price": Step(Report.price, _price),  # its hint needs the context: amount_help
    "warranty": Step(Report.warranty, _said_by_caller),
    "notes": Step(Report.notes, _notes, lambda: _("Type the notes as text, or press «Skip».")),
}, no_env, merge=True)


async def report_photo(message: Message, state: FSMContext, albums: AlbumCollector) -> None:
    draft = await FORM.load(state)
    await take_photo(message, albums, draft.photos, lambda: FORM.save(state, draft), report_kb())


async def report_photos_done(query: CallbackQuery, state: FSMContext) -> None:
    draft = await FORM.load(state)
    if not draft.photos:
        await query.answer(_("Send at least one photo of the finished work."), show_alert=True)
        return
    await close_press(query)
    await FORM.ask("price", message_of(query), state, draft, None)


async def _report_price(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                        renderer: Renderer, price: int) -> None:
    draft = await FORM.load(state)
    try:
        terms = await report_terms(ctx, actor, draft.order_id)
        check_final_price(price, terms.cap)  # checked here, so he re-types only the price
    except DomainError as exc:
        text, kb = price_refusal(exc, renderer, draft.order_id)
        await message.answer(text, reply_markup=kb)
        return
    draft.price = price
    await FORM.enter("warranty", state, draft)
    # The price echoed as he writes amounts; it counts only when the report is filed.
    await ask_warranty(message, terms.warranty_min_months, _("Final price: {price}").format(
        price=f"<b>{renderer.money(price)}</b>"))


async def report_change_price(query: CallbackQuery, state: FSMContext, ctx: Context) -> None:
    await close_press(query)
    await state.set_state(Report.price)
    await message_of(query).answer(amount_help(ctx))


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
        inline_keyboard=[[price_start_button(_("➕ Propose an extra"), PriceStart.EXTRA,
                                             order_id)]])


def warranty_kb(service_min: int) -> InlineKeyboardMarkup:
    buttons = [warranty_button(n) for n in warranty_choices(service_min)]
    return InlineKeyboardMarkup(inline_keyboard=[
        *rows(*buttons, width=6), [step_button(_("✏️ Change the amount"), JobAction.CHANGE_PRICE)],
        [cancel_button()]])


async def ask_warranty(message: Message, service_min: int, echo: str | None = None) -> None:
    low = warranty_choices(service_min)[0]
    text = _("Warranty on the work, in months (from {min} to {max} for this service): press a "
             "number or type it.").format(min=low, max=MAX_WARRANTY_MONTHS)
    await message.answer(f"{echo}\n\n{text}" if echo else text,
                         reply_markup=warranty_kb(service_min))


async def _set_warranty(state: FSMContext, ctx: Context, actor: Actor, months: int | str,
                        target: Message) -> bool:
    draft = await FORM.load(state)
    terms = await report_terms(ctx, actor, draft.order_id)
    try:
        draft.warranty_months = (parse_warranty(months, terms.warranty_min_months)
                                 if isinstance(months, str)
                                 else check_warranty(months, terms.warranty_min_months))
    except DomainError as exc:
        await target.answer(error_text(exc), reply_markup=warranty_kb(terms.warranty_min_months))
        return False
    await FORM.ask("notes", target, state, draft, None)
    return True


async def report_warranty_button(query: CallbackQuery, callback_data: Warranty,
                                 state: FSMContext, ctx: Context, actor: Actor) -> None:
    await query.answer()
    if await _set_warranty(state, ctx, actor, callback_data.months, message_of(query)):
        await message_of(query).edit_reply_markup(reply_markup=None)


async def report_warranty_typed(message: Message, state: FSMContext, ctx: Context,
                                actor: Actor) -> None:
    await _set_warranty(state, ctx, actor, message.text or "", message)


async def report_warranty_other(message: Message, state: FSMContext, ctx: Context,
                                actor: Actor) -> None:
    terms = await report_terms(ctx, actor, (await FORM.load(state)).order_id)
    await ask_warranty(message, terms.warranty_min_months)


async def report_notes(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                       renderer: Renderer) -> None:
    notes = await parsed(message, lambda typed: check_text(typed, MAX_NOTES))
    if notes is None:
        return
    await _file_report(message, state, ctx, actor, renderer, notes)


async def report_skip_notes(query: CallbackQuery, state: FSMContext, ctx: Context,
                            actor: Actor, renderer: Renderer) -> None:
    await _file_report(await close_press(query), state, ctx, actor, renderer, None)


async def _file_report(message: Message, state: FSMContext, ctx: Context, actor: Actor,
                       renderer: Renderer, notes: str | None) -> None:
    draft = await FORM.load(state)
    if draft.price is None or draft.warranty_months is None:  # an old draft: ask again
        await FORM.ask("price", message, state, draft, None)
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


def make_router() -> Router:
    router = Router(name="master_report")
    cq, msg = router.callback_query, router.message
    cq.register(start_report, Job.filter(F.action == JobAction.DONE))
    msg.register(report_photo, Report.photos, F.photo)
    cq.register(report_photos_done, Report.photos,
                ReportStep.filter(F.action == JobAction.REPORT_NEXT))
    register_amount(router, Report.price, _report_price, lambda: [[cancel_button()]])
    cq.register(report_change_price, Report.warranty,
                ReportStep.filter(F.action == JobAction.CHANGE_PRICE))
    msg.register(report_price_other, Report.price)
    cq.register(report_warranty_button, Report.warranty,
                Warranty.filter(F.action == JobAction.WARRANTY))
    msg.register(report_warranty_typed, Report.warranty, F.text)
    msg.register(report_warranty_other, Report.warranty)
    msg.register(report_notes, Report.notes, F.text)
    cq.register(report_skip_notes, Report.notes,
                ReportStep.filter(F.action == JobAction.SKIP_NOTES))
    FORM.fallbacks(router)
    return router
