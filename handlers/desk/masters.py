"""The desk's masters: the verification queue (/masters), each applicant's card (approve,
reject with a reason, ask for more), blocking (/block, /unblock, or the card's buttons)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import Cb
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.masters import MASTER_REJECT_REASONS
from bot.domain.rules import Actor
from bot.i18n import _, ngettext
from bot.notify.render import MASTER_REJECT_REASON_NAMES, Renderer, button, q
from bot.services.base import Context
from bot.services.blocking import block_master, set_client_blocked, unblock_master
from bot.services.common import card_menu_shown
from bot.services.masters import (
    ask_applicant,
    decide_master,
    desk_master,
    show_card,
    verification_queue,
)
from fsm.states import DeskInput
from handlers.desk.prompt import open_prompt
from handlers.inputs import message_of, number_arg

router = Router(name="desk_masters")


def _desk(actor: Actor) -> None:
    if not actor.is_desk:
        raise NotAllowed("error.desk_only")


@router.message(Command("masters"))
async def queue(message: Message, actor: Actor, ctx: Context) -> None:
    _desk(actor)
    pending = await verification_queue(ctx, actor)
    if not pending:
        await message.answer(_("No applications are waiting for verification."))
        return
    text = ngettext("{n} application waits for verification, oldest first:",
                    "{n} applications wait for verification, oldest first:",
                    len(pending)).format(n=len(pending))
    rows = [[button(f"#{m.id} {m.name}" + (" ✍️" if m.answer else ""), "mdoc", m.id)]
            for m in pending]
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


@router.callback_query(Cb.filter(F.a.in_({"mapp", "mrr", "munb", "mdoc"})))
async def decide(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor) -> None:
    _desk(actor)
    a, master_id = callback_data.a, callback_data.o
    if a == "mapp":
        await decide_master(ctx, actor, master_id, True)
        await query.answer(_("The master is approved."))
    elif a == "mrr":
        if not 0 <= callback_data.x < len(MASTER_REJECT_REASONS):
            raise NotAllowed("error.outdated")
        await decide_master(ctx, actor, master_id, False, MASTER_REJECT_REASONS[callback_data.x])
        await query.answer(_("The application is rejected."))
    elif a == "munb":
        await unblock_master(ctx, actor, master_id)
        await query.answer(_("The master is unblocked."))
    else:
        await show_card(ctx, actor, master_id)
        await query.answer(_("The card and the documents are posted below."))


@router.callback_query(Cb.filter(F.a == "mrej"))
async def reject_reasons(query: CallbackQuery, callback_data: Cb, actor: Actor,
                         ctx: Context) -> None:
    _desk(actor)
    await card_menu_shown(ctx, master_id=callback_data.o)
    rows = [[button(_(MASTER_REJECT_REASON_NAMES[r]), "mrr", callback_data.o, i)]
            for i, r in enumerate(MASTER_REJECT_REASONS)]
    rows.append([button(_("⬅️ Back"), "mback", callback_data.o)])
    await query.answer()
    await message_of(query).edit_reply_markup(
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


@router.callback_query(Cb.filter(F.a == "mback"))
async def back(query: CallbackQuery, callback_data: Cb, ctx: Context, actor: Actor,
               renderer: Renderer) -> None:
    m = await desk_master(ctx, actor, callback_data.o)
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=renderer.master_card(m)[1])


@router.callback_query(Cb.filter(F.a.in_({"mask", "mblk"})))
async def ask_text(query: CallbackQuery, callback_data: Cb, actor: Actor, ctx: Context,
                   state: FSMContext) -> None:
    """The manager's next message in this thread is the question (or the block reason)."""
    _desk(actor)
    asking = callback_data.a == "mask"
    await query.answer()
    card = message_of(query)
    prompt = await card.answer(
        (_("Type your question to master #{number} (or /cancel):") if asking
         else _("Type why master #{number} is blocked (or /cancel):")).format(
            number=callback_data.o))
    await open_prompt(state, ctx, DeskInput.question if asking else DeskInput.block_reason,
                      card, prompt, master_id=callback_data.o)


