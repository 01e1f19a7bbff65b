"""The desk's masters: the verification queue (/masters), each applicant's card (approve,
reject with a reason, ask for more), blocking (/block, /unblock, or the card's buttons)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons.applications import (
    MasterCard,
    MasterCardAction,
    MasterReason,
    master_button,
    reject_reasons_keyboard,
)
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.masters import MASTER_REJECT_REASONS
from bot.domain.rules import Actor, desk_only
from bot.i18n import _, ngettext
from bot.notify.render import MASTER_REJECT_REASON_NAMES, Renderer, q
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


async def queue(message: Message, actor: Actor, ctx: Context) -> None:
    desk_only(actor)
    pending = await verification_queue(ctx, actor)
    if not pending:
        await message.answer(_("No applications are waiting for verification."))
        return
    text = ngettext("{n} application waits for verification, oldest first:",
                    "{n} applications wait for verification, oldest first:",
                    len(pending)).format(n=len(pending))
    rows = [[master_button(f"#{m.id} {m.name}" + (" ✍️" if m.answer else ""),
                           MasterCardAction.DOCUMENTS, m.id)] for m in pending]
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def approve(query: CallbackQuery, callback_data: MasterCard, ctx: Context,
                  actor: Actor) -> None:
    await decide_master(ctx, actor, callback_data.master_id, True)
    await query.answer(_("The master is approved."))


async def reject(query: CallbackQuery, callback_data: MasterReason, ctx: Context,
                 actor: Actor) -> None:
    if not 0 <= callback_data.index < len(MASTER_REJECT_REASONS):
        raise NotAllowed("error.outdated")
    await decide_master(ctx, actor, callback_data.master_id, False,
                        MASTER_REJECT_REASONS[callback_data.index])
    await query.answer(_("The application is rejected."))


async def unblock(query: CallbackQuery, callback_data: MasterCard, ctx: Context,
                  actor: Actor) -> None:
    await unblock_master(ctx, actor, callback_data.master_id)
    await query.answer(_("The master is unblocked."))


async def documents(query: CallbackQuery, callback_data: MasterCard, ctx: Context,
                    actor: Actor) -> None:
    await show_card(ctx, actor, callback_data.master_id)
    await query.answer(_("The card and the documents are posted below."))


async def reject_reasons(query: CallbackQuery, callback_data: MasterCard, ctx: Context) -> None:
    await card_menu_shown(ctx, master_id=callback_data.master_id)
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=reject_reasons_keyboard(
        callback_data.master_id, [_(MASTER_REJECT_REASON_NAMES[r])
                                  for r in MASTER_REJECT_REASONS]))


async def back(query: CallbackQuery, callback_data: MasterCard, ctx: Context, actor: Actor,
               renderer: Renderer) -> None:
    m = await desk_master(ctx, actor, callback_data.master_id)
    await query.answer()
    await message_of(query).edit_reply_markup(reply_markup=renderer.master_card(m)[1])


async def ask_text(query: CallbackQuery, callback_data: MasterCard, ctx: Context,
                   state: FSMContext) -> None:
    """The manager's next message in this thread is the question (or the block reason)."""
    asking = callback_data.action == MasterCardAction.ASK
    master_id = callback_data.master_id
    await query.answer()
    card = message_of(query)
    prompt = await card.answer(
        (_("Type your question to master #{number} (or /cancel):") if asking
         else _("Type why master #{number} is blocked (or /cancel):")).format(
            number=master_id))
    await open_prompt(state, ctx, DeskInput.question if asking else DeskInput.block_reason,
                      card, prompt, master_id=master_id)


async def cancel_input(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Cancelled. Nothing was saved."))


async def got_question(message: Message, state: FSMContext, ctx: Context,
                       actor: Actor) -> None:
    master_id = int((await state.get_data())["master_id"])
    await ask_applicant(ctx, actor, master_id, message.text or "")
    await state.clear()
    await message.answer(_("The question has been sent to master #{number}; the answer will "
                           "appear on the card.").format(number=master_id))


async def got_block_reason(message: Message, state: FSMContext, ctx: Context,
                           actor: Actor) -> None:
    master_id = int((await state.get_data())["master_id"])
    await _block(message, ctx, actor, master_id, message.text or "")
    await state.clear()


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


async def block_cmd(message: Message, command: CommandObject, ctx: Context,
                    actor: Actor) -> None:
    """/block <master number> <reason>, or /block client <order number> <reason>"""
    desk_only(actor)
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


async def unblock_cmd(message: Message, command: CommandObject, ctx: Context,
                      actor: Actor) -> None:
    """/unblock <master number>, or /unblock client <order number>"""
    desk_only(actor)
    client = _client_order(command)
    if client is not None:
        await set_client_blocked(ctx, actor, client[0], False)
        await message.answer(_("The client of order #{number} is unblocked.").format(
            number=client[0]))
        return
    master_id, _reason = _master_number(command)
    await unblock_master(ctx, actor, master_id)
    await message.answer(_("Master #{number} is unblocked.").format(number=master_id))


def make_router() -> Router:
    router = Router(name="desk_masters")
    cq, msg = router.callback_query, router.message
    msg.register(queue, Command("masters"))
    cq.register(approve, MasterCard.filter(F.action == MasterCardAction.APPROVE))
    cq.register(reject_reasons, MasterCard.filter(F.action == MasterCardAction.REJECT_MENU))
    cq.register(reject, MasterReason.filter(F.action == MasterCardAction.REJECT))
    cq.register(unblock, MasterCard.filter(F.action == MasterCardAction.UNBLOCK))
    cq.register(documents, MasterCard.filter(F.action == MasterCardAction.DOCUMENTS))
    cq.register(back, MasterCard.filter(F.action == MasterCardAction.BACK))
    cq.register(ask_text, MasterCard.filter(
        F.action.in_({MasterCardAction.ASK, MasterCardAction.BLOCK})))
    for prompt in (DeskInput.block_reason, DeskInput.question):
        msg.register(cancel_input, Command("cancel"), prompt)
    msg.register(got_question, DeskInput.question, F.text)
    msg.register(got_block_reason, DeskInput.block_reason, F.text)
    for prompt in (DeskInput.block_reason, DeskInput.question):
        msg.register(input_other, prompt)
    msg.register(block_cmd, Command("block"))
    msg.register(unblock_cmd, Command("unblock"))
    return router
