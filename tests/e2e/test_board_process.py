"""The desk board in the real `python -m bot` process (issue 15): on BOARD_LISTEN in polling
mode and under /board on the webhook listener; /board in a manager's private chat sets the
chat's menu button to the board, through the fake Bot API."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp

from bot.sandbox.telegram import FakeTelegram
from tests.e2e.test_e2e import MANAGER, TOKEN, BotProcess, bot_env, fake, start_webhook_bot
from tests.support.board import init_data

__all__ = ["fake"]  # the fixture, used by name
URL = "https://desk.example.com/board"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def board_answers(base: str) -> None:
    """Signs in as the manager with initData and reads the Now page."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        for _ in range(100):  # the listener comes up while the bot starts
            try:
                async with http.get(f"{base}/board/") as r:
                    assert r.status == 200 and 'id="sign-in"' in await r.text()
                break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
        async with http.post(f"{base}/board/auth",
                             data={"init_data": init_data(TOKEN, 999)}) as r:
            assert r.status == 403  # not a desk member
        async with http.post(f"{base}/board/auth",
                             data={"init_data": init_data(TOKEN, MANAGER)}) as r:
            assert r.status == 200
            cookie = r.cookies["board_session"]
        # Over HTTPS (BOARD_URL) the cookie is Secure; this test talks plain HTTP to the port.
        async with http.get(f"{base}/board/", cookies={"board_session": cookie.value}) as r:
            assert "Open orders" in await r.text()


async def test_polling_mode_serves_the_board_on_board_listen(fake: FakeTelegram,
                                                             tmp_path: Path) -> None:
    port = free_port()
    proc = BotProcess(bot_env(fake, tmp_path, BOARD_URL=URL, BOARD_LISTEN=f"127.0.0.1:{port}",
                              BOARD_APP_LINK="https://t.me/masterdesk_bot/board"),
                      tmp_path / "bot.log")
    await proc.start()
    try:
        await fake.wait_for(lambda: fake.calls("setMyCommands"), timeout=30)
        await board_answers(f"http://127.0.0.1:{port}")
        fake.user_sends_command(MANAGER, "/board")
        await fake.wait_for_message(MANAGER, "The desk board")
        await fake.wait_for(lambda: MANAGER in fake.menu_buttons, timeout=10)
        button = fake.menu_buttons[MANAGER]
        assert button["type"] == "web_app" and button["web_app"]["url"] == f"{URL}/"
        assert await proc.stop() == 0
    finally:
        await proc.stop()


async def test_webhook_mode_serves_the_board_on_the_webhook_listener(
        fake: FakeTelegram, tmp_path: Path) -> None:
    proc, base = await start_webhook_bot(fake, tmp_path, BOARD_URL=URL)
    try:
        await board_answers(base)
    finally:
        await proc.stop()