@router.message(Command("cancel"), DeskInput.question)
@router.message(Command("cancel"), DeskInput.block_reason)
async def cancel_input(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Cancelled. Nothing was saved."))


@router.message(DeskInput.question, F.text)
async def got_question(message: Message, state: FSMContext, ctx: Context,
                       actor: Actor) -> None:
    master_id = int((await state.get_data())["master_id"])
    await ask_applicant(ctx, actor, master_id, message.text or "")
    await state.clear()
    await message.answer(_("The question has been sent to master #{number}; the answer will "
                           "appear on the card.").format(number=master_id))


@router.message(DeskInput.block_reason, F.text)
async def got_block_reason(message: Message, state: FSMContext, ctx: Context,
                           actor: Actor) -> None:
    master_id = int((await state.get_data())["master_id"])
    await _block(message, ctx, actor, master_id, message.text or "")
    await state.clear()


@router.message(DeskInput.question)
@router.message(DeskInput.block_reason)
async def input_other(message: Message) -> None:
    await message.answer(_("Please type it as text, or /cancel."))


async def _block(message: Message, ctx: Context, actor: Actor, master_id: int,
                 reason: str) -> None:
    if reason.startswith("/"):
        raise InvalidInput("error.block_reason")
    touched = await block_master(ctx, actor, master_id, reason)
    text = _("Master #{number} is blocked: {reason}").format(number=master_id,
                                                             reason=q(reason.strip()))
    if touched:
        text += "\n" + ngettext("{n} open order of his needs the desk: see its topic.",
                                "{n} open orders of his need the desk: see their topics.",
                                len(touched)).format(n=len(touched))
    await message.answer(text)


def _master_number(command: CommandObject) -> tuple[int, str]:
    parts = (command.args or "").split(maxsplit=1)
    if not parts:
        raise InvalidInput("error.block_usage")
    return (number_arg(parts[0], "error.block_usage", "error.master_not_found"),
            parts[1] if len(parts) > 1 else "")


def _client_order(command: CommandObject) -> tuple[int, str] | None:
    """`client <order number> [reason]` — the client of that order; None for a master."""
    parts = (command.args or "").split(maxsplit=2)
    if not parts or parts[0].lower() != "client":
        return None
    if len(parts) < 2:
        raise InvalidInput("error.block_usage")
    return number_arg(parts[1], "error.block_usage"), parts[2] if len(parts) > 2 else ""


@router.message(Command("block"))
async def block_cmd(message: Message, command: CommandObject, ctx: Context,
                    actor: Actor) -> None:
    """/block <master number> <reason>, or /block client <order number> <reason>"""
    _desk(actor)
    client = _client_order(command)
    if client is not None:
        order_id, reason = client
        await set_client_blocked(ctx, actor, order_id, True, reason)
        await message.answer(_("The client of order #{number} is blocked: {reason}").format(
            number=order_id, reason=q(reason.strip())))
        return
    master_id, reason = _master_number(command)
    if not reason.strip():
        raise InvalidInput("error.block_usage")
    await _block(message, ctx, actor, master_id, reason)


@router.message(Command("unblock"))
async def unblock_cmd(message: Message, command: CommandObject, ctx: Context,
                      actor: Actor) -> None:
    """/unblock <master number>, or /unblock client <order number>"""
    _desk(actor)
    client = _client_order(command)
    if client is not None:
        await set_client_blocked(ctx, actor, client[0], False)
        await message.answer(_("The client of order #{number} is unblocked.").format(
            number=client[0]))
        return
    master_id, _reason = _master_number(command)
    await unblock_master(ctx, actor, master_id)
    await message.answer(_("Master #{number} is unblocked.").format(number=master_id))
