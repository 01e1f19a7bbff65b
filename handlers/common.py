"""/start, /cancel, /language, the menu, and the private chat's catch-alls."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove

from bot.buttons.menus import Language, Menu, MenuAction, languages_keyboard
from bot.commands import CLIENT_HELP, MASTER_HELP, help_text
from bot.config import LOCALES
from bot.domain.views import MasterView
from bot.i18n import LANGUAGE_NAMES, _, _current
from bot.notify.render import q
from bot.services.base import Context
from bot.services.users import set_locale
from handlers.inputs import chosen
from handlers.keyboards import menu

CANCEL_WORDS = {"✖️ Cancel"}


def is_master(master: MasterView | None) -> bool:
    return master is not None and master.status == "approved"


def greeting(name: str, master: MasterView | None) -> str:
    """Hello, how the service works for this person in two lines, and the menu."""
    hello = _("Hello, {name}! This is the home services desk: plumbers, electricians, "
              "furniture assemblers and more.").format(name=q(name))
    if is_master(master):
        how = _("How it works for you: job offers come here with Accept and Decline; once you "
                "accept, you get the client's address and phone.\nYou call the client, agree "
                "on the visit, check in on site and file the report; the client's code "
                "completes the job.")
    else:
        how = _("How it works: you describe the job, and the desk finds a verified master who "
                "calls you to agree on the visit.\nWhen the work is done, you confirm it with "
                "a one-time code and pay as agreed.")
    lines = [hello, how, _("What would you like to do?")]
    if master is None:
        lines.append(_("Are you a master? Apply with /become_master."))
    lines.append(_("Help: /help"))
    return "\n\n".join(lines)


async def help_cmd(message: Message, master: MasterView | None) -> None:
    await message.answer(help_text(MASTER_HELP if is_master(master) else CLIENT_HELP))


async def start(message: Message, state: FSMContext, master: MasterView | None) -> None:
    await state.clear()
    assert message.from_user is not None
    await message.answer(greeting(message.from_user.first_name, master),
                         reply_markup=menu(master))


async def cancel_cmd(message: Message, state: FSMContext, master: MasterView | None) -> None:
    had = await state.get_state()
    await state.clear()
    text = _("Cancelled. Nothing was saved.") if had else _("There is nothing to cancel.")
    await message.answer(text, reply_markup=ReplyKeyboardRemove())
    await message.answer(_("What would you like to do?"), reply_markup=menu(master))


async def cancel_button(query: CallbackQuery, state: FSMContext,
                        master: MasterView | None) -> None:
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(_("Cancelled. Nothing was saved."))
        await query.message.answer(_("What would you like to do?"), reply_markup=menu(master))


def languages() -> InlineKeyboardMarkup:
    return languages_keyboard([LANGUAGE_NAMES[c] for c in LOCALES])


async def language_cmd(message: Message) -> None:
    await message.answer(_("Choose your language:"), reply_markup=languages())


async def language_menu(query: CallbackQuery) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(_("Choose your language:"), reply_markup=languages())


async def language_set(query: CallbackQuery, callback_data: Language, ctx: Context,
                       master: MasterView | None) -> None:
    locale = chosen(LOCALES, callback_data.index)
    await set_locale(ctx, query.from_user.id, locale)
    with _current().use_locale(locale):  # answer in the language just chosen
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(_("Language: {name}").format(
                name=LANGUAGE_NAMES[locale]))
            await query.message.answer(_("What would you like to do?"),
                                       reply_markup=menu(master))


async def outdated(query: CallbackQuery) -> None:
    await query.answer(_("This button is outdated."), show_alert=True)


async def unknown(message: Message, master: MasterView | None) -> None:
    await message.answer(_("I did not understand that. Choose what you would like to do:"),
                         reply_markup=menu(master))


def make_router() -> Router:
    router = Router(name="common")
    # /help in a conversation too: it stays as it is
    router.message.register(help_cmd, Command("help"), StateFilter("*"))
    router.message.register(start, CommandStart())
    router.message.register(cancel_cmd, F.text.startswith("✖️"), ~StateFilter(None))
    router.message.register(cancel_cmd, Command("cancel"), StateFilter("*"))
    router.callback_query.register(cancel_button, Menu.filter(F.action == MenuAction.CANCEL))
    router.message.register(language_cmd, Command("language"))
    router.callback_query.register(language_menu, Menu.filter(F.action == MenuAction.LANGUAGE))
    router.callback_query.register(language_set,
                                   Language.filter(F.action == MenuAction.SET_LANGUAGE))
    return router


def make_fallback() -> Router:
    """The private chat's catch-alls, registered last."""
    fallback = Router(name="fallback")
    fallback.callback_query.register(outdated)
    fallback.message.register(unknown, StateFilter(None))
    return fallback
