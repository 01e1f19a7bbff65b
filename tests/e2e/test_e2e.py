"""End to end: the real `python -m bot` process against the fake Bot API server the test owns.

The fake answers like Telegram (limits, HTML parsing, 64-byte callback data, 429, 403), so a
text or button the bot gets wrong fails here the way it would fail in production."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAFakeTokenForMasterdeskTests_0123456"
DESK = -1001987654321
MANAGER, CLIENT, MASTER = 7001, 7002, 7003
WEBHOOK_SECRET = "s3cret-token-for-the-e2e-test"


class BotProcess:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", env=self.env, cwd=self.log.parent,
            stdout=self.log.open("ab"), stderr=asyncio.subprocess.STDOUT)

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return self.proc.returncode or 0

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def bot_env(fake: FakeTelegram, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DESK_"))}
    env.update(
        PYTHONPATH=str(ROOT), BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=fake.base_url,
        DESK_CHAT_ID=str(DESK), ADMIN_IDS=str(MANAGER),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/desk.sqlite3",
        OUTBOX_POLL_SECONDS="0.2", LOG_LEVEL="INFO", REDIS_URL="",
    )
    env.update(extra)
    return env


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as fake:
        fake.add_forum(DESK, "Masterdesk", admins=[MANAGER])
        fake.add_user(CLIENT, "Anna", language_code="en")
        fake.add_user(MASTER, "Ivan", language_code="en")
        fake.add_user(MANAGER, "Olga", language_code="en")
        yield fake


@pytest.fixture
async def bot(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    proc = BotProcess(bot_env(fake, tmp_path), tmp_path / "bot.log")
    await proc.start()
    try:
        await fake.wait_for(lambda: fake.calls("setMyCommands"), timeout=30)
        yield proc
    finally:
        await proc.stop()


def click(fake: FakeTelegram, user_id: int, message: dict[str, Any], label: str) -> None:
    """Press the button whose text contains `label` on the message as it is now."""
    current = fake.last_version(message) if hasattr(fake, "last_version") else message
    for b in fake.button_specs(current):
        if label in (b.get("text") or ""):
            fake.user_clicks(user_id, current, b["text"])
            return
    raise AssertionError(f"no button {label!r} in {fake.buttons(current)}")


def msg(fake: FakeTelegram, chat_id: int, message_id: int) -> dict[str, Any]:
    for m in fake.sent(chat_id):
        if m["message_id"] == message_id:
            return m
    raise AssertionError(f"no message {message_id} in {chat_id}")


def send_album(fake: FakeTelegram, user_id: int, n: int) -> list[str]:
    """Several photos sent at once (one media_group_id); returns their file ids."""
    group = f"album{len(fake.calls())}"
    return [fake.user_sends_photo(user_id, media_group_id=group)["message"]["photo"][-1]
            ["file_id"] for _ in range(n)]


def photo_ids(fake: FakeTelegram, chat_id: int, thread_id: int | None = None) -> list[str]:
    """The photos the bot sent into a chat (or topic), by file id."""
    return [m["file_id"] for m in fake.sent(chat_id, thread_id) if m["kind"] == "photo"]


async def order_until_phone(fake: FakeTelegram, photos: int = 1) -> list[str]:
    """The New order conversation up to the phone step; returns the photos' file ids (more
    than one are sent at once, as an album)."""
    fake.user_sends_command(CLIENT, "/start")
    menu = await fake.wait_for_message(CLIENT, "What would you like to do?")
    click(fake, CLIENT, menu, "New order")
    services = await fake.wait_for_message(CLIENT, "Which service")
    click(fake, CLIENT, services, "Plumbing")
    await fake.wait_for_message(CLIENT, "Describe the problem")
    fake.user_sends_text(CLIENT, "The kitchen tap <leaks> & drips")
    await fake.wait_for_message(CLIENT, "Added")
    if photos == 1:
        ids = [fake.user_sends_photo(CLIENT)["message"]["photo"][-1]["file_id"]]
        added = await fake.wait_for_message(CLIENT, "Photo 1 of 10")
    else:
        ids = send_album(fake, CLIENT, photos)
        added = await fake.wait_for_message(CLIENT, f"Photos added: {photos}.")
    click(fake, CLIENT, added, "Continue")
    await fake.wait_for_message(CLIENT, "Where should the master come?")
    fake.user_sends_text(CLIENT, "Lenina 5, flat 3, Moscow")
    when = await fake.wait_for_message(CLIENT, "When should the master come?")
    click(fake, CLIENT, when, "Urgent")
    await fake.wait_for_message(CLIENT, "Share your phone number")
    return ids


async def finish_order(fake: FakeTelegram) -> int:
    fake.user_sends_contact(CLIENT, "+79990001122")
    pay = await fake.wait_for_message(CLIENT, "How will you pay?")
    click(fake, CLIENT, pay, "Cash after completion")
    summary = await fake.wait_for_message(CLIENT, "Please check your order")
    assert "&lt;leaks&gt; &amp; drips" in summary["html"]  # the client's text, escaped
    click(fake, CLIENT, summary, "Confirm")
    placed = await fake.wait_for_message(CLIENT, "is placed")
    number = re.search(r"#(\d+)", placed["text"])
    assert number
    return int(number.group(1))


async def approve_master(fake: FakeTelegram, user_id: int = MASTER,
                         name: str = "Ivan Petrov") -> None:
    """The whole onboarding in the master's chat, then the desk's approval on his card."""
    fake.user_sends_command(user_id, "/become_master")
    await fake.wait_for_message(user_id, "full name")
    fake.user_sends_text(user_id, name)
    await fake.wait_for_message(user_id, "Share your phone number")
    fake.user_sends_contact(user_id, "+48111222333")
    form = await fake.wait_for_message(user_id, "How do you work?")
    click(fake, user_id, form, "Self-employed")
    await fake.wait_for_message(user_id, "tax identification number")
    fake.user_sends_text(user_id, "7707083893")
    services = await fake.wait_for_message(user_id, "Which services")
    click(fake, user_id, services, "Plumbing")
    await fake.wait_for(lambda: "✅" in str(fake.buttons(msg(fake, user_id,
                                                            services["message_id"]))))
    click(fake, user_id, msg(fake, user_id, services["message_id"]), "Done")
    await fake.wait_for_message(user_id, "Send your documents")
    fake.user_sends_photo(user_id)
    added = await fake.wait_for_message(user_id, "Document 1 of 10")
    click(fake, user_id, added, "Continue")
    summary = await fake.wait_for_message(user_id, "Please check your application")
    click(fake, user_id, summary, "Send to the desk")
    card = await fake.wait_for_message(DESK, name)
    await fake.wait_for(lambda: [m for m in fake.sent(DESK)  # his passport reached the desk
                                 if "Documents of master" in (m.get("caption") or "")])
    click(fake, MANAGER, card, "Approve")
    await fake.wait_for_message(user_id, "approved")


async def report_and_confirm(fake: FakeTelegram, master: int, job_id: int, price: str,
                             photos: int = 1) -> list[str]:
    """The completion report from the job message, then the client's code typed back;
    returns the report photos' file ids (more than one are sent at once, as an album)."""
    click(fake, master, msg(fake, master, job_id), "Done")
    await fake.wait_for_message(master, "Send photos of the finished work")
    if photos == 1:
        ids = [fake.user_sends_photo(master)["message"]["photo"][-1]["file_id"]]
        added = await fake.wait_for_message(master, "Photo 1 of 10")
    else:
        ids = send_album(fake, master, photos)
        added = await fake.wait_for_message(master, f"Photos added: {photos}.")
    click(fake, master, added, "Continue")
    await fake.wait_for_message(master, "final price")
    fake.user_sends_text(master, price)
    months = await fake.wait_for_message(master, "Warranty on the work")
    click(fake, master, months, "6")
    await fake.wait_for_message(master, "Notes for the client")
    fake.user_sends_text(master, "Replaced the cartridge <ok>")
    code_msg = await fake.wait_for_message(CLIENT, "confirmation code")
    assert "6" in code_msg["text"] and "Replaced the cartridge <ok>" in code_msg["text"]
    code = re.search(r"\b(\d{6})\b", code_msg["text"])
    assert code
    await fake.wait_for_message(master, "Report sent")
    fake.user_sends_text(master, code.group(1))
    return ids


