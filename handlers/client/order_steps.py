"""The New order form's step table (SPEC §2.1): each step's prompt and keyboard, the order of
the steps, the summary with an edit button per field. A placed order's change
(handlers/client/edit.py) walks the same steps and ends on a review of the one changed field.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject

from bot.buttons import new_order as kb
from bot.buttons.edit_order import save_rows
from bot.domain.rules import MAX_PHOTOS, clip, slots_left
from bot.domain.typed import DateStyle
from bot.domain.views import UserView
from bot.i18n import _, current_locale, fmt_date, fmt_percent, ngettext, typing_style
from bot.notify.render import PAYMENT_NAMES, Renderer, q
from bot.services.base import Context, Policy
from bot.services.users import catalogue
from fsm.draft import OrderDraft
from fsm.forms import Form, Step
from fsm.states import EditOrder, NewOrder
from handlers.keyboards import menu, share_contact, share_location, with_cancel

FIELDS = ("service", "description", "address", "time", "phone", "payment")


@dataclass(frozen=True)
class OrderEnv:
    """What the prompts need besides the draft."""

    ctx: Context
    renderer: Renderer
    policy: Policy
    style: DateStyle  # how this client types dates

    @classmethod
    def of(cls, ctx: Context, renderer: Renderer, policy: Policy, user: UserView) -> OrderEnv:
        return cls(ctx, renderer, policy, typing_style(user.language_code))

    def now(self) -> datetime:
        return self.renderer.local_now()


def order_env(data: Mapping[str, Any]) -> OrderEnv:
    return OrderEnv.of(data["ctx"], data["renderer"], data["policy"], data["user"])


async def give_env(handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                   event: TelegramObject, data: dict[str, Any]) -> Any:
    """The form's handlers take one `env` instead of the four things it is made of (a router's
    inner middleware: it runs only for a handler that matched)."""
    data["env"] = order_env(data)
    return await handler(event, data)


async def _service(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    names = [item.name(current_locale()) for item in await catalogue(env.ctx)]
    await message.answer(_("Which service do you need?"),
                         reply_markup=with_cancel(*kb.service_rows(names)))


async def _description(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    text = ngettext("Describe the problem in a few words. You can attach up to {n} photo. "
                    "Press «Continue» when you are done.",
                    "Describe the problem in a few words. You can attach up to {n} photos. "
                    "Press «Continue» when you are done.", MAX_PHOTOS).format(n=MAX_PHOTOS)
    started = bool(draft.description or draft.photos)
    if started:
        text += "\n\n" + _("Now: {description}").format(
            description=q(clip(draft.description or "", 500)))
        text += "\n" + _("Photos: {count}").format(count=len(draft.photos))
    await message.answer(text, reply_markup=with_cancel(*kb.continue_rows(clear=started)))


async def _address(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    await message.answer(_("Where should the master come? Type the address (street, house, "
                           "flat, city) or share a location."), reply_markup=share_location())


async def _district(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    await message.answer(_("Which district is it in?"), reply_markup=with_cancel(
        *kb.district_rows(env.renderer.districts)))


async def _time(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    await message.answer(_("When should the master come?"), reply_markup=with_cancel(
        *kb.time_rows(env.policy.urgent_surcharge_percent)))


async def _date(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    today = env.now().date()
    days = [today + timedelta(days=d) for d in range(2, 9)]
    await message.answer(_("Choose a date or type it, for example {example}:").format(
        example=env.style.date_example()), reply_markup=with_cancel(*kb.date_rows(days)))


async def _slot(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    assert draft.visit_date is not None
    free = slots_left(draft.visit_date, env.now())
    await message.answer(_("{day}: choose a time slot").format(day=fmt_date(draft.visit_date)),
                         reply_markup=with_cancel(*kb.slot_rows(free)))


async def _phone(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    await message.answer(_("Share your phone number with the button below, so the master can "
                           "call you. Only your own Telegram number is accepted."),
                         reply_markup=share_contact())


async def _payment(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    await message.answer(_("How will you pay?"),
                         reply_markup=with_cancel(*kb.payment_rows(draft.payment)))


def draft_when(draft: OrderDraft, policy: Policy) -> str:
    return Renderer.wish(draft.time_kind == "urgent", policy.urgent_surcharge_percent,
                         draft.visit_date, draft.visit_slot)


def draft_place(draft: OrderDraft) -> str:
    return q(draft.address) if draft.address else _("Location on the map")


def _urgent_note(draft: OrderDraft, policy: Policy) -> list[str]:
    if draft.time_kind != "urgent":
        return []
    return ["", _("⚡ An urgent visit costs {percent} more than the usual price.").format(
        percent=fmt_percent(policy.urgent_surcharge_percent))]


def _district_line(draft: OrderDraft) -> list[str]:
    return [_("District: {district}").format(district=q(draft.district))] if draft.district else []


def _description_lines(draft: OrderDraft) -> list[str]:
    return [_("Description: {description}").format(description=q(clip(draft.description or "",
                                                                      1500))),
            _("Photos: {count}").format(count=len(draft.photos))]


def summary_text(draft: OrderDraft, renderer: Renderer, policy: Policy) -> str:
    names = renderer.services.get(draft.service or "", {})
    service = names.get(current_locale()) or names.get("en") or ""
    return "\n".join([
        _("<b>Please check your order</b>"),
        "",
        _("Service: {service}").format(service=q(service)),
        *_description_lines(draft),
        _("Address: {address}").format(address=draft_place(draft)),
        *_district_line(draft),
        _("When: {when}").format(when=draft_when(draft, policy)),
        _("Phone: {phone}").format(phone=q(draft.phone or "")),
        _("Payment: {payment}").format(payment=_(PAYMENT_NAMES[draft.payment])),
        *_urgent_note(draft, policy),
    ])


async def _summary(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    await message.answer(summary_text(draft, env.renderer, env.policy),
                         reply_markup=with_cancel(*kb.summary_rows()))


async def _review(message: Message, draft: OrderDraft, env: OrderEnv) -> None:
    """A placed order's change is done: the changed field, to save (handlers/client/edit.py)."""
    lines = [_("<b>Order #{number}: save this change?</b>").format(number=draft.edit_of), ""]
    if draft.edit_field == "description":
        lines += _description_lines(draft)
    elif draft.edit_field == "address":
        lines += [_("Address: {address}").format(address=draft_place(draft)),
                  *_district_line(draft)]
    else:
        lines += [_("When: {when}").format(when=draft_when(draft, env.policy)),
                  *_urgent_note(draft, env.policy)]
    await message.answer("\n".join(lines), reply_markup=with_cancel(
        *save_rows(draft.edit_of or 0)))


