"""What Telegram shows of the bot before anyone writes to it: the command menus (private and
the desk's) and the bot's descriptions, in every language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from bot.config import LOCALES, Settings
from bot.i18n import N_, PoI18n, _

PRIVATE_COMMANDS = (
    ("start", N_("Menu")), ("new", N_("New order")), ("orders", N_("My orders")),
    ("language", N_("Language")), ("become_master", N_("Become a master")),
    ("jobs", N_("My jobs (masters)")), ("profile", N_("My master profile")),
    ("privacy", N_("My data and privacy")), ("help", N_("Help")), ("cancel", N_("Cancel")),
)
DESK_COMMANDS = (
    ("order", N_("An order by its number")), ("find", N_("Find orders")),
    ("sla", N_("Orders at risk and overdue")), ("stats", N_("Desk figures")),
    ("masters", N_("Applications to verify")), ("export", N_("All orders as CSV")),
    ("block", N_("Block a master or a client")), ("unblock", N_("Unblock a master or a client")),
    ("review", N_("Correct a review")), ("m", N_("In a topic: write to the order's master")),
    ("board", N_("The desk board: open orders, timelines, charts")),
    ("help", N_("What the desk can do here")),
)
# What Telegram shows before the first /start (description, ≤ 512 characters) and on the bot's
# profile and in shares (short description, ≤ 120).
DESCRIPTION = N_(
    "A home services desk in Telegram: plumbers, electricians, furniture assembly, cleaning "
    "and more. Describe the job and choose a time; the desk finds a verified master, who calls "
    "you to agree on the visit. Follow your order, write to the manager and confirm the "
    "finished work with a one-time code, all in this chat. Masters receive their jobs and "
    "report on them here too. Press Start to begin.")
SHORT_DESCRIPTION = N_("Home services from verified masters: plumbing, electrics, assembly, "
                       "cleaning. Order and follow it here.")


async def set_commands(bot: Bot, i18n: PoI18n, settings: Settings) -> None:
    """The command menus and the bot's descriptions, translated: the private ones in every
    language (Telegram shows the user's), the desk's in the desk's language."""
    for locale in LOCALES:
        with i18n.use_locale(locale):
            commands = [BotCommand(command=c, description=_(d)) for c, d in PRIVATE_COMMANDS]
            description, short = _(DESCRIPTION), _(SHORT_DESCRIPTION)
        code = None if locale == settings.default_locale else locale
        await bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(),
                                  language_code=code)
        await bot.set_my_description(description=description, language_code=code)
        await bot.set_my_short_description(short_description=short, language_code=code)
    with i18n.use_locale(settings.desk_language):
        commands = [BotCommand(command=c, description=_(d)) for c, d in DESK_COMMANDS]
    for desk in settings.desks.chats:  # every desk group has the desk's menu
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=desk))