def no_unexpected_errors(fake: FakeTelegram) -> None:
    errors = [(c.method, c.error_code, c.description) for c in fake.calls()
              if not c.ok and c.error_code != 429 and c.method.lower() != "getupdates"]
    assert errors == [], errors


async def test_a_whole_order_from_start_to_completed(fake: FakeTelegram,
                                                     bot: BotProcess) -> None:
    menus = {(str(c.params.get("scope")), c.params.get("language_code")): c.params["commands"]
             for c in await fake.wait_for(lambda: fake.calls("setMyCommands")
                                          if len(fake.calls("setMyCommands")) >= 7 else None)}
    ru = next(v for (scope, lang), v in menus.items() if lang == "ru")
    assert "Новая заявка" in str(ru)  # the command menu speaks the user's language
    desk = [v for (scope, _lang), v in menus.items() if str(DESK) in scope]
    assert desk and "'find'" in str(desk[0])  # the desk has its own commands
    await approve_master(fake)
    problem = await order_until_phone(fake, photos=3)
    order_id = await finish_order(fake)

    topic = await fake.wait_for(lambda: fake.topics(DESK))
    assert topic[0]["name"] == f"#{order_id} Plumbing — Moscow"
    thread = topic[0]["message_thread_id"]
    card = await fake.wait_for_message(DESK, f"Order #{order_id}", thread_id=thread)
    # the client's photos, as one album right under the card
    await fake.wait_for(lambda: photo_ids(fake, DESK, thread) == problem)
    under = [m for m in fake.sent(DESK, thread) if m["message_id"] > card["message_id"]]
    assert [m["file_id"] for m in under[:3]] == problem and under[0]["media_group_id"]
    click(fake, MANAGER, card, "Assign")
    await fake.wait_for(lambda: "1. Ivan Petrov" in str(fake.buttons(msg(fake, DESK,
                                                                     card["message_id"]))))
    click(fake, MANAGER, msg(fake, DESK, card["message_id"]), "Ivan Petrov")

    offer = await fake.wait_for_message(MASTER, "New job offer")
    assert "flat 3" not in offer["text"] and "79990001122" not in offer["text"]
    assert photo_ids(fake, MASTER) == []  # no photo of the home with the offer
    click(fake, MASTER, offer, "Accept")
    job = await fake.wait_for(lambda: "+79990001122" in msg(fake, MASTER,
                                                            offer["message_id"])["text"])
    assert job
    await fake.wait_for_message(CLIENT, "a master has taken your order")
    await fake.wait_for(lambda: photo_ids(fake, MASTER) == problem)  # now, with the job

    shots = await report_and_confirm(fake, MASTER, offer["message_id"], "3500", photos=2)
    assert photo_ids(fake, CLIENT) == shots  # the finished work, with the act
    act = next(m for m in fake.sent(CLIENT) if "confirmation code" in (m["text"] or ""))
    assert all(m["message_id"] < act["message_id"] for m in fake.sent(CLIENT)
               if m["kind"] == "photo")
    await fake.wait_for(lambda: photo_ids(fake, DESK, thread) == problem + shots)
    await fake.wait_for_message(MASTER, f"Order #{order_id} is completed")
    await fake.wait_for_message(CLIENT, f"Order #{order_id} is completed")
    await fake.wait_for(lambda: "Completed" in msg(fake, DESK, card["message_id"])["text"])
    no_unexpected_errors(fake)
    assert [c for c in fake.calls() if c.error_code == 429] == []  # we kept to the limits


