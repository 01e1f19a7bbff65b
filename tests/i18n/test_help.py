"""Help and first contact (issue 11): /help in every chat says what the bot does for this
person, the commands and how to reach the desk; /start says how the service works; the bot's
description and short description are set in every language, within Telegram's limits."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.storage.base import StorageKey

from bot.commands import set_commands
from bot.config import LOCALES, Settings
from bot.i18n import make_i18n
from bot.sandbox.telegram import FakeTelegram
from tests.flows.test_flows import MANAGER, approved_master
from tests.support.flowkit import DESK, Harness, harness


@pytest.fixture
async def h(db_url: str):
    async with harness(db_url, admin_ids=[MANAGER]) as h:
        yield h


async def test_help_for_a_client_says_what_the_bot_does_the_commands_and_the_desk(
        h: Harness) -> None:
    c = h.person(800, "Anna")
    await c.send("/help")
    text = c.last().text
    assert text.startswith("<b>What this bot does for you</b>")
    for command in ("/new", "/orders", "/language", "/become_master", "/cancel"):
        assert command in text
    assert "«💬 Write to the manager»" in text
    assert "/jobs" not in text


async def test_help_in_a_conversation_leaves_it_as_it_was(h: Harness) -> None:
    c = h.person(801, "Boris")
    await c.send("/new")
    await c.click(c.last(), "Plumbing")
    await c.send("/help")
    assert "What this bot does for you" in c.last().text
    await c.send("The tap drips")  # still the description step: taken as the description
    key = StorageKey(bot_id=42, chat_id=801, user_id=801)
    assert (await h.app.storage.get_data(key))["draft"]["description"] == "The tap drips"


async def test_help_for_a_master(h: Harness) -> None:
    ivan = await approved_master(h, 802, "Ivan Petrov")
    await ivan.send("/help")
    text = ivan.last().text
    assert text.startswith("<b>What this bot does for you as a master</b>")
    assert "/jobs" in text and "/profile" in text and "«💬 Write to the desk»" in text


async def test_help_in_the_desk_for_managers_only(h: Harness) -> None:
    await h.manager(MANAGER).send("/help")
    text = h.session.last(DESK).text
    assert text.startswith("<b>What the bot does for the desk</b>")
    for command in ("/order", "/find", "/sla", "/stats", "/masters", "/export", "/block",
                    "/unblock", "/review", "/m "):
        assert command in text
    await h.manager(666, "Stranger").send("/help")
    assert h.session.last(DESK).text == "Only desk members can do this."


async def test_start_says_how_the_service_works(h: Harness) -> None:
    c = h.person(803, "Clara")
    await c.send("/start")
    assert "How it works: you describe the job" in c.last().text
    assert "Help: /help" in c.last().text
    ivan = await approved_master(h, 804, "Ivan Petrov")
    await ivan.send("/start")
    assert "How it works for you: job offers come here" in ivan.last().text


async def test_set_commands_sets_the_descriptions_in_six_languages_within_limits() -> None:
    async with FakeTelegram(bot_username="masterdesk_bot") as fake:
        fake.add_forum(DESK, "Desk")
        bot = Bot(fake.token, session=AiohttpSession(
            api=TelegramAPIServer.from_base(fake.base_url)))
        settings = Settings(bot_token=fake.token, desk_chat_id=DESK,
                            database_url="sqlite+aiosqlite:///:memory:",
                            _env_file=None)  # type: ignore[call-arg]
        i18n = make_i18n(settings.default_locale)
        i18n.set_current(i18n)  # as build_app does before set_commands runs
        try:
            await set_commands(bot, i18n, settings)
            codes = ["" if lang == settings.default_locale else lang for lang in LOCALES]
            descriptions = [fake.bot_texts[f"description:{c}"] for c in codes]
            shorts = [fake.bot_texts[f"short_description:{c}"] for c in codes]
            assert len(set(descriptions)) == 6 and len(set(shorts)) == 6  # each translated
            assert all(0 < len(d) <= 512 for d in descriptions)
            assert all(0 < len(s) <= 120 for s in shorts)
            assert descriptions[0].startswith("A home services desk in Telegram")
            with pytest.raises(TelegramBadRequest):  # the fake keeps Telegram's limits
                await bot.set_my_short_description(short_description="x" * 121)
            with pytest.raises(TelegramBadRequest):
                await bot.set_my_description(description="x" * 513)
        finally:
            await bot.session.close()
