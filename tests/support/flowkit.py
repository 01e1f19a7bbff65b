"""Dispatcher flow tests: the production wiring (bot.app.build_app) fed update by update,
with a recording Bot API session instead of the network (aiogram's testing recipe)."""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    CreateForumTopic,
    EditForumTopic,
    EditMessageReplyMarkup,
    EditMessageText,
    GetChatAdministrators,
    GetMe,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberOwner,
    Contact,
    Document,
    ForumTopic,
    InlineKeyboardMarkup,
    Location,
    Message,
    PhotoSize,
    Update,
    User,
)
from sqlalchemy import select

from bot.app import App, build_app
from bot.config import Settings
from bot.notify.limiter import Limiter
from bot.sandbox.telegram import EntityParseError, parse_html, utf16_len
from db.models import OutboxMessage

MEDIA = ("photo", "document", "media_photo", "media_document")  # Sent.method of files
TOKEN = "42:" + "A" * 35
DESK = -1001234567890
BOT_USER = User(id=42, is_bot=True, first_name="Masterdesk", username="masterdesk_bot")


@dataclass
class Sent:
    method: str
    chat_id: int
    text: str
    thread_id: int | None
    message_id: int
    markup: InlineKeyboardMarkup | None
    params: dict[str, Any]

    def buttons(self) -> list[str]:
        if self.markup is None:
            return []
        return [b.text for row in self.markup.inline_keyboard for b in row]

    def action(self, code: str, index: int = 0) -> str:
        """The callback data of the `index`-th button with this action code (language-free)."""
        assert self.markup is not None, f"no keyboard on {self.text!r}"
        found = [b.callback_data for row in self.markup.inline_keyboard for b in row
                 if b.callback_data and b.callback_data.split(":")[1] == code]
        assert len(found) > index, f"no {code!r} button in {self.buttons()}"
        return found[index]  # type: ignore[return-value]

    def data(self, text: str) -> str:
        assert self.markup is not None, f"no keyboard on {self.text!r}"
        for row in self.markup.inline_keyboard:
            for b in row:
                if text in b.text:
                    assert b.callback_data
                    return b.callback_data
        raise AssertionError(f"no button {text!r} in {self.buttons()}")


def visible_length(html_text: str) -> int:
    """Telegram counts the text after parsing entities: tags vanish, &lt; is one character."""
    return len(unescape(re.sub(r"<[^>]+>", "", html_text)))


def telegram_length(source: str, html: bool = True) -> int:
    """The length Telegram checks against its limits: UTF-16 code units of the visible text
    (bot/sandbox/telegram/ ports Telegram's own HTML parser)."""
    return utf16_len(parse_html(source, strict_ampersand=False)[0] if html else source)


