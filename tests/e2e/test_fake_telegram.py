"""Tests of the fake Telegram Bot API server itself, driven by a real aiogram Bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiohttp import web

from bot.sandbox.telegram import FakeTelegram, parse_html, utf16_len

pytestmark = pytest.mark.asyncio

CLIENT = 501
MASTER = 601
DESK = -1001234567890


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username="masterdesk_bot") as server:
        server.add_user(CLIENT, "Ann", "en", username="ann")
        server.add_user(MASTER, "Bob", "pl")
        server.add_forum(DESK, "Masterdesk desk", admins=[MASTER])
        yield server


@pytest_asyncio.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    client = Bot(token=fake.token, session=session)
    try:
        yield client
    finally:
        await client.session.close()


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=text, callback_data=data)] for text, data in buttons
    ])


async def started(fake: FakeTelegram, bot: Bot, user_id: int = CLIENT) -> None:
    """The user writes to the bot once, so that their private chat exists."""
    update = fake.user_sends_command(user_id, "/start")
    await bot.get_updates(offset=update["update_id"] + 1, timeout=0)


# --- identity and updates -------------------------------------------------------------------

async def test_get_me_answers_with_the_token_bot(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == fake.bot_id == int(fake.token.split(":")[0])
    assert me.is_bot and me.username == "masterdesk_bot"


async def test_pushed_text_is_delivered_once(fake: FakeTelegram, bot: Bot) -> None:
    pushed = fake.user_sends_text(CLIENT, "hello")
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [pushed["update_id"]]
    message = updates[0].message
    assert message.text == "hello" and message.chat.id == CLIENT
    assert message.from_user.first_name == "Ann" and message.chat.type == "private"

    again = await bot.get_updates(timeout=0)  # not confirmed yet: delivered again
    assert [u.update_id for u in again] == [pushed["update_id"]]

    after = await bot.get_updates(offset=pushed["update_id"] + 1, timeout=0)
    assert after == []
    assert await bot.get_updates(timeout=0) == []  # confirmed for good
    assert fake.pending_updates() == 0


async def test_long_poll_returns_as_soon_as_an_update_arrives(fake: FakeTelegram,
                                                               bot: Bot) -> None:
    async def push_later() -> None:
        await asyncio.sleep(0.2)
        fake.user_sends_text(CLIENT, "late")

    started_at = time.monotonic()
    pusher = asyncio.create_task(push_later())
    updates = await bot.get_updates(timeout=5)
    await pusher
    assert [u.message.text for u in updates] == ["late"]
    assert time.monotonic() - started_at < 2


async def test_long_poll_times_out_empty(fake: FakeTelegram, bot: Bot) -> None:
    started_at = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 <= time.monotonic() - started_at < 3


async def test_a_second_poller_terminates_the_first(fake: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(bot.get_updates(timeout=1))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await first
    assert await second == []


async def test_commands_carry_a_bot_command_entity(fake: FakeTelegram, bot: Bot) -> None:
    fake.user_sends_command(CLIENT, "start ref42")
    [update] = await bot.get_updates(timeout=0)
    assert update.message.text == "/start ref42"
    assert [(e.type, e.offset, e.length) for e in update.message.entities] == [
        ("bot_command", 0, 6)]


async def test_allowed_updates_filter_delivery(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    fake.block_user(CLIENT)  # pushes my_chat_member
    fake.user_sends_text(CLIENT, "back again")
    updates = await bot.get_updates(timeout=0, allowed_updates=["message"])
    assert [u.message.text for u in updates] == ["back again"]


# --- text limits and HTML -------------------------------------------------------------------

async def test_message_over_4096_utf16_units_is_refused(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    ok = await bot.send_message(CLIENT, "x" * 4096)
    assert len(ok.text) == 4096
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CLIENT, "x" * 4097)
    await bot.send_message(CLIENT, "\U0001F600" * 2048)  # 4096 UTF-16 units
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CLIENT, "\U0001F600" * 2049)
    # tags do not count: 4096 visible characters inside <b> are fine
    fake.set_rate_limits(enabled=False)
    await bot.send_message(CLIENT, "<b>" + "y" * 4096 + "</b>", parse_mode=ParseMode.HTML)


async def test_empty_texts_are_refused(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(CLIENT, "")
    with pytest.raises(TelegramBadRequest, match="message must be non-empty"):
        await bot.send_message(CLIENT, "<b> </b>", parse_mode=ParseMode.HTML)


@pytest.mark.parametrize(("text", "reason"), [
    ("<b>bold", "Can't find end tag corresponding to start tag \"b\""),
    ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<span>s</span>", 'Tag "span" must have class "tg-spoiler"'),
    ("Tom & Jerry", 'Unescaped "&" at byte offset 4'),
    ("Żółw <foo>", 'Unsupported start tag "foo" at byte offset 8'),  # bytes, not chars
])
async def test_broken_html_is_refused(fake: FakeTelegram, bot: Bot, text: str,
                                      reason: str) -> None:
    await started(fake, bot)
    fake.set_rate_limits(enabled=False)
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(CLIENT, text, parse_mode=ParseMode.HTML)
    assert "Bad Request: can't parse entities: " in caught.value.message
    assert reason in caught.value.message
    assert fake.calls("sendMessage")[-1].error_code == 400


async def test_valid_nested_html_is_accepted(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    html = ('<b>Order <i>#12</i></b> &lt;urgent&gt; &amp; <a href="https://example.com">map</a>'
            '\n<blockquote expandable>note</blockquote> <tg-spoiler>secret</tg-spoiler> '
            '<pre><code class="language-python">x = 1</code></pre>')
    sent = await bot.send_message(CLIENT, html, parse_mode=ParseMode.HTML)
    assert sent.text == "Order #12 <urgent> & map\nnote secret x = 1"
    kinds = {e.type for e in sent.entities}
    assert {"bold", "italic", "text_link", "expandable_blockquote", "spoiler", "pre"} <= kinds
    [pre] = [e for e in sent.entities if e.type == "pre"]
    assert pre.language == "python"
    record = fake.last(CLIENT)
    assert record["text"] == sent.text and record["html"] == html
    assert record["parse_mode"] == "html"


async def test_caption_limit_and_html(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    fake.set_rate_limits(enabled=False)
    photo = BufferedInputFile(b"\x89PNG\r\n\x1a\n" + b"0" * 64, "p.png")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(CLIENT, photo, caption="c" * 1025)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_photo(CLIENT, photo, caption="<i>x", parse_mode=ParseMode.HTML)
    sent = await bot.send_photo(CLIENT, photo, caption="<b>c</b>" * 3, parse_mode="HTML")
    assert sent.caption == "ccc" and len(sent.photo) == 3


async def test_explicit_entities_are_kept(fake: FakeTelegram, bot: Bot) -> None:
    update = fake.user_sends_text(CLIENT, "/start")
    [incoming] = await bot.get_updates(offset=update["update_id"], timeout=0)
    copy = await incoming.message.send_copy(DESK)
    assert copy.text == "/start"
    assert [e.type for e in copy.entities] == ["bot_command"]


async def test_parser_counts_utf16_offsets() -> None:
    text, entities = parse_html("\U0001F600 <b>Zażółć</b>")
    assert text == "\U0001F600 Zażółć"
    assert entities == [{"type": "bold", "offset": 3, "length": 6}]
    assert utf16_len("\U0001F600") == 2


# --- keyboards and callbacks ----------------------------------------------------------------

async def test_callback_data_over_64_bytes_is_refused(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    fake.set_rate_limits(enabled=False)
    await bot.send_message(CLIENT, "ok", reply_markup=keyboard(("A", "a" * 64)))
    await bot.send_message(CLIENT, "ok", reply_markup=keyboard(("Ж", "ж" * 32)))  # 64 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(CLIENT, "no", reply_markup=keyboard(("A", "a" * 65)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(CLIENT, "no", reply_markup=keyboard(("Ж", "ж" * 33)))
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await bot.send_message(CLIENT, "no", reply_markup=keyboard(("A", "")))
    assert [m["text"] for m in fake.sent(CLIENT)] == ["ok", "ok"]


async def test_click_delivers_callback_and_answer_is_recorded(fake: FakeTelegram,
                                                              bot: Bot) -> None:
    await started(fake, bot)
    await bot.send_message(CLIENT, "Pick a service",
                           reply_markup=keyboard(("Plumbing", "svc:plumbing"),
                                                 ("Electrics", "svc:electrics")))
    message = await fake.wait_for_message(CLIENT, contains="Pick")
    assert fake.buttons(message) == ["Plumbing", "Electrics"]
    pushed = fake.user_clicks(CLIENT, message, "Electrics")
    [update] = await bot.get_updates(offset=pushed["update_id"], timeout=0)
    query = update.callback_query
    assert query.data == "svc:electrics" and query.message.message_id == message["message_id"]
    assert query.from_user.id == CLIENT
    assert await bot.answer_callback_query(query.id, text="Noted", show_alert=True)
    assert fake.callback_answers() == [(query.id, "Noted", True)]
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(AssertionError, match="no inline button"):
        fake.user_clicks(CLIENT, message, "Gardening")


async def test_reply_keyboard_buttons_are_listed(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    markup = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Share phone",
                                                           request_contact=True)]],
                                 resize_keyboard=True)
    sent = await bot.send_message(CLIENT, "Your phone?", reply_markup=markup)
    assert sent.reply_markup is None  # a message keeps only inline keyboards
    [spec] = fake.button_specs(fake.last(CLIENT))
    assert spec["text"] == "Share phone" and spec["request_contact"] is True
    update = fake.user_sends_contact(CLIENT, "+48600000001")
    assert update["message"]["contact"]["user_id"] == CLIENT


# --- injected faults and limits -------------------------------------------------------------

async def test_fail_next_gives_retry_after(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    fake.fail_next("sendMessage", 1, error_code=429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CLIENT, "first")
    assert caught.value.retry_after == 3
    assert "Too Many Requests: retry after 3" in caught.value.message
    await bot.send_message(CLIENT, "second")
    assert [(c.params.get("text"), c.error_code) for c in fake.calls("sendMessage")] == [
        ("first", 429), ("second", None)]


async def test_raw_429_body_is_telegrams(fake: FakeTelegram) -> None:
    fake.fail_next("getMe", error_code=429, retry_after=7)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{fake.base_url}/bot{fake.token}/getMe") as resp:
            assert resp.status == 429
            assert await resp.json() == {
                "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7}}


async def test_storm_refuses_every_send_for_a_while(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    fake.storm_429(0.5, retry_after=1)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(CLIENT, "during")
    assert (await bot.get_me()).id == fake.bot_id  # not a send: unaffected
    await asyncio.sleep(0.6)
    await bot.send_message(CLIENT, "after")


async def test_blocked_user_gives_forbidden(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    fake.block_user(CLIENT)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(CLIENT, "hi")


async def test_user_who_never_wrote_is_not_found(fake: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(CLIENT, "hi")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999_999, "hi")


async def test_private_chat_rate_limit(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    for n in range(3):  # the burst
        await bot.send_message(CLIENT, f"m{n}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CLIENT, "one too many")
    assert caught.value.retry_after >= 1
    await asyncio.sleep(1.05)
    await bot.send_message(CLIENT, "after a second")


async def test_group_rate_limit_is_per_minute(fake: FakeTelegram, bot: Bot) -> None:
    fake.set_rate_limits(group_per_minute=5)
    for n in range(5):
        await bot.send_message(DESK, f"g{n}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(DESK, "g5")
    assert 50 <= caught.value.retry_after <= 60


# --- forum topics -----------------------------------------------------------------------------

async def test_forum_topic_creation_and_posting(fake: FakeTelegram, bot: Bot) -> None:
    topic = await bot.create_forum_topic(DESK, "Order #12")
    assert topic.name == "Order #12" and topic.icon_color
    sent = await bot.send_message(DESK, "New order", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    assert sent.reply_to_message.forum_topic_created.name == "Order #12"
    assert fake.topics(DESK)[0]["name"] == "Order #12"
    assert fake.last(DESK, thread_id=topic.message_thread_id)["text"] == "New order"

    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(DESK, "lost", message_thread_id=topic.message_thread_id + 500)

    assert await bot.edit_forum_topic(DESK, topic.message_thread_id, name="Order #12 done")
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await bot.edit_forum_topic(DESK, topic.message_thread_id, name="Order #12 done")
    assert await bot.close_forum_topic(DESK, topic.message_thread_id)
    assert await bot.reopen_forum_topic(DESK, topic.message_thread_id)
    assert [t["name"] for t in fake.topics(DESK)] == ["Order #12 done"]

    update = fake.user_sends_text(MASTER, "I'll take it", DESK, topic.message_thread_id)
    [delivered] = await bot.get_updates(offset=update["update_id"], timeout=0)
    assert delivered.message.message_thread_id == topic.message_thread_id
    assert delivered.message.is_topic_message


async def test_topics_need_rights_and_a_forum(fake: FakeTelegram, bot: Bot) -> None:
    fake.add_forum(-1009, "Plain group", is_forum=False)
    fake.add_forum(-1008, "Weak bot", bot_is_admin=False)
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(-1009, "x")
    with pytest.raises(TelegramBadRequest, match="not enough rights to create a topic"):
        await bot.create_forum_topic(-1008, "x")


async def test_chat_members_and_admins(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_chat_member(DESK, fake.bot_id)
    assert me.status == "administrator" and me.can_manage_topics
    assert (await bot.get_chat_member(DESK, MASTER)).status == "administrator"
    assert (await bot.get_chat_member(DESK, CLIENT)).status == "member"
    assert (await bot.get_chat_member(DESK, 777)).status == "left"
    admins = await bot.get_chat_administrators(DESK)
    assert {a.user.id for a in admins} == {MASTER, fake.bot_id}
    chat = await bot.get_chat(DESK)
    assert chat.is_forum and chat.title == "Masterdesk desk"


# --- editing and deleting ------------------------------------------------------------------

async def test_edit_to_identical_content_is_not_modified(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    markup = keyboard(("Yes", "y"))
    sent = await bot.send_message(CLIENT, "<b>Confirm?</b>", parse_mode="HTML",
                                  reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("<b>Confirm?</b>", chat_id=CLIENT,
                                    message_id=sent.message_id, parse_mode="HTML",
                                    reply_markup=markup)
    # same visible text without the bold entity is a change
    edited = await bot.edit_message_text("Confirm?", chat_id=CLIENT,
                                         message_id=sent.message_id, reply_markup=markup)
    assert edited.entities is None and edited.edit_date
    # an edit without reply_markup drops the keyboard
    await bot.edit_message_text("Confirmed", chat_id=CLIENT, message_id=sent.message_id)
    record = fake.last(CLIENT)
    assert record["text"] == "Confirmed" and record["reply_markup"] is None
    assert [v["text"] for v in record["history"]] == ["Confirm?", "Confirm?"]
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=CLIENT, message_id=sent.message_id + 100)


async def test_delete_and_user_messages_cannot_be_edited(fake: FakeTelegram, bot: Bot) -> None:
    update = fake.user_sends_text(CLIENT, "mine")
    mid = update["message"]["message_id"]
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("theirs", chat_id=CLIENT, message_id=mid)
    sent = await bot.send_message(CLIENT, "bye")
    assert await bot.delete_message(CLIENT, sent.message_id)
    assert fake.last(CLIENT)["deleted"] is True
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(CLIENT, sent.message_id)


# --- media, copies, files -------------------------------------------------------------------

async def test_user_photo_can_be_copied_downloaded_and_reused(fake: FakeTelegram,
                                                              bot: Bot) -> None:
    topic = await bot.create_forum_topic(DESK, "Order #7")
    update = fake.user_sends_photo(CLIENT, caption="leak under sink")
    photo_id = update["message"]["photo"][-1]["file_id"]

    copied = await bot.copy_message(DESK, CLIENT, update["message"]["message_id"],
                                    message_thread_id=topic.message_thread_id)
    record = fake.last(DESK, topic.message_thread_id)
    assert record["message_id"] == copied.message_id and record["kind"] == "photo"
    assert record["caption"] == "leak under sink"

    file = await bot.get_file(photo_id)
    data = await bot.download_file(file.file_path)
    assert data.read().startswith(b"\x89PNG")

    resent = await bot.send_photo(DESK, photo_id, message_thread_id=topic.message_thread_id)
    assert resent.photo[-1].file_id == photo_id
    with pytest.raises(TelegramBadRequest, match="can't use file of type Photo as Document"):
        await bot.send_document(DESK, photo_id)
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(DESK, "AgACnonsense")
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(DESK, CLIENT, 1)


async def test_album_location_and_contact(fake: FakeTelegram, bot: Bot) -> None:
    from aiogram.types import InputMediaPhoto
    first = fake.user_sends_photo(CLIENT, media_group_id="g1")
    second = fake.user_sends_photo(CLIENT, media_group_id="g1")
    album = await bot.send_media_group(DESK, [
        InputMediaPhoto(media=first["message"]["photo"][-1]["file_id"], caption="<b>2</b>",
                        parse_mode="HTML"),
        InputMediaPhoto(media=second["message"]["photo"][-1]["file_id"]),
    ])
    assert len({m.media_group_id for m in album}) == 1 and album[0].caption == "2"
    location = await bot.send_location(DESK, 52.23, 21.01)
    assert location.location.latitude == pytest.approx(52.23)
    contact = await bot.send_contact(DESK, "+48600000001", "Ann")
    assert contact.contact.phone_number == "+48600000001"


# --- plumbing ---------------------------------------------------------------------------------

async def test_unknown_method_and_json_bodies(fake: FakeTelegram) -> None:
    base = f"{fake.base_url}/bot{fake.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/sendPigeon", data={"chat_id": "1"}) as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404,
                                         "description": "Not Found: method not found"}
        async with http.post(f"{base}/getchat", json={"chat_id": DESK}) as resp:
            body = await resp.json()
            assert resp.status == 200 and body["result"]["title"] == "Masterdesk desk"
        async with http.post(f"{base}/sendMessage",
                             json={"chat_id": DESK, "text": "x",
                                   "reply_markup": {"inline_keyboard": [[{
                                       "text": "A", "callback_data": "d" * 65}]]}}) as resp:
            assert resp.status == 400
            assert (await resp.json())["description"] == "Bad Request: BUTTON_DATA_INVALID"
        async with http.get(f"{fake.base_url}/botnot-a-token/getMe") as resp:
            assert resp.status == 404


async def test_commands_menu_and_webhook(fake: FakeTelegram, bot: Bot) -> None:
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.set_my_commands([BotCommand(command="start", description="Start")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Command", description="x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    from aiogram.types import MenuButtonCommands
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())


async def test_wait_for_message_walks_forward(fake: FakeTelegram, bot: Bot) -> None:
    await started(fake, bot)
    fake.set_rate_limits(enabled=False)
    for text in ("Step 1", "Step 2", "Step 1"):
        await bot.send_message(CLIENT, text)
    first = await fake.wait_for_message(CLIENT, contains="Step 1")
    second = await fake.wait_for_message(CLIENT, contains="Step 1")
    assert first["message_id"] < second["message_id"]
    with pytest.raises(AssertionError, match="no bot message in chat"):
        await fake.wait_for_message(CLIENT, contains="Step 2", timeout=0.2)
    assert await fake.wait_for(lambda: len(fake.sent(CLIENT)) == 3, timeout=1)
    with pytest.raises(AssertionError, match="sendMessage"):
        await fake.wait_for(lambda: fake.last(CLIENT)["text"] == "never", timeout=0.2)


async def test_privacy_mode_hides_group_chatter_from_a_non_admin_bot(fake: FakeTelegram,
                                                                     bot: Bot) -> None:
    fake.add_forum(-1007, "Members only", bot_is_admin=False)
    fake.add_user(602, "Cid")
    dropped = fake.user_sends_text(602, "just chatting", -1007)
    command = fake.user_sends_command(602, "/help", -1007)
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [command["update_id"]]
    assert dropped["update_id"] is None and fake.undelivered


async def test_a_real_dispatcher_polls_the_fake(fake: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(f"Welcome, <b>{message.from_user.first_name}</b>!",
                             parse_mode="HTML", reply_markup=keyboard(("Order", "order")))

    @dp.callback_query(F.data == "order")
    async def order(query: CallbackQuery) -> None:
        await query.answer("Let's go")
        await query.message.edit_text("Which service?")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False,
                                                   close_bot_session=False, polling_timeout=5))
    try:
        fake.user_sends_command(CLIENT, "/start")
        welcome = await fake.wait_for_message(CLIENT, contains="Welcome, Ann!")
        assert welcome["html"] == "Welcome, <b>Ann</b>!"
        fake.user_clicks(CLIENT, welcome, "Order")
        await fake.wait_for(lambda: fake.last(CLIENT)["text"] == "Which service?")
        assert fake.callback_answers()[0][1:] == ("Let's go", False)
        assert fake.last(CLIENT)["reply_markup"] is None
        await fake.wait_for(lambda: fake.pending_updates() == 0)
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 10)


async def test_stop_releases_a_pending_long_poll() -> None:
    server = await FakeTelegram().start()
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    client = Bot(token=server.token, session=session)
    try:
        poll = asyncio.create_task(client.get_updates(timeout=30))
        await asyncio.sleep(0.2)
        started_at = time.monotonic()
        await server.stop()
        assert await asyncio.wait_for(poll, 5) == []
        assert time.monotonic() - started_at < 3
    finally:
        await client.session.close()


async def test_a_webhook_delivery_that_fails_is_delivered_again(fake: FakeTelegram,
                                                                bot: Bot) -> None:
    """As Telegram: an update the webhook did not answer 2XX (refused, 502 from a proxy whose
    replica died) is sent again until it is taken; meanwhile it stays pending."""
    answers = [502, 503, 200]
    seen: list[tuple[int, str | None]] = []

    async def webhook(request: web.Request) -> web.Response:
        update = await request.json()
        seen.append((update["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=answers.pop(0))

    app = web.Application()
    app.router.add_post("/tg/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        fake.webhook_address, fake.webhook_retry_seconds = f"http://127.0.0.1:{port}", 0.05
        assert await bot.set_webhook("https://desk.example.com/tg/webhook",
                                     secret_token="a-secret-of-16-chars")
        update = fake.user_sends_command(CLIENT, "/start")
        await fake.wait_for(lambda: not answers)
        uid = update["update_id"]
        assert seen == [(uid, "a-secret-of-16-chars")] * 3
        assert fake.webhook_failures == [(uid, "HTTP 502"), (uid, "HTTP 503")]
        assert (await bot.get_webhook_info()).pending_update_count == 0
    finally:
        await runner.cleanup()