async def test_a_restart_in_the_middle_of_a_new_order(fake: FakeTelegram,
                                                      bot: BotProcess) -> None:
    await order_until_phone(fake)
    menus = len(fake.calls("setMyCommands"))
    await bot.stop(signal.SIGKILL)  # a crash, not a polite shutdown
    await bot.start()
    await fake.wait_for(lambda: len(fake.calls("setMyCommands")) >= 2 * menus, timeout=30)
    order_id = await finish_order(fake)  # the client carries on at the phone step
    assert order_id == 1
    card = await fake.wait_for_message(DESK, "The kitchen tap")
    assert "Urgent" in card["text"] and "Lenina 5, flat 3" in card["text"]
    no_unexpected_errors(fake)


async def test_a_429_storm_loses_no_message(fake: FakeTelegram, bot: BotProcess) -> None:
    await order_until_phone(fake)
    fake.storm_429(4, retry_after=2)
    order_id = await finish_order(fake)
    topic = await fake.wait_for(lambda: fake.topics(DESK), timeout=30)
    card = await fake.wait_for_message(DESK, f"Order #{order_id}",
                                       thread_id=topic[0]["message_thread_id"], timeout=30)
    click(fake, MANAGER, card, "Reject")
    await fake.wait_for(lambda: "No masters available" in str(fake.buttons(
        msg(fake, DESK, card["message_id"]))), timeout=30)
    fake.storm_429(3, retry_after=1)
    click(fake, MANAGER, msg(fake, DESK, card["message_id"]), "No masters available")
    told = await fake.wait_for_message(CLIENT, "was rejected", timeout=30)
    assert "No masters available" in told["text"]
    assert [c for c in fake.calls() if c.error_code == 429], "the storm never hit"
    texts = [m["text"] for m in fake.sent(CLIENT)]
    assert sum("is placed" in t for t in texts) == 1
    assert sum("was rejected" in t for t in texts) == 1
    no_unexpected_errors(fake)