def _buttons_above() -> str:
    return _("Please choose with the buttons above.")


FORM: Form[OrderDraft, OrderEnv] = Form("draft", OrderDraft, {
    "service": Step(NewOrder.service, _service, _buttons_above),
    "description": Step(NewOrder.description, _description,
                        lambda: _("Please send text or photos.")),
    "address": Step(NewOrder.address, _address,
                    lambda: _("Type the address as text or share a location.")),
    "district": Step(NewOrder.district, _district, _buttons_above),
    "time": Step(NewOrder.time, _time, _buttons_above),
    "date": Step(NewOrder.date, _date),  # typed dates: handlers/client/new_order.py
    "slot": Step(NewOrder.slot, _slot, _buttons_above),
    "phone": Step(NewOrder.phone, _phone),  # a typed number is refused there
    "payment": Step(NewOrder.payment, _payment, _buttons_above),
    "summary": Step(NewOrder.summary, _summary),
    "review": Step(EditOrder.review, _review, _buttons_above),
}, order_env)


async def next_step(message: Message, state: FSMContext, draft: OrderDraft,
                    env: OrderEnv) -> None:
    """Ask for the first missing field; when nothing is missing go to the summary. Payment has
    a default, so it is asked once on the way (right after the phone) and later on demand."""
    missing = draft.missing()
    if env.renderer.districts and not draft.district_asked and "address" not in missing:
        await FORM.ask("district", message, state, draft, env)
    elif missing and missing[0] == "service":  # chosen first; a draft without one starts over
        await state.clear()
        await message.answer(_("Let us start again."), reply_markup=menu())
    elif missing:
        await FORM.ask(missing[0], message, state, draft, env)
    elif draft.edit_of is not None:  # a placed order's change: review it, not the summary
        await FORM.ask("review", message, state, draft, env)
    elif not draft.editing and await FORM.at(state, "phone"):
        await FORM.ask("payment", message, state, draft, env)
    else:
        draft.editing = False
        await FORM.ask("summary", message, state, draft, env)
