"""Write to the manager (SPEC §2.4): the client (or the order's master) presses «Write to the
manager» or «Reply»; everything he then sends — text, photos, files — goes into the order's
topic, until he presses «Done»."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.buttons.relay import RelayAction, RelayPress, done_keyboard
from bot.domain.errors import NotFound, TooFast
from bot.domain.rules import Actor
from bot.i18n import _, ngettext
from bot.services.base import Context
from bot.services.orders import get_order
from bot.services.relay import write_to_desk
from fsm.states import Relay
from handlers.inputs import leave_by_press, message_of


def too_fast_text(seconds: int) -> str:
    return ngettext(
        "Please wait {n} second before writing again: the desk has your previous messages "
        "and will answer here. This message was not sent.",
        "Please wait {n} seconds before writing again: the desk has your previous messages "
        "and will answer here. This message was not sent.", seconds).format(n=seconds)


async def start(query: CallbackQuery, callback_data: RelayPress, ctx: Context, actor: Actor,
                state: FSMContext) -> None:
    order = await get_order(ctx, actor, callback_data.order_id)  # his own order or job only
    if order.client_id != actor.user_id and order.master_id != actor.master_id:
        raise NotFound("error.not_found")
    await state.set_state(Relay.writing)
    await state.set_data({"order_id": order.id})
    await query.answer()
    await message_of(query).answer(
        _("Write to the desk about order #{number}: text, photos or files. Everything you send "
          "now goes to the desk, until you press «Done».").format(number=order.id),
        reply_markup=done_keyboard())


async def relay(message: Message, state: FSMContext, ctx: Context, actor: Actor) -> None:
    order_id = int((await state.get_data())["order_id"])
    try:
        if message.photo:
            await write_to_desk(ctx, actor, order_id, "photo", message.caption,
                                message.photo[-1].file_id)
        elif message.document:  # only PDF, JPEG and PNG files reach the desk
            doc = message.document
            await write_to_desk(ctx, actor, order_id, "document", message.caption,
                                doc.file_id, file_name=doc.file_name, mime_type=doc.mime_type)
        else:
            await write_to_desk(ctx, actor, order_id, "text", message.text)
    except TooFast as exc:
        if not exc.quiet:  # told once per wait: more notices would be a flood of their own
            await message.answer(too_fast_text(exc.seconds), reply_markup=done_keyboard())
        return
    await message.answer(_("✓ Sent to the desk. Write more, or press «Done»."),
                         reply_markup=done_keyboard())


async def relay_other(message: Message) -> None:
    await message.answer(_("Only text, photos and files can be sent to the desk."),
                         reply_markup=done_keyboard())


async def done(query: CallbackQuery, state: FSMContext) -> None:
    await leave_by_press(query, state, Relay.writing, _("Thank you. The desk will answer here."))


def make_router() -> Router:
    router = Router(name="relay")
    router.callback_query.register(start, RelayPress.filter(
        F.action.in_({RelayAction.WRITE, RelayAction.REPLY})))
    router.message.register(relay, Relay.writing, F.text | F.photo | F.document)
    router.message.register(relay_other, Relay.writing)
    router.callback_query.register(done, RelayPress.filter(F.action == RelayAction.DONE))
    return router