async def test_a_blocked_client_is_reported_to_the_desk(fake: FakeTelegram,
                                                        bot: BotProcess) -> None:
    await order_until_phone(fake)
    order_id = await finish_order(fake)
    card = await fake.wait_for_message(DESK, f"Order #{order_id}")
    fake.block_user(CLIENT)
    click(fake, MANAGER, card, "Reject")
    await fake.wait_for(lambda: "false data" in str(fake.buttons(msg(fake, DESK,
                                                                card["message_id"]))))
    click(fake, MANAGER, msg(fake, DESK, card["message_id"]), "false data")
    await fake.wait_for_message(DESK, "has blocked the bot")


async def test_startup_names_what_to_fix(fake: FakeTelegram, tmp_path: Path) -> None:
    fake.add_forum(-1005550000000, "Not a forum", is_forum=False)
    proc = BotProcess(bot_env(fake, tmp_path, DESK_CHAT_ID="-1005550000000"),
                      tmp_path / "a.log")
    await proc.start()
    assert proc.proc is not None
    assert await asyncio.wait_for(proc.proc.wait(), 30) == 2
    out = proc.output().strip().splitlines()
    assert out[-1].startswith("masterdesk: DESK_CHAT_ID") and "Topics" in out[-1]

    env = bot_env(fake, tmp_path)
    del env["BOT_TOKEN"]
    proc = BotProcess(env, tmp_path / "b.log")
    await proc.start()
    assert proc.proc is not None
    assert await asyncio.wait_for(proc.proc.wait(), 30) == 2
    assert proc.output().strip() == ("masterdesk: BOT_TOKEN is not set: add it to the "
                                     "environment or .env (see .env.example)")

    # Webhook mode without a secret would let anyone who reaches the port act as anyone.
    proc = BotProcess(bot_env(fake, tmp_path, WEBHOOK_URL="https://desk.example.com/tg"),
                      tmp_path / "c.log")
    await proc.start()
    assert proc.proc is not None
    assert await asyncio.wait_for(proc.proc.wait(), 30) == 2
    assert proc.output().strip().startswith("masterdesk: WEBHOOK_SECRET is not set")
    assert not fake.webhook_url


async def test_webhook_mode(fake: FakeTelegram, tmp_path: Path) -> None:
    import socket

    import aiohttp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = bot_env(fake, tmp_path, WEBHOOK_URL="https://desk.example.com/tg",
                  WEBHOOK_SECRET="s3cret-token-for-the-e2e-test",
                  WEBHOOK_LISTEN=f"127.0.0.1:{port}")
    proc = BotProcess(env, tmp_path / "webhook.log")
    await proc.start()
    try:
        await fake.wait_for(lambda: fake.webhook_url, timeout=30)
        assert fake.webhook_url == "https://desk.example.com/tg/webhook"
        assert not fake.calls("getUpdates")
        update = fake.user_sends_command(CLIENT, "/start")
        url = f"http://127.0.0.1:{port}/webhook"
        async with aiohttp.ClientSession() as http:
            for _ in range(100):  # the listener comes up right after setWebhook
                try:
                    async with http.post(url, json=update, headers={
                            "X-Telegram-Bot-Api-Secret-Token": "wrong"}) as r:
                        assert r.status == 401  # a forged request is turned away
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            async with http.post(url, json=update, headers={
                    "X-Telegram-Bot-Api-Secret-Token": "s3cret-token-for-the-e2e-test"}) as r:
                assert r.status == 200
        await fake.wait_for_message(CLIENT, "What would you like to do?")
        assert len([m for m in fake.sent(CLIENT)
                    if "What would you like" in (m["text"] or "")]) == 1
    finally:
        await proc.stop()


