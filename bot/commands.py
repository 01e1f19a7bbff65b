"""What Telegram shows of the bot before anyone writes to it: the command menus (private and
the desk's) and the bot's descriptions, in every language; and the /help pages (the client's,
an approved master's, the desk's) next to the menus they explain."""

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


# The /help pages: sections of lines, shown with a blank line between them. The lines every
# private page has are written once.
Page = tuple[tuple[str, ...], ...]
_LANGUAGE = N_("/language — change the language")
_CANCEL = N_("/cancel — leave what you are doing; nothing is saved")
_HELP = N_("/help — this help")
CLIENT_HELP: Page = (
    (N_("<b>What this bot does for you</b>"),
     N_("You order home services here. The desk finds a verified master for your order; "
        "you follow it, talk to the manager and accept the work in this chat.")),
    (N_("<b>Commands</b>"),
     N_("/new — place an order"),
     N_("/orders — your orders: follow, stop or cancel one, write to the manager, make a "
        "warranty claim"),
     _LANGUAGE,
     N_("/become_master — apply to work as a master"),
     _CANCEL,
     _HELP),
    (N_("<b>The desk</b>"),
     N_("Open the order in /orders and press «💬 Write to the manager»: a manager answers "
        "you here. In an emergency during a job, press «⛔ Stop the job».")),
)
MASTER_HELP: Page = (
    (N_("<b>What this bot does for you as a master</b>"),
     N_("Job offers come here: accept or decline them before they expire. After you accept, "
        "you get the address and phone and lead the job step by step: the call, the visit, "
        "the check-in, the report and the client's code.")),
    (N_("<b>Commands</b>"),
     N_("/start — your menu: jobs, offers waiting, profile, duty"),
     N_("/jobs — your jobs with their next step"),
     N_("/profile — your profile, services, duty and photo"),
     N_("/new — order a service for yourself, as a client"),
     _LANGUAGE,
     _CANCEL,
     _HELP),
    (N_("<b>The desk</b>"),
     N_("Open the job and press «💬 Write to the desk»; to be released or to get more time, "
        "use the job's buttons. The desk answers here.")),
)
DESK_HELP: Page = (
    (N_("<b>What the bot does for the desk</b>"),
     N_("Every order gets a topic here with its card: assign a master (or let Auto offer it "
        "down the list), reject, cancel, and decide the masters' requests and the clients' "
        "claims with the card's buttons. The clock posts what is late into the topic.")),
    (N_("<b>Talking to people</b>"),
     N_("What you write in an order's topic goes to its client; /m and a text go to its "
        "master; a message that starts with // stays among managers.")),
    (N_("<b>Commands</b>"),
     N_("/order 12 — an order's card, with a link to its topic"),
     N_("/find — orders by number, phone, name or address"),
     N_("/sla — orders at risk and overdue"),
     N_("/stats — desk figures"),
     N_("/masters — applications to verify"),
     N_("/export — all orders as CSV"),
     N_("/board — the desk board: open orders, timelines, masters, charts"),
     N_("/block, /unblock — a master by his number, or a client by an order's number"),
     N_("/review 12 text — correct the review of an order"),
     _HELP),
)


def help_text(page: Page) -> str:
    """A /help page in the reader's language."""
    return "\n\n".join("\n".join(_(line) for line in section) for section in page)


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
