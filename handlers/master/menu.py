"""The master's own menu: his jobs, the offers waiting for his answer, his profile and duty."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons.base import rows
from bot.buttons.jobs import Job, JobAction, job_button
from bot.buttons.menus import Duty, Menu, MenuAction
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.rules import Actor
from bot.domain.views import MasterView
from bot.i18n import _
from bot.notify.render import Renderer
from bot.services.base import Context
from bot.services.master_jobs import my_jobs, waiting_offers
from bot.services.masters import update_profile
from bot.services.orders import get_order
from handlers.inputs import message_of
from handlers.keyboards import master_menu
from handlers.master.profile import show_profile
from handlers.master.shown import remember, show_job


def _approved(master: MasterView | None) -> MasterView:
    if master is None or master.status != "approved":
        raise NotFound("error.not_a_master")
    return master


async def jobs_list(ctx: Context, renderer: Renderer,
                    actor: Actor) -> tuple[str, InlineKeyboardMarkup | None]:
    """Open jobs with their state and next step, then the last completed; a button opens each
    open job with the buttons that fit its state."""
    jobs = await my_jobs(ctx, actor)
    if not jobs.open and not jobs.done:
        return _("You have no jobs yet. Offers come here when the desk or Auto picks you; "
                 "stay on duty to receive them."), None
    lines = [_("<b>Your jobs</b>")]
    if jobs.open:
        lines += ["", *(renderer.job_line(o) for o in jobs.open)]
    else:
        lines += ["", _("No open jobs right now.")]
    if jobs.done:
        lines += ["", _("<b>Recently completed</b>"),
                  *(renderer.client_order_line(o) for o in jobs.done)]
    buttons = [job_button(_("Order #{number}").format(number=o.id), JobAction.OPEN, o.id)
               for o in jobs.open]
    kb = InlineKeyboardMarkup(inline_keyboard=rows(*buttons, width=3)) if buttons else None
    return "\n".join(lines), kb


async def jobs_cmd(message: Message, ctx: Context, renderer: Renderer, actor: Actor,
                   master: MasterView | None) -> None:
    _approved(master)
    text, kb = await jobs_list(ctx, renderer, actor)
    await message.answer(text, reply_markup=kb)


async def jobs_button(query: CallbackQuery, ctx: Context, renderer: Renderer, actor: Actor,
                      master: MasterView | None) -> None:
    _approved(master)
    text, kb = await jobs_list(ctx, renderer, actor)
    await query.answer()
    await message_of(query).answer(text, reply_markup=kb)


async def open_job(query: CallbackQuery, callback_data: Job, ctx: Context, actor: Actor,
                   renderer: Renderer) -> None:
    """One of his jobs, as its job message (remembered: it shows the address and phone)."""
    order = await get_order(ctx, actor, callback_data.order_id)
    if actor.master_id is None or order.master_id != actor.master_id:
        raise NotAllowed("error.not_allowed")  # e.g. his own order as a client
    await query.answer()
    await show_job(ctx, renderer, order, message_of(query))


async def offers_button(query: CallbackQuery, ctx: Context, renderer: Renderer, actor: Actor,
                        master: MasterView | None) -> None:
    """Each offer waiting for his answer, again with Accept and Decline. Remembered like the
    first copy, so every copy says so when the offer ends."""
    _approved(master)
    offers = await waiting_offers(ctx, actor)
    await query.answer()
    target = message_of(query)
    if not offers:
        await target.answer(_("No offers are waiting for your answer."))
        return
    for order in offers:
        text, kb = renderer.offer(order)
        await remember(ctx, order, await target.answer(text, reply_markup=kb))


async def profile_button(query: CallbackQuery, state: FSMContext, ctx: Context,
                         renderer: Renderer, master: MasterView | None) -> None:
    m = _approved(master)
    await state.clear()
    await query.answer()
    await show_profile(message_of(query), m, ctx, renderer)


async def duty_button(query: CallbackQuery, callback_data: Duty, ctx: Context,
                      master: MasterView | None) -> None:
    """On or off duty from the menu; the menu is redrawn with the switch the other way."""
    _approved(master)
    m = await update_profile(ctx, query.from_user.id, on_duty=callback_data.on_duty)
    await query.answer(_("You are on duty.") if m.on_duty else _("You are off duty."))
    await message_of(query).edit_reply_markup(reply_markup=master_menu(m))


def make_router() -> Router:
    router = Router(name="master_menu")
    router.message.register(jobs_cmd, Command("jobs"))
    router.callback_query.register(jobs_button, Menu.filter(F.action == MenuAction.MY_JOBS))
    router.callback_query.register(open_job, Job.filter(F.action == JobAction.OPEN))
    router.callback_query.register(offers_button,
                                   Menu.filter(F.action == MenuAction.OFFERS_WAITING))
    router.callback_query.register(profile_button, Menu.filter(F.action == MenuAction.PROFILE))
    router.callback_query.register(duty_button, Duty.filter(F.action == MenuAction.DUTY))
    return router
