"""The New order conversation (SPEC §2.1): service → description and photos → address →
time → phone (own contact only) → payment → summary with an edit button per field → confirm.

The draft lives in FSM storage as JSON, so it survives a restart; every step re-asks on bad
input without losing what was typed; /cancel leaves at any step.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from bot.album_parts import AlbumCollector
from bot.callbacks import Cb
from bot.domain.errors import DomainError, InvalidInput, NotAllowed
from bot.domain.rules import (
    MAX_ADDRESS,
    MAX_DESCRIPTION,
    MAX_PHOTOS,
    SLOTS,
    clip,
    parse_date,
    slots_left,
)
from bot.domain.typed import DateStyle
from bot.domain.views import MasterView, UserView
from bot.i18n import (
    _,
    current_locale,
    fmt_date,
    fmt_date_full,
    fmt_percent,
    ngettext,
    pgettext,
    typing_style,
)
from bot.notify.render import PAYMENT_NAMES, Renderer, button, q, slot_name
from bot.services.base import Context, Policy
from bot.services.orders import may_order, submit_order
from bot.services.users import catalogue
from bot.texts import error_text
from fsm.draft import PAYMENTS, TIME_KINDS, OrderDraft
from fsm.states import NewOrder
from handlers.inputs import (
    add_photo,
    answer_once,
    photos_added,
    refuse_typed_phone,
    take_own_phone,
)
from handlers.keyboards import menu, share_contact, share_location, with_cancel

router = Router(name="new_order")
FIELDS = ("service", "description", "address", "time", "phone", "payment")


async def load(state: FSMContext) -> OrderDraft:
    data = await state.get_data()
    return OrderDraft.model_validate(data.get("draft") or {})


async def save(state: FSMContext, draft: OrderDraft) -> None:
    await state.set_data({"draft": draft.model_dump(mode="json")})


def local_now(tz: ZoneInfo) -> datetime:
    return datetime.now(tz)


# --- service -------------------------------------------------------------------------------

async def ask_service(message: Message, ctx: Context, state: FSMContext) -> None:
    items = await catalogue(ctx)
    await state.set_state(NewOrder.service)
    rows = [[button(item.name(current_locale()), "svc", x=i)] for i, item in enumerate(items)]
    await message.answer(_("Which service do you need?"), reply_markup=with_cancel(*rows))


async def _may_order(ctx: Context, user: UserView) -> None:
    """Blocked [R §8] or at a cap: refused before anything is typed (and before a draft kept
    from an earlier refusal is replaced). Checked again when the order is submitted."""
    if user.blocked:
        raise NotAllowed("error.client_blocked")
    await may_order(ctx, user.id)


@router.callback_query(Cb.filter(F.a == "new"))
async def start_new(query: CallbackQuery, ctx: Context, state: FSMContext,
                    user: UserView) -> None:
    await _may_order(ctx, user)
    await query.answer()
    await state.set_state(NewOrder.service)
    await save(state, OrderDraft())
    if isinstance(query.message, Message):
        await ask_service(query.message, ctx, state)


@router.message(Command("new"))
async def start_new_cmd(message: Message, ctx: Context, state: FSMContext,
                        user: UserView) -> None:
    await _may_order(ctx, user)
    await save(state, OrderDraft())
    await ask_service(message, ctx, state)


@router.callback_query(NewOrder.service, Cb.filter(F.a == "svc"))
async def got_service(query: CallbackQuery, callback_data: Cb, ctx: Context,
                      state: FSMContext, renderer: Renderer, policy: Policy) -> None:
    items = await catalogue(ctx)
    if not 0 <= callback_data.x < len(items):
        await query.answer(_("This button is outdated."), show_alert=True)
        return
    draft = await load(state)
    draft.service = items[callback_data.x].code
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("Service: {service}").format(
        service=q(items[callback_data.x].name(current_locale()))))
    await next_step(query.message, state, draft, renderer, policy)


# --- description and photos ----------------------------------------------------------------

async def ask_description(message: Message, state: FSMContext, draft: OrderDraft) -> None:
    await state.set_state(NewOrder.description)
    await save(state, draft)
    text = ngettext("Describe the problem in a few words. You can attach up to {n} photo. "
                    "Press «Continue» when you are done.",
                    "Describe the problem in a few words. You can attach up to {n} photos. "
                    "Press «Continue» when you are done.", MAX_PHOTOS).format(n=MAX_PHOTOS)
    rows = [[button(_("Continue ▶️"), "next")]]
    if draft.description or draft.photos:
        text += "\n\n" + _("Now: {description}").format(
            description=q(clip(draft.description or "", 500)))
        text += "\n" + _("Photos: {count}").format(count=len(draft.photos))
        rows.append([button(_("🗑 Start the description over"), "dclr")])
    await message.answer(text, reply_markup=with_cancel(*rows))


@router.callback_query(NewOrder.description, Cb.filter(F.a == "dclr"))
async def description_clear(query: CallbackQuery, state: FSMContext) -> None:
    draft = await load(state)
    draft.description, draft.photos = None, []
    await save(state, draft)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("The description and photos are cleared. Describe the "
                                 "problem again."))


@router.message(NewOrder.description, F.text)
async def got_description(message: Message, state: FSMContext) -> None:
    draft = await load(state)
    text = (message.text or "").strip()
    if message.text and message.text.startswith("/"):
        await message.answer(_("Describe the problem with words, or press «Continue»."))
        return
    joined = f"{draft.description}\n{text}" if draft.description else text
    if len(joined) > MAX_DESCRIPTION:
        await message.answer(ngettext(
            "The description is too long: at most {n} character. This message was not added.",
            "The description is too long: at most {n} characters. This message was not added.",
            MAX_DESCRIPTION).format(n=MAX_DESCRIPTION))
        return
    draft.description = joined
    await save(state, draft)
    await message.answer(_("Added. Send more details or photos, or press «Continue»."),
                         reply_markup=with_cancel([button(_("Continue ▶️"), "next")]))


@router.message(NewOrder.description, F.photo)
async def got_photo(message: Message, state: FSMContext, albums: AlbumCollector) -> None:
    draft = await load(state)
    refusal = add_photo(message, draft.photos)
    if refusal is None:
        caption = (message.caption or "").strip()
        if caption and len(caption) + len(draft.description or "") < MAX_DESCRIPTION:
            draft.description = (f"{draft.description}\n{caption}" if draft.description
                                 else caption)
        await save(state, draft)
    # an album (several photos sent at once) gets one answer and one Continue button
    await answer_once(message, albums, refusal, lambda p: photos_added(p, len(draft.photos)),
                      with_cancel([button(_("Continue ▶️"), "next")]))


@router.message(NewOrder.description)
async def description_other(message: Message) -> None:
    await message.answer(_("Please send text or photos."))


@router.callback_query(NewOrder.description, Cb.filter(F.a == "next"))
async def description_done(query: CallbackQuery, state: FSMContext, renderer: Renderer,
                           policy: Policy) -> None:
    draft = await load(state)
    if not draft.description:
        await query.answer(_("Please describe the problem in a few words first."),
                           show_alert=True)
        return
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await next_step(query.message, state, draft, renderer, policy)


# --- address -------------------------------------------------------------------------------

async def ask_address(message: Message, state: FSMContext, draft: OrderDraft) -> None:
    await state.set_state(NewOrder.address)
    await save(state, draft)
    await message.answer(_("Where should the master come? Type the address (street, house, "
                           "flat, city) or share a location."), reply_markup=share_location())


@router.message(NewOrder.address, F.location)
async def got_location(message: Message, state: FSMContext, renderer: Renderer,
                       policy: Policy) -> None:
    assert message.location
    draft = await load(state)
    draft.latitude, draft.longitude = message.location.latitude, message.location.longitude
    draft.address, draft.district_asked = None, False
    await message.answer(_("Location received."), reply_markup=ReplyKeyboardRemove())
    await next_step(message, state, draft, renderer, policy)


@router.message(NewOrder.address, F.text)
async def got_address(message: Message, state: FSMContext, renderer: Renderer,
                      policy: Policy) -> None:
    text = (message.text or "").strip()
    if not (5 <= len(text) <= MAX_ADDRESS) or text.startswith("/"):
        await message.answer(ngettext(
            "Type the address from 5 to {n} character, or share a location.",
            "Type the address from 5 to {n} characters, or share a location.",
            MAX_ADDRESS).format(n=MAX_ADDRESS))
        return
    draft = await load(state)
    draft.address, draft.latitude, draft.longitude = text, None, None
    draft.district_asked = False
    await message.answer(_("Address saved."), reply_markup=ReplyKeyboardRemove())
    await next_step(message, state, draft, renderer, policy)


@router.message(NewOrder.address)
async def address_other(message: Message) -> None:
    await message.answer(_("Type the address as text or share a location."))


# --- district (when the desk works with districts) -----------------------------------------

async def ask_district(message: Message, state: FSMContext, draft: OrderDraft,
                       renderer: Renderer) -> None:
    await state.set_state(NewOrder.district)
    await save(state, draft)
    names = list(renderer.districts)
    rows = [[button(n, "odst", x=i + j) for j, n in enumerate(names[i:i + 2])]
            for i in range(0, len(names), 2)]
    rows.append([button(_("I am not sure"), "odst", x=len(names))])
    await message.answer(_("Which district is it in?"), reply_markup=with_cancel(*rows))


@router.callback_query(NewOrder.district, Cb.filter(F.a == "odst"))
async def got_district(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                       renderer: Renderer, policy: Policy) -> None:
    if not 0 <= callback_data.x <= len(renderer.districts):
        await query.answer(_("This button is outdated."), show_alert=True)
        return
    draft = await load(state)
    draft.district = (renderer.districts[callback_data.x]
                      if callback_data.x < len(renderer.districts) else None)
    draft.district_asked = True
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await next_step(query.message, state, draft, renderer, policy)


@router.message(NewOrder.district)
async def district_other(message: Message) -> None:
    await message.answer(_("Please choose with the buttons above."))


# --- time ----------------------------------------------------------------------------------

async def ask_time(message: Message, state: FSMContext, draft: OrderDraft,
                   policy: Policy) -> None:
    await state.set_state(NewOrder.time)
    await save(state, draft)
    rows = [
        [button(_("⚡ Urgent, within 24 hours (+{percent})").format(
            percent=fmt_percent(policy.urgent_surcharge_percent)), "tk", x=0)],
        [button(_("Today"), "tk", x=1), button(_("Tomorrow"), "tk", x=2)],
        [button(_("📅 Another date"), "tk", x=3)],
    ]
    await message.answer(_("When should the master come?"), reply_markup=with_cancel(*rows))


@router.callback_query(NewOrder.time, Cb.filter(F.a == "tk"))
async def got_time_kind(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                        renderer: Renderer, policy: Policy, user: UserView) -> None:
    if not 0 <= callback_data.x < len(TIME_KINDS):
        await query.answer(_("This button is outdated."), show_alert=True)
        return
    kind = TIME_KINDS[callback_data.x]
    draft = await load(state)
    now = local_now(renderer.tz)
    assert isinstance(query.message, Message)
    if kind == "urgent":
        draft.time_kind, draft.visit_date, draft.visit_slot = kind, None, None
        await query.answer()
        await query.message.edit_reply_markup(reply_markup=None)
        await next_step(query.message, state, draft, renderer, policy)
        return
    if kind == "date":
        await query.answer()
        await ask_date(query.message, state, draft, now.date(),
                       typing_style(user.language_code))
        return
    day = now.date() if kind == "today" else now.date() + timedelta(days=1)
    if not slots_left(day, now):
        await query.answer(_("No time slots are left today. Choose urgent or another day."),
                           show_alert=True)
        return
    draft.time_kind, draft.visit_date = kind, day
    await query.answer()
    await ask_slot(query.message, state, draft, now)


async def ask_date(message: Message, state: FSMContext, draft: OrderDraft,
                   today: date, style: DateStyle) -> None:
    await state.set_state(NewOrder.date)
    await save(state, draft)
    days = [today + timedelta(days=d) for d in range(2, 9)]
    buttons = [button(fmt_date(d), "day", x=d.toordinal()) for d in days]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    await message.answer(_("Choose a date or type it, for example {example}:").format(
        example=style.date_example()), reply_markup=with_cancel(*rows))


@router.callback_query(NewOrder.date, Cb.filter(F.a == "day"))
async def got_date_button(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                          renderer: Renderer) -> None:
    now = local_now(renderer.tz)
    try:
        day = date.fromordinal(callback_data.x)
    except ValueError:
        day = now.date()
    if not now.date() < day <= now.date() + timedelta(days=60):
        await query.answer(_("This button is outdated."), show_alert=True)
        return
    draft = await load(state)
    draft.time_kind, draft.visit_date = "date", day
    await query.answer()
    assert isinstance(query.message, Message)
    await ask_slot(query.message, state, draft, now)


@router.message(NewOrder.date, F.text)
async def got_date_text(message: Message, state: FSMContext, renderer: Renderer,
                        user: UserView) -> None:
    now = local_now(renderer.tz)
    try:
        day = parse_date(message.text or "", now.date(), typing_style(user.language_code))
    except DomainError as exc:
        await message.answer(error_text(exc))
        return
    draft = await load(state)
    draft.time_kind, draft.visit_date = "date", day
    # Echoed in full, so a date read another way than meant is seen before it counts.
    await message.answer(_("📅 Date: {date}").format(date=fmt_date_full(day)))
    await ask_slot(message, state, draft, now)


@router.message(NewOrder.date)
async def date_other(message: Message, user: UserView) -> None:
    example = typing_style(user.language_code).date_example()
    await message.answer(error_text(InvalidInput("error.date_format", example=example)))


async def ask_slot(message: Message, state: FSMContext, draft: OrderDraft,
                   now: datetime) -> None:
    await state.set_state(NewOrder.slot)
    await save(state, draft)
    assert draft.visit_date is not None
    free = slots_left(draft.visit_date, now)
    rows = [[button(slot_name(s), "slot", x=SLOTS.index(s))] for s in free]
    await message.answer(_("{day}: choose a time slot").format(day=fmt_date(draft.visit_date)),
                         reply_markup=with_cancel(*rows))


@router.callback_query(NewOrder.slot, Cb.filter(F.a == "slot"))
async def got_slot(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                   renderer: Renderer, policy: Policy) -> None:
    draft = await load(state)
    now = local_now(renderer.tz)
    if (not 0 <= callback_data.x < len(SLOTS) or draft.visit_date is None
            or SLOTS[callback_data.x] not in slots_left(draft.visit_date, now)):
        await query.answer(_("This time slot is no longer available."), show_alert=True)
        return
    draft.visit_slot = SLOTS[callback_data.x]
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await next_step(query.message, state, draft, renderer, policy)


@router.message(NewOrder.time)
@router.message(NewOrder.slot)
async def time_other(message: Message) -> None:
    await message.answer(_("Please choose with the buttons above."))


# --- phone ---------------------------------------------------------------------------------

async def ask_phone(message: Message, state: FSMContext, draft: OrderDraft) -> None:
    await state.set_state(NewOrder.phone)
    await save(state, draft)
    await message.answer(_("Share your phone number with the button below, so the master can "
                           "call you. Only your own Telegram number is accepted."),
                         reply_markup=share_contact())


@router.message(NewOrder.phone, F.contact)
async def got_contact(message: Message, state: FSMContext, renderer: Renderer,
                      policy: Policy) -> None:
    phone = await take_own_phone(message)
    if phone is None:
        return
    draft = await load(state)
    draft.phone = phone
    await next_step(message, state, draft, renderer, policy)


@router.message(NewOrder.phone)
async def phone_other(message: Message) -> None:
    await refuse_typed_phone(message)


# --- payment -------------------------------------------------------------------------------

async def ask_payment(message: Message, state: FSMContext, draft: OrderDraft) -> None:
    await state.set_state(NewOrder.payment)
    await save(state, draft)
    rows = [[button(("• " if p == draft.payment else "") + _(PAYMENT_NAMES[p]), "pay", x=i)]
            for i, p in enumerate(PAYMENTS)]
    await message.answer(_("How will you pay?"), reply_markup=with_cancel(*rows))


@router.callback_query(NewOrder.payment, Cb.filter(F.a == "pay"))
async def got_payment(query: CallbackQuery, callback_data: Cb, state: FSMContext,
                      renderer: Renderer, policy: Policy) -> None:
    if not 0 <= callback_data.x < len(PAYMENTS):
        await query.answer(_("This button is outdated."), show_alert=True)
        return
    draft = await load(state)
    draft.payment = PAYMENTS[callback_data.x]
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await next_step(query.message, state, draft, renderer, policy)


@router.message(NewOrder.payment)
@router.message(NewOrder.service)
async def buttons_only(message: Message) -> None:
    await message.answer(_("Please choose with the buttons above."))


# --- the order of the steps, the summary, confirm ------------------------------------------

async def next_step(message: Message, state: FSMContext, draft: OrderDraft,
                    renderer: Renderer, policy: Policy) -> None:
    """Ask for the first missing field; when nothing is missing go to the summary. Payment has
    a default, so it is asked once on the way (right after the phone) and later on demand."""
    missing = draft.missing()
    if renderer.districts and not draft.district_asked and "address" not in missing:
        await ask_district(message, state, draft, renderer)
        return
    if not missing:
        if draft.edit_of is not None:  # a placed order's change: review it, not the summary
            from handlers.client.edit import review_edit  # it builds on these steps

            await review_edit(message, state, draft, renderer, policy)
        elif not draft.editing and await state.get_state() == NewOrder.phone.state:
            await ask_payment(message, state, draft)
        else:
            await show_summary(message, state, draft, renderer, policy)
        return
    step = missing[0]
    if step == "description":
        await ask_description(message, state, draft)
    elif step == "address":
        await ask_address(message, state, draft)
    elif step == "time":
        await ask_time(message, state, draft, policy)
    elif step == "phone":
        await ask_phone(message, state, draft)
    else:  # the service is always chosen first; a draft without one starts over
        await state.clear()
        await message.answer(_("Let us start again."), reply_markup=menu())


def draft_when(draft: OrderDraft, policy: Policy) -> str:
    return Renderer.wish(draft.time_kind == "urgent", policy.urgent_surcharge_percent,
                         draft.visit_date, draft.visit_slot)


def draft_place(draft: OrderDraft) -> str:
    return q(draft.address) if draft.address else _("Location on the map")


def summary_text(draft: OrderDraft, renderer: Renderer, policy: Policy) -> str:
    names = renderer.services.get(draft.service or "", {})
    service = names.get(current_locale()) or names.get("en") or ""
    when = draft_when(draft, policy)
    place = draft_place(draft)
    lines = [
        _("<b>Please check your order</b>"),
        "",
        _("Service: {service}").format(service=q(service)),
        _("Description: {description}").format(description=q(clip(draft.description or "",
                                                                   1500))),
        _("Photos: {count}").format(count=len(draft.photos)),
        _("Address: {address}").format(address=place),
        *([_("District: {district}").format(district=q(draft.district))]
          if draft.district else []),
        _("When: {when}").format(when=when),
        _("Phone: {phone}").format(phone=q(draft.phone or "")),
        _("Payment: {payment}").format(payment=_(PAYMENT_NAMES[draft.payment])),
    ]
    if draft.time_kind == "urgent":
        lines += ["", _("⚡ An urgent visit costs {percent} more than the usual price.").format(
            percent=fmt_percent(policy.urgent_surcharge_percent))]
    return "\n".join(lines)


async def show_summary(message: Message, state: FSMContext, draft: OrderDraft,
                       renderer: Renderer, policy: Policy) -> None:
    draft.editing = False
    await state.set_state(NewOrder.summary)
    await save(state, draft)
    labels = [_("✏️ Service"), _("✏️ Description"), _("✏️ Address"), _("✏️ Time"),
              _("✏️ Phone"), _("✏️ Payment")]
    edit = [button(label, "edit", x=i) for i, label in enumerate(labels)]
    rows = [edit[i:i + 2] for i in range(0, len(edit), 2)]
    confirm = button(pgettext("the client places the order", "✅ Confirm"), "ok")
    await message.answer(summary_text(draft, renderer, policy),
                         reply_markup=with_cancel(*rows, [confirm]))


@router.callback_query(NewOrder.summary, Cb.filter(F.a == "edit"))
async def edit_field(query: CallbackQuery, callback_data: Cb, ctx: Context, state: FSMContext,
                     renderer: Renderer, policy: Policy) -> None:
    if not 0 <= callback_data.x < len(FIELDS):
        await query.answer(_("This button is outdated."), show_alert=True)
        return
    draft = await load(state)
    draft.editing = True
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    field = FIELDS[callback_data.x]
    if field == "service":
        await save(state, draft)
        await ask_service(query.message, ctx, state)
    elif field == "description":
        await ask_description(query.message, state, draft)
    elif field == "address":
        await ask_address(query.message, state, draft)
    elif field == "time":
        await ask_time(query.message, state, draft, policy)
    elif field == "phone":
        await ask_phone(query.message, state, draft)
    else:
        await ask_payment(query.message, state, draft)


@router.callback_query(Cb.filter(F.a == "ok"))
async def confirm(query: CallbackQuery, ctx: Context, state: FSMContext,
                  master: MasterView | None = None) -> None:
    """Not bound to the summary state: a second tap after the first one cleared the draft is
    answered, not ignored, and never creates a second order."""
    assert query.message is not None and isinstance(query.message, Message)
    if await state.get_state() != NewOrder.summary.state:
        await query.answer(_("This order has already been sent."), show_alert=True)
        return
    draft = await load(state)
    # A refusal (a cap reached meanwhile) raises before the draft is cleared: the summary
    # stays, and its Confirm works once an order is finished or cancelled.
    order = await submit_order(ctx, query.from_user.id, draft)
    await state.clear()
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(
        _("✅ Your order #{number} is placed. We are finding a master and will write to you "
          "here.").format(number=order.id), reply_markup=menu(master))