async def start_webhook_bot(fake: FakeTelegram, tmp_path: Path,
                            **extra: str) -> tuple[BotProcess, str]:
    """The bot in webhook mode on a free port; returns it and the listener's base URL once it
    answers."""
    import socket

    import aiohttp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = bot_env(fake, tmp_path, WEBHOOK_URL="https://desk.example.com/tg",
                  WEBHOOK_SECRET=WEBHOOK_SECRET, WEBHOOK_LISTEN=f"127.0.0.1:{port}", **extra)
    proc = BotProcess(env, tmp_path / "webhook.log")
    await proc.start()
    await fake.wait_for(lambda: fake.webhook_url, timeout=30)
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        for _ in range(100):  # the listener comes up right after setWebhook
            try:
                async with http.get(f"{base}/webhook"):
                    return proc, base
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
    raise AssertionError("the webhook listener never came up")


async def test_sigterm_in_webhook_mode_answers_the_update_in_hand_and_exits_0(
        fake: FakeTelegram, tmp_path: Path) -> None:
    import aiohttp

    proc, base = await start_webhook_bot(fake, tmp_path)
    try:
        await fake.wait_for(lambda: fake.calls("setMyCommands"), timeout=30)
        # Telegram makes the answer wait a second: the update is still in hand at SIGTERM.
        fake.fail_next("sendMessage", retry_after=1)
        update = fake.user_sends_command(CLIENT, "/start")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as r:  # on the webhook listener
                assert r.status == 200 and (await r.json())["ok"] is True

            async def deliver() -> int:
                async with http.post(f"{base}/webhook", json=update, headers={
                        "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}) as r:
                    return r.status

            delivery = asyncio.create_task(deliver())
            await asyncio.sleep(0.2)
            assert proc.proc is not None and not delivery.done()
            proc.proc.send_signal(signal.SIGTERM)
            # Telegram hears 200 only once the update is handled: a kill before would have
            # left it to be delivered again.
            assert await delivery == 200
        assert await asyncio.wait_for(proc.proc.wait(), 30) == 0, proc.output()
        assert "finishing 1 update(s) in hand" in proc.output()
        assert [m for m in fake.sent(CLIENT) if "What would you like" in (m["text"] or "")]
    finally:
        await proc.stop()


async def test_polling_mode_serves_health_and_metrics_on_metrics_listen(
        fake: FakeTelegram, tmp_path: Path) -> None:
    import socket

    import aiohttp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = BotProcess(bot_env(fake, tmp_path, METRICS_LISTEN=f"127.0.0.1:{port}"),
                      tmp_path / "bot.log")
    await proc.start()
    try:
        await fake.wait_for(lambda: fake.calls("setMyCommands"), timeout=30)
        fake.user_sends_command(CLIENT, "/start")
        await fake.wait_for_message(CLIENT, "What would you like to do?")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                body = await r.json()
                assert r.status == 200, body
                assert body["last_update_at"] is not None
            async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
                assert 'masterdesk_updates_total{type="message"} 1.0' in await r.text()
        assert await proc.stop() == 0
    finally:
        await proc.stop()


async def place_and_offer(fake: FakeTelegram) -> int:
    await approve_master(fake)
    await order_until_phone(fake)
    order_id = await finish_order(fake)
    card = await fake.wait_for_message(DESK, f"Order #{order_id}")
    click(fake, MANAGER, card, "Assign")
    await fake.wait_for(lambda: "1. Ivan Petrov" in str(fake.buttons(msg(fake, DESK,
                                                                     card["message_id"]))))
    click(fake, MANAGER, msg(fake, DESK, card["message_id"]), "Ivan Petrov")
    await fake.wait_for_message(MASTER, "New job offer")
    return order_id


async def test_a_deadline_due_while_the_bot_is_down_fires_once_after_restart(
        fake: FakeTelegram, tmp_path: Path) -> None:
    proc = BotProcess(bot_env(fake, tmp_path, OFFER_MINUTES="0.1"), tmp_path / "bot.log")
    await proc.start()
    try:
        await fake.wait_for(lambda: fake.calls("setMyCommands"), timeout=30)
        order_id = await place_and_offer(fake)
        offer = fake.last(MASTER)
        assert offer is not None and "New job offer" in offer["text"]
        await proc.stop()  # the offer falls due (6 s) while the bot is down
        await asyncio.sleep(17)
        assert not [m for m in fake.sent(MASTER) if "expired" in (m["text"] or "")]
        await proc.start()
        # the offer message itself now says so, without its buttons (issue 11)
        await fake.wait_for(lambda: f"order #{order_id} has expired" in (
            msg(fake, MASTER, offer["message_id"])["text"] or ""), timeout=30)
        assert not fake.buttons(msg(fake, MASTER, offer["message_id"]))
        note = await fake.wait_for_message(DESK, "did not answer the offer", timeout=30)
        assert "late" in note["text"] and "offline" in note["text"]  # marked late
        await asyncio.sleep(2)  # a second firing would show up by now
        assert len([m for m in fake.sent(MASTER) if "has expired" in (m["text"] or "")]) == 1
        assert len([m for m in fake.sent(DESK) if "did not answer" in (m["text"] or "")]) == 1
        card = [m for m in fake.sent(DESK) if f"Order #{order_id}" in (m["text"] or "")][0]
        assert "New — waiting for a master" in card["text"]  # back at the desk
    finally:
        await proc.stop()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL not set")
async def test_two_bot_processes_on_one_postgres_fire_each_deadline_once(
        fake: FakeTelegram, tmp_path: Path, postgres_url: str) -> None:
    from conftest import reset_postgres
    from sqlalchemy import func, select

    from db.engine import make_engine
    from db.models import AuditEntry

    await reset_postgres(postgres_url)
    env = bot_env(fake, tmp_path, DATABASE_URL=postgres_url, TRIAGE_MINUTES="0.1",
                  DESK_HOURS_START="00:00", DESK_HOURS_END="00:00", CLOCK_TICK_SECONDS="1")
    first = BotProcess(env, tmp_path / "first.log")
    await first.start()
    # The second process shares the database (orders, deadlines, outbox) but talks to a Bot
    # API of its own, so the two never compete for the same updates.
    async with FakeTelegram(token=TOKEN) as other:
        other.add_forum(DESK, "Masterdesk", admins=[MANAGER])
        second = BotProcess({**env, "TELEGRAM_API_BASE": other.base_url},
                            tmp_path / "second.log")
        await second.start()
        try:
            await fake.wait_for(lambda: fake.calls("setMyCommands"), timeout=30)
            await other.wait_for(lambda: other.calls("setMyCommands"), timeout=30)
            for _ in range(3):
                await order_until_phone(fake)
                await finish_order(fake)

            def overdue() -> list[dict[str, Any]]:
                return [m for f in (fake, other) for m in f.sent(DESK)
                        if "Overdue" in (m["text"] or "")]

            await fake.wait_for(lambda: len(overdue()) >= 3, timeout=40)
            await asyncio.sleep(3)  # a second firing would show up by now
            assert len(overdue()) == 3
            engine = make_engine(postgres_url)
            try:
                async with engine.connect() as conn:
                    fired = await conn.scalar(select(func.count()).select_from(AuditEntry)
                                              .where(AuditEntry.action == "deadline:triage"))
            finally:
                await engine.dispose()
            assert fired == 3
        finally:
            await second.stop()
            await first.stop()


async def test_a_whole_order_with_two_masters_where_the_first_lets_the_offer_expire(
        fake: FakeTelegram, tmp_path: Path) -> None:
    """Auto [R §4]: the best candidate gets the offer; he lets it expire, so the next one gets
    it, accepts, does the job and the client's code completes it."""
    second = 7004
    fake.add_user(second, "Boris", language_code="en")
    proc = BotProcess(bot_env(fake, tmp_path, OFFER_MINUTES="0.05", CLOCK_TICK_SECONDS="1"),
                      tmp_path / "bot.log")
    await proc.start()
    try:
        await fake.wait_for(lambda: fake.calls("setMyCommands"), timeout=30)
        await approve_master(fake, MASTER, "Ivan Petrov")
        await approve_master(fake, second, "Boris Kot")
        await order_until_phone(fake)
        order_id = await finish_order(fake)
        card = await fake.wait_for_message(DESK, f"Order #{order_id}")
        click(fake, MANAGER, card, "Auto")
        first = await fake.wait_for_message(MASTER, "New job offer")
        assert "flat 3" not in first["text"]  # the district and the job, not the address
        assert not [m for m in fake.sent(second) if "New job offer" in (m["text"] or "")]
        # Ivan does not answer: after 3 s the offer expires and Boris gets it
        await fake.wait_for(lambda: f"order #{order_id} has expired" in (
            msg(fake, MASTER, first["message_id"])["text"] or ""), timeout=30)
        offer = await fake.wait_for_message(second, "New job offer", timeout=30)
        await fake.wait_for_message(DESK, "Auto: offered to Boris Kot")
        assert not fake.buttons(msg(fake, MASTER, first["message_id"]))  # the offer says so
        accept = next(b["callback_data"] for row in first["reply_markup"]["inline_keyboard"]
                      for b in row if "Accept" in b["text"])  # as it was when it came
        # A press already on its way: too late, told why, nothing changes
        fake.user_clicks_data(MASTER, MASTER, first["message_id"], accept)
        await fake.wait_for(lambda: [c for c in fake.calls("answerCallbackQuery")
                                     if c.params.get("show_alert")
                                     and "expired" in (c.params.get("text") or "")])
        click(fake, second, offer, "Accept")
        await fake.wait_for(lambda: "+79990001122" in msg(fake, second,
                                                          offer["message_id"])["text"])
        told = await fake.wait_for_message(CLIENT, "a master has taken your order")
        assert "Boris Kot" in told["text"] and "verified" in told["text"]
        await report_and_confirm(fake, second, offer["message_id"], "2800")
        await fake.wait_for_message(second, f"Order #{order_id} is completed")
        done = await fake.wait_for_message(CLIENT, f"Order #{order_id} is completed")
        await fake.wait_for(lambda: "Completed" in msg(fake, DESK, card["message_id"])["text"])
        assert not [m for m in fake.sent(MASTER) if "+79990001122" in (m["text"] or "")]
        click(fake, CLIENT, done, "5⭐")  # the client rates Boris
        ask = await fake.wait_for_message(CLIENT, "Add a few words")
        click(fake, CLIENT, ask, "Skip")
        await fake.wait_for_message(CLIENT, "Thank you for your review")
        await fake.wait_for_message(second, "rated your work")
        await fake.wait_for(lambda: "Review: ★★★★★" in msg(fake, DESK,
                                                           card["message_id"])["text"])
        no_unexpected_errors(fake)
    finally:
        await proc.stop()


async def test_the_client_and_the_desk_talk_through_the_topic(fake: FakeTelegram,
                                                              bot: BotProcess) -> None:
    """SPEC §2.4 through the real process: the client's text, photo and file reach the
    order's topic; a manager's answer in the topic reaches the client."""
    await order_until_phone(fake)
    order_id = await finish_order(fake)
    topic = await fake.wait_for(lambda: fake.topics(DESK))
    thread = topic[0]["message_thread_id"]
    await fake.wait_for_message(DESK, f"Order #{order_id}", thread_id=thread)
    fake.user_sends_command(CLIENT, "/orders")
    listing = await fake.wait_for_message(CLIENT, "Your orders")
    click(fake, CLIENT, listing, f"Order #{order_id}")
    view = await fake.wait_for_message(CLIENT, "Status:")
    click(fake, CLIENT, view, "Write to the manager")
    await fake.wait_for_message(CLIENT, "Write to the desk about order")
    fake.user_sends_text(CLIENT, "Please call before <coming>")
    fake.user_sends_photo(CLIENT, caption="The leak")
    fake.user_sends_document(CLIENT, "receipt.pdf", caption="Receipt")
    await fake.wait_for_message(DESK, "Please call before <coming>", thread_id=thread)
    await fake.wait_for(lambda: [m for m in fake.sent(DESK, thread)
                                 if "Receipt" in (m.get("caption") or "")], timeout=20)
    assert [m for m in fake.sent(DESK, thread) if "The leak" in (m.get("caption") or "")]
    fake.user_sends_text(MANAGER, "We will call at 9", chat_id=DESK, thread_id=thread)
    answer = await fake.wait_for_message(CLIENT, "We will call at 9")
    assert f"The desk about order #{order_id}" in answer["text"]
    no_unexpected_errors(fake)
