"""The bot's life once its settings are right: check the database, Redis and the desk chat,
migrate, then serve updates (polling or webhook) until SIGTERM/SIGINT, and stop cleanly."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.app import App, build_app
from bot.board.server import mount, start_board
from bot.commands import set_commands
from bot.config import ConfigError, Settings
from bot.health import add_routes, start_listener
from bot.preflight import PreflightError, check_database, check_redis
from bot.startup import StartupError, check_desk
from bot.webhook import WebhookReceiver

logger = logging.getLogger("bot")


def make_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    return Bot(settings.bot_token, session=session,
               default=DefaultBotProperties(parse_mode="HTML"))


# How long a stop waits for the updates in hand (an answer may wait out a 429 of up to 30 s);
# keep the service manager's stop timeout above it (systemd: 90 s, Docker: set
# stop_grace_period).
STOP_GRACE_SECONDS = 40.0


async def serve(app: App, bot: Bot) -> None:
    stop = asyncio.Event()
    app.sender_task = sender_task = asyncio.create_task(app.sender.run(stop), name="outbox")
    await app.clock.start()
    s = app.settings
    probes = board = None
    try:
        if s.metrics_listen and s.metrics_listen != (s.webhook_url and s.webhook_listen):
            probes = await start_listener(app, s.metrics_listen)
        if s.board_url and s.board_listen and s.board_listen != (s.webhook_url
                                                                 and s.webhook_listen):
            board = await start_board(app, bot, s.board_listen)
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
        for runner in (probes, board):
            if runner is not None:
                await runner.cleanup()
        logger.info("stopped")


async def wait_for_signal() -> None:
    """Until SIGTERM or SIGINT: a service manager's stop is a clean stop, not a kill."""
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
    s = app.settings
    assert s.webhook_secret is not None  # the settings refuse webhook mode without one
    host, port = s.webhook_listen.rsplit(":", 1)
    receiver = WebhookReceiver(app.dispatcher, bot, s.webhook_secret)
    web_app = web.Application()
    web_app.router.add_post("/webhook", receiver.handle)
    add_routes(web_app, app)
    mount(web_app, app, bot)  # the desk board under /board, when BOARD_URL is set
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


def settle_heap() -> None:
    """What start-up built (catalogues, mappers, handlers, settings) lives as long as the
    process: it is moved out of the collector's sight, so that a full collection walks only
    what updates make. Without it a full collection held the event loop 50–170 ms, several
    times a minute under load: every update waiting then was that much later."""
    gc.collect()
    gc.freeze()
    logger.debug("%d objects set aside from garbage collection", gc.get_freeze_count())


async def run(settings: Settings) -> int:
    """Preflight (the database and Redis, then the desk chat), migrate and serve until stopped;
    2 with one line on stderr when something is for the operator to fix."""
    try:  # the database and Redis before Telegram: they are ours to fix
        await check_database(settings)
        await check_redis(settings)
    except PreflightError as exc:
        print(f"masterdesk: {exc}", file=sys.stderr)
        return 2
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
            settle_heap()
            logger.info("@%s is running the desk %s", me.username,
                        ", ".join(map(str, settings.desks.chats)))
            await serve(app, bot)
        except ConfigError as exc:  # e.g. METRICS_LISTEN's port is taken
            print(f"masterdesk: {exc}", file=sys.stderr)
            return 2
        finally:
            await app.close()
    finally:
        await bot.session.close()
    return 0
