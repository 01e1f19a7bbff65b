"""`python -m bot sandbox`: the real bot against the fake Bot API, in one process, with a page.

No settings are read: the sandbox brings its own token, desk chat, database (its own SQLite
file) and Bot API address (the fake, on 127.0.0.1). Everything else is production's code: the
same settings model, handlers, services, outbox sender, deadline clock and database code.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from pathlib import Path

from aiogram import Bot
from aiohttp import web

from bot.app import build_app
from bot.commands import set_commands
from bot.config import Settings, load_settings
from bot.run import make_bot, serve
from bot.sandbox.demo import seed_demo
from bot.sandbox.page import make_page
from bot.sandbox.state import Sandbox
from bot.sandbox.telegram import FakeTelegram
from bot.sandbox.world import BOT_USERNAME, DESK_CHAT_ID, FIRST_ID, TOKEN, SandboxClock, World
from bot.startup import check_desk

logger = logging.getLogger("bot.sandbox")
DATA = Path("data") / "sandbox"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot sandbox",
        description="Try Masterdesk without Telegram: the real bot against a Telegram-like "
                    "Bot API in this process, and a page with a client's, a master's and the "
                    "desk's phone.")
    parser.add_argument("--demo", action="store_true",
                        help="seed demo data: verified masters and a few orders")
    parser.add_argument("--fresh", action="store_true",
                        help="remove the sandbox's data folder first")
    parser.add_argument("--host", default="127.0.0.1", help="the page's address (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765,
                        help="the page's port (8765; 0: any free port)")
    parser.add_argument("--data", type=Path, default=DATA,
                        help=f"the sandbox's data folder ({DATA})")
    parser.add_argument("--log-level", default="WARNING", help="the bot's log level (WARNING)")
    return parser.parse_args(argv)


def sandbox_settings(fake: FakeTelegram, folder: Path, log_level: str) -> Settings:
    """Production's settings model with the sandbox's values; nothing from .env or the
    environment decides where the sandbox's data or its Telegram are."""
    managers = list(range(FIRST_ID["manager"], FIRST_ID["manager"] + 3))
    return load_settings(
        _env_file=None, bot_token=TOKEN, telegram_api_base=fake.base_url,
        desk_chat_id=DESK_CHAT_ID, admin_ids=managers,
        database_url=f"sqlite+aiosqlite:///{folder.resolve() / 'sandbox.sqlite3'}",
        redis_url=None, webhook_url=None, metrics_listen=None, code_secret=None,
        outbox_poll_seconds=0.2, clock_tick_seconds=5, log_level=log_level.upper())


async def run_sandbox(opts: argparse.Namespace) -> int:
    folder: Path = opts.data
    if opts.fresh:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    async with FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME) as fake:
        sandbox = Sandbox(fake, World(fake), SandboxClock())
        sandbox.world.default_cast()
        settings = sandbox_settings(fake, folder, opts.log_level)
        bot = make_bot(settings)
        try:
            return await _serve(sandbox, settings, bot, opts)
        finally:
            await bot.session.close()


async def _serve(sandbox: Sandbox, settings: Settings, bot: Bot,
                 opts: argparse.Namespace) -> int:
    await check_desk(bot, settings)
    app = sandbox.app = await build_app(settings, bot)
    app.ctx.clock = sandbox.clock.now  # the services' one source of time
    runner = web.AppRunner(make_page(sandbox), access_log=None)
    try:
        if opts.demo:
            await seed_demo(sandbox)
        await set_commands(bot, app.i18n, settings)
        await runner.setup()
        try:
            await web.TCPSite(runner, opts.host, opts.port).start()
        except OSError as exc:
            print(f"masterdesk: the sandbox page cannot listen on {opts.host}:{opts.port} "
                  f"({exc.strerror}); choose another with --port", file=sys.stderr)
            return 2
        port = runner.addresses[0][1]
        print(f"Masterdesk sandbox: http://{opts.host}:{port}/  (Ctrl+C stops it; data in "
              f"{opts.data})", flush=True)
        await serve(app, bot)
    finally:
        await runner.cleanup()
        await app.close()
    return 0