class RecordingSession(BaseSession):
    """Answers every Bot API call like Telegram would, and remembers it."""

    def __init__(self, admins: tuple[int, ...] = ()) -> None:
        super().__init__()
        self.messages: list[Sent] = []
        self.calls: list[TelegramMethod[Any]] = []
        self.refused: list[str] = []  # what Telegram answered 400 to (too long, bad HTML)
        self.admins = admins
        self.chat_admins: dict[int, tuple[int, ...]] = {}  # a group's own, else `admins`
        self._ids = itertools.count(1000)
        self._topics: dict[int, itertools.count[int]] = {}  # per group, as Telegram numbers
        # file ids Telegram no longer has: sending one gets the 400 the real API gives
        self.lost_files: set[str] = set()

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncIterator[bytes]:
        yield b""

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:
        self.calls.append(method)
        if isinstance(method, SendPhoto | SendDocument | SendMediaGroup):
            used = ([m.media for m in method.media] if isinstance(method, SendMediaGroup)
                    else [method.photo if isinstance(method, SendPhoto) else method.document])
            if self.lost_files & {u for u in used if isinstance(u, str)}:
                raise TelegramBadRequest(method=method, message="Bad Request: wrong file "
                                         "identifier/HTTP URL specified")
        self._check_limits(bot, method)
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, SendMessage):
            mid = next(self._ids)
            markup = method.reply_markup if isinstance(method.reply_markup,
                                                       InlineKeyboardMarkup) else None
            self.messages.append(Sent("send", int(method.chat_id), method.text,
                                      method.message_thread_id, mid, markup,
                                      method.model_dump()))
            return Message(message_id=mid, date=datetime.now(UTC),
                           chat=Chat(id=int(method.chat_id),
                                     type="private" if int(method.chat_id) > 0 else "supergroup"),
                           from_user=BOT_USER, text=method.text, reply_markup=markup,
                           message_thread_id=method.message_thread_id)
        if isinstance(method, SendPhoto | SendDocument):
            caption = method.caption or ""
            mid = next(self._ids)
            markup = method.reply_markup if isinstance(method.reply_markup,
                                                       InlineKeyboardMarkup) else None
            kind = "photo" if isinstance(method, SendPhoto) else "document"
            self.messages.append(Sent(kind, int(method.chat_id), caption,
                                      method.message_thread_id, mid, markup,
                                      method.model_dump()))
            return Message(message_id=mid, date=datetime.now(UTC),
                           chat=Chat(id=int(method.chat_id),
                                     type="private" if int(method.chat_id) > 0 else "supergroup"),
                           from_user=BOT_USER, caption=caption, reply_markup=markup,
                           message_thread_id=method.message_thread_id)
        if isinstance(method, SendMediaGroup):
            out = []
            for item in method.media:
                mid = next(self._ids)
                self.messages.append(Sent("media_" + item.type, int(method.chat_id),
                                          item.caption or "", method.message_thread_id, mid,
                                          None, item.model_dump()))
                out.append(Message(message_id=mid, date=datetime.now(UTC),
                                   chat=Chat(id=int(method.chat_id), type="supergroup"
                                             if int(method.chat_id) < 0 else "private"),
                                   from_user=BOT_USER, caption=item.caption))
            return out
        if isinstance(method, EditMessageText):
            for m in self.messages:
                if m.message_id == method.message_id:
                    m.text = method.text
                    m.markup = method.reply_markup
            return True
        if isinstance(method, EditMessageReplyMarkup):
            for m in self.messages:
                if m.message_id == method.message_id:
                    m.markup = method.reply_markup
            return True
        if isinstance(method, CreateForumTopic):
            topics = self._topics.setdefault(int(method.chat_id), itertools.count(500))
            return ForumTopic(message_thread_id=next(topics), name=method.name,
                              icon_color=0x6FB9F0)
        if isinstance(method, GetChatAdministrators):
            # Owners: what DeskMembers reads of any administrator is the user.
            return [ChatMemberOwner(user=User(id=uid, is_bot=False, first_name="Admin"),
                                    is_anonymous=False)
                    for uid in self.chat_admins.get(int(method.chat_id), self.admins)]
        if isinstance(method, AnswerCallbackQuery):
            return True
        return True

    def _refuse(self, method: TelegramMethod[Any], message: str) -> None:
        self.refused.append(message)
        raise TelegramBadRequest(method=method, message=f"Bad Request: {message}")

    def _length(self, bot: Bot, obj: Any, source: str) -> int:
        mode = getattr(obj, "parse_mode", None)
        if isinstance(mode, Default):
            mode = bot.default[mode.name] if bot.default else None
        html = isinstance(mode, str) and mode.lower() == "html"
        try:
            return telegram_length(source, html)
        except EntityParseError as exc:
            raise TelegramBadRequest(method=obj, message=f"Bad Request: can't parse entities: "
                                                         f"{exc}") from exc

    def _check_limits(self, bot: Bot, method: TelegramMethod[Any]) -> None:
        """Refuse like Telegram: texts 4096, captions 1024, topic titles 128, callback data 64
        bytes (UTF-16 units of the text after HTML parsing)."""
        text = getattr(method, "text", None)
        if isinstance(method, SendMessage | EditMessageText) and isinstance(text, str):
            if self._length(bot, method, text) > 4096:
                self._refuse(method, "message is too long")
        captions = [(method, getattr(method, "caption", None))]
        if isinstance(method, SendMediaGroup):
            captions = [(item, item.caption) for item in method.media]
        for obj, caption in captions:
            if isinstance(caption, str) and self._length(bot, obj, caption) > 1024:
                self._refuse(method, "message caption is too long")
        if isinstance(method, CreateForumTopic | EditForumTopic):
            if method.name is not None and utf16_len(method.name) > 128:
                self._refuse(method, "TOPIC_NAME_INVALID")
        markup = getattr(method, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            for row in markup.inline_keyboard:
                for b in row:
                    if b.callback_data is not None and len(b.callback_data.encode()) > 64:
                        self._refuse(method, "BUTTON_DATA_INVALID")
        if isinstance(method, AnswerCallbackQuery) and method.text is not None:
            if utf16_len(method.text) > 200:
                self._refuse(method, "MESSAGE_TOO_LONG")

    def to(self, chat_id: int, thread_id: int | None = None) -> list[Sent]:
        return [m for m in self.messages if m.chat_id == chat_id
                and (thread_id is None or m.thread_id == thread_id)]

    def last(self, chat_id: int) -> Sent:
        got = self.to(chat_id)
        assert got, f"nothing was sent to {chat_id}"
        return got[-1]

    def alerts(self) -> list[str]:
        return [c.text or "" for c in self.calls if isinstance(c, AnswerCallbackQuery) and c.text]


@dataclass
class Person:
    """A Telegram user talking to the bot in their private chat (or in the desk)."""

    harness: Harness
    id: int
    name: str
    language: str = "en"
    chat_id: int | None = None
    thread_id: int | None = None

    @property
    def user(self) -> User:
        return User(id=self.id, is_bot=False, first_name=self.name, language_code=self.language)

    @property
    def chat(self) -> Chat:
        cid = self.chat_id or self.id
        return Chat(id=cid, type="private" if cid > 0 else "supergroup",
                    is_forum=cid < 0 or None)

    def _message(self, **fields: Any) -> Message:
        return Message(message_id=next(self.harness.ids), date=datetime.now(UTC),
                       chat=self.chat, from_user=self.user, message_thread_id=self.thread_id,
                       **fields)

    async def send(self, text: str) -> None:
        await self.harness.feed(Update(update_id=next(self.harness.ids),
                                       message=self._message(text=text)))

    async def photo(self, caption: str | None = None) -> None:
        n = next(self.harness.ids)
        await self.harness.feed(Update(update_id=n, message=self._message(
            photo=[PhotoSize(file_id=f"ph{n}", file_unique_id=f"u{n}", width=800, height=600)],
            caption=caption)))

    async def document(self, caption: str | None = None, name: str | None = "receipt.pdf",
                       mime: str | None = "application/pdf") -> None:
        n = next(self.harness.ids)
        await self.harness.feed(Update(update_id=n, message=self._message(
            document=Document(file_id=f"doc{n}", file_unique_id=f"d{n}", file_name=name,
                              mime_type=mime),
            caption=caption)))

    async def album(self, n: int, caption: str | None = None) -> list[str]:
        """Several photos sent at once (a Telegram album): parts sharing a media_group_id,
        arriving together and handled concurrently, as polling hands them to the dispatcher.
        Returns the photos' file ids."""
        group = f"mg{next(self.harness.ids)}"
        updates = []
        for i in range(n):
            k = next(self.harness.ids)
            updates.append(Update(update_id=k, message=self._message(
                photo=[PhotoSize(file_id=f"ph{k}", file_unique_id=f"u{k}", width=800,
                                 height=600)],
                caption=caption if i == 0 else None, media_group_id=group)))
        await asyncio.gather(*(self.harness.app.dispatcher.feed_update(self.harness.bot, u)
                               for u in updates))
        await self.harness.flush()
        return [u.message.photo[-1].file_id for u in updates if u.message and u.message.photo]

    async def contact(self, phone: str, user_id: int | None = None) -> None:
        await self.harness.feed(Update(update_id=next(self.harness.ids), message=self._message(
            contact=Contact(phone_number=phone, first_name=self.name,
                            user_id=self.id if user_id is None else user_id))))

    async def location(self, lat: float, lon: float) -> None:
        await self.harness.feed(Update(update_id=next(self.harness.ids), message=self._message(
            location=Location(latitude=lat, longitude=lon))))

    async def click_data(self, message: Sent, data: str) -> None:
        msg = Message(message_id=message.message_id, date=datetime.now(UTC),
                      chat=Chat(id=message.chat_id,
                                type="private" if message.chat_id > 0 else "supergroup"),
                      from_user=BOT_USER, text=message.text,
                      message_thread_id=message.thread_id)
        await self.harness.feed(Update(update_id=next(self.harness.ids), callback_query=(
            CallbackQuery(id=str(next(self.harness.ids)), from_user=self.user,
                          chat_instance="ci", message=msg, data=data))))

    async def press(self, message: Sent, code: str, index: int = 0) -> None:
        await self.click_data(message, message.action(code, index))

    async def click(self, message: Sent, text: str) -> None:
        await self.click_data(message, message.data(text))

    def last(self) -> Sent:
        """The last message the person can read and act on. In a private chat, bare files
        (the order's photos as albums: no buttons) are passed over: they come with a job or
        an act, which is what a test acts on next."""
        chat = self.chat_id or self.id
        got = [m for m in self.harness.session.to(chat)
               if chat < 0 or m.markup is not None or m.method not in MEDIA]
        assert got, f"nothing was sent to {chat}"
        return got[-1]


_ID_BLOCKS = itertools.count(1, 100_000)


@dataclass
class Harness:
    app: App
    bot: Bot
    session: RecordingSession
    # Update ids never repeat, across harnesses too, as Telegram's never do: a harness that
    # plays a restart on the same stores must not send ids the conversation has handled.
    ids: itertools.count = field(default_factory=lambda: itertools.count(next(_ID_BLOCKS)))

    async def feed(self, update: Update) -> None:
        await self.app.dispatcher.feed_update(self.bot, update)
        await self.flush()

    async def flush(self) -> None:
        """Deliver everything the outbox holds, as the sender would."""
        for _ in range(50):
            await self.app.sender.run_once()
            async with self.app.ctx.tx() as s:
                pending = await s.scalar(select(OutboxMessage.id).where(
                    OutboxMessage.status == "pending").limit(1))
            if pending is None:
                return
        raise AssertionError("the outbox did not drain")

    def person(self, uid: int, name: str, language: str = "en") -> Person:
        return Person(self, uid, name, language)

    def manager(self, uid: int, name: str = "Manager", thread_id: int | None = None,
                desk: int = DESK) -> Person:
        return Person(self, uid, name, "en", chat_id=desk, thread_id=thread_id)


@asynccontextmanager
async def harness(db_url: str, admins: tuple[int, ...] = (), limiter: Limiter | None = None,
                  **settings: Any) -> AsyncIterator[Harness]:
    session = RecordingSession(admins=admins)
    bot = Bot(TOKEN, session=session)
    from aiogram.client.default import DefaultBotProperties

    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    if not db_url.startswith("sqlite") and "code_secret" not in settings:
        # the generated secret would go to ./data of the working directory (the checkout)
        settings["code_secret"] = "flow-tests-code-secret"
    cfg = Settings(bot_token=TOKEN, desk_chat_id=DESK, database_url=db_url,
                   _env_file=None, **settings)  # type: ignore[call-arg]
    app = await build_app(cfg, bot, limiter=limiter or Limiter(
        per_second=1e9, private_interval=0, group_per_minute=10**9))
    try:
        yield Harness(app, bot, session)
    finally:
        await app.close()
