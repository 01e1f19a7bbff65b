"""`python -m bot`: check the settings, the database and Redis, then the desk chat; migrate,
and run.

Only the settings module is imported before the settings are checked, so a wrong setting is
reported at once; the heavy imports (aiogram, SQLAlchemy, the handlers) come after.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TYPE_CHECKING

from bot.config import LOCALES, ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from aiogram import Bot

    from bot.app import App
    from bot.i18n import PoI18n

logger = logging.getLogger("bot")


def make_bot(settings: Settings) -> Bot:
    from aiogram import Bot
    from aiogram.client.default import DefaultBotProperties
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    return Bot(settings.bot_token, session=session,
               default=DefaultBotProperties(parse_mode="HTML"))


def N_(message: str) -> str:  # noqa: N802 - gettext's marker, without importing bot.i18n
    return message


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
    from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

    from bot.i18n import _

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
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=settings.desk_chat_id))


# How long a stop waits for the updates in hand (an answer may wait out a 429 of up to 30 s);
# keep the service manager's stop timeout above it (systemd: 90 s, Docker: set
# stop_grace_period).
STOP_GRACE_SECONDS = 40.0


async def serve(app: App, bot: Bot) -> None:
    from bot.health import start_listener

    stop = asyncio.Event()
    app.sender_task = sender_task = asyncio.create_task(app.sender.run(stop), name="outbox")
    await app.clock.start()
    s = app.settings
    probes = None
    try:
        if s.metrics_listen and s.metrics_listen != (s.webhook_url and s.webhook_listen):
            probes = await start_listener(app, s.metrics_listen)
        if s.webhook_url:
            await serve_webhook(app, bot)
        else:
            await bot.delete_webhook(drop_pending_updates=False)
            await app.dispatcher.start_polling(bot, handle_signals=True, close_bot_session=False,
                                               tasks_concurrency_limit=100)
            # Polling has stopped taking updates; those already taken finish.
            if not await app.metrics.idle(STOP_GRACE_SECONDS):
                logger.warning("updates were still running after %s s", STOP_GRACE_SECONDS)
    finally:
        # The sender finishes the pass it is in (a claimed row is settled), then stops; what
        # is still pending stays in the outbox for the next start.
        stop.set()
        app.sender.wake()
        await sender_task
        if probes is not None:
            await probes.cleanup()
        logger.info("stopped")


async def wait_for_signal() -> None:
    """Until SIGTERM or SIGINT: a service manager's stop is a clean stop, not a kill."""
    import signal

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    try:
        await stopping.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


async def serve_webhook(app: App, bot: Bot) -> None:
    from aiohttp import web

    from bot.health import add_routes
    from bot.webhook import WebhookReceiver

    s = app.settings
    assert s.webhook_secret is not None  # the settings refuse webhook mode without one
    host, port = s.webhook_listen.rsplit(":", 1)
    receiver = WebhookReceiver(app.dispatcher, bot, s.webhook_secret)
    web_app = web.Application()
    web_app.router.add_post("/webhook", receiver.handle)
    add_routes(web_app, app)
    await app.dispatcher.emit_startup(bot=bot)
    # The update types we handle (my_chat_member too); without them Telegram keeps whatever an
    # earlier getUpdates or setWebhook asked for.
    await bot.set_webhook(f"{s.webhook_url}/webhook", secret_token=s.webhook_secret,
                          allowed_updates=app.dispatcher.resolve_used_update_types())
    runner = web.AppRunner(web_app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, int(port)).start()
        logger.info("webhook listening on %s", s.webhook_listen)
        await wait_for_signal()
        logger.info("stopping: no new updates, finishing those in hand")
        # Refuse first, then close the port: an update that arrives meanwhile is answered 503
        # and Telegram delivers it again after the restart.
        await receiver.drain(STOP_GRACE_SECONDS)
    finally:
        await runner.cleanup()
        await app.dispatcher.emit_shutdown(bot=bot)


async def main() -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"masterdesk: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot.preflight import PreflightError, check_database, check_redis

    try:  # the database and Redis before Telegram: they are ours to fix
        await check_database(settings)
        await check_redis(settings)
    except PreflightError as exc:
        print(f"masterdesk: {exc}", file=sys.stderr)
        return 2
    from bot.app import build_app
    from bot.startup import StartupError, check_desk

    bot = make_bot(settings)
    try:
        try:
            me = await check_desk(bot, settings)
        except StartupError as exc:
            print(f"masterdesk: {exc}", file=sys.stderr)
            return 2
        try:
            app = await build_app(settings, bot)
        except ConfigError as exc:  # e.g. the code secret file cannot be made
            print(f"masterdesk: {exc}", file=sys.stderr)
            return 2
        try:
            await set_commands(bot, app.i18n, settings)
            logger.info("@%s is running the desk %s", me.username, settings.desk_chat_id)
            await serve(app, bot)
        except ConfigError as exc:  # e.g. METRICS_LISTEN's port is taken
            print(f"masterdesk: {exc}", file=sys.stderr)
            return 2
        finally:
            await app.close()
    finally:
        await bot.session.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except KeyboardInterrupt:
        sys.exit(0)
