"""/privacy: what the desk stores about this person and for how long, a copy of it as a file,
and its erasure after a confirmation (bot/services/privacy.py)."""

from __future__ import annotations

import json

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.buttons.privacy import (
    Privacy,
    PrivacyAction,
    erase_confirm_keyboard,
    privacy_keyboard,
)
from bot.config import Settings
from bot.domain.views import MasterView
from bot.i18n import _, ngettext
from bot.services.base import Context
from bot.services.privacy import ERASED_STATUS, erase_my_data, export_my_data, my_open_orders
from fsm.buffer import HANDLED


def notice(settings: Settings, master: MasterView | None) -> str:
    """What is stored and for how long, from the settings that keep it (honestly: orders and
    the audit log have no time limit)."""
    lines = [_("🔒 <b>Your data at the desk</b>"), "",
             _("• Your profile: Telegram name, username and language, while you use the bot."),
             _("• Your orders: service, description, photos, address, phone, visit time, "
               "prices, the master's report and your reviews. They are the record of the "
               "service (warranty, accounts) and are kept with no time limit."),
             ]
    if master is not None and master.status != ERASED_STATUS:
        lines.append(_("• Your master application: name, phone, legal form, tax id, services, "
                       "districts, documents and the desk's decision, and the jobs you did."))
    lines += [
        ngettext("• An unfinished conversation: removed {n} day after your last step.",
                 "• An unfinished conversation: removed {n} days after your last step.",
                 settings.fsm_ttl_days).format(n=settings.fsm_ttl_days),
        ngettext("• Copies of messages the bot delivered: removed after {n} day.",
                 "• Copies of messages the bot delivered: removed after {n} days.",
                 settings.outbox_keep_days).format(n=settings.outbox_keep_days),
        _("• The log of actions (who changed which order, and when): kept with no time "
          "limit."),
        "",
        _("<b>Delete my data</b> erases your name, phone, addresses, descriptions and photos "
          "(and a master's tax id and documents). Order numbers, amounts and review stars stay, "
          "anonymised: the law and the other party need them. It is not possible while you "
          "have an open order."),
    ]
    return "\n".join(lines)


def refusal(numbers: list[int] | tuple[int, ...]) -> str:
    return _("Your data cannot be deleted while you have open orders: {orders}. Once they are "
             "completed or cancelled (and no warranty claim is open), try again.").format(
        orders=", ".join(f"#{n}" for n in numbers))


async def privacy_cmd(message: Message, settings: Settings, master: MasterView | None) -> None:
    await message.answer(notice(settings, master), reply_markup=privacy_keyboard())


async def download(query: CallbackQuery, ctx: Context, state: FSMContext) -> None:
    await query.answer()
    data = {k: v for k, v in (await state.get_data()).items() if k != HANDLED}
    conversation = {"state": await state.get_state(), "data": data}
    data = await export_my_data(ctx, query.from_user.id,
                                conversation if conversation["state"] else None)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    assert isinstance(query.message, Message)
    await query.message.answer_document(
        BufferedInputFile(body, filename="my-data.json"),
        caption=_("Everything the desk stores about you (JSON, UTF-8)."))


async def ask(query: CallbackQuery, ctx: Context) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    blocking = await my_open_orders(ctx, query.from_user.id)
    if blocking:
        await query.message.answer(refusal(blocking))
        return
    await query.message.answer(
        _("Delete your personal data? This cannot be undone. Your name, phone, addresses, "
          "descriptions and photos are erased; order numbers, amounts and review stars stay "
          "anonymised."),
        reply_markup=erase_confirm_keyboard())


async def erase(query: CallbackQuery, ctx: Context, state: FSMContext) -> None:
    await state.clear()  # first: the erasure then removes the stored row itself
    done = await erase_my_data(ctx, query.from_user.id)
    await query.answer()
    assert isinstance(query.message, Message)
    if not done.erased:
        await query.message.edit_text(refusal(done.open_orders))
        return
    await query.message.edit_text(_("✅ Your personal data is deleted and the desk has been "
                                    "told. If you write to the bot again, your Telegram name "
                                    "is stored again."))


async def keep(query: CallbackQuery) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("Nothing was deleted."))


def make_router() -> Router:
    router = Router(name="privacy")
    router.message.register(privacy_cmd, Command("privacy"))
    for handler, action in ((download, PrivacyAction.DOWNLOAD), (ask, PrivacyAction.DELETE),
                            (erase, PrivacyAction.DELETE_CONFIRM),
                            (keep, PrivacyAction.DELETE_KEEP)):
        router.callback_query.register(handler, Privacy.filter(F.action == action))
    return router
