"""The fake Bot API's state and the helpers every part uses."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Self

from aiohttp import web

from bot.sandbox.telegram.limits import (
    DEFAULT_ALLOWED_UPDATES,
    SEND_METHODS,
    TOKEN_RE,
    ApiError,
)
from bot.sandbox.telegram.markup import inline_part
from bot.sandbox.telegram.model import (
    Call,
    Chat,
    FakeGroup,
    FakeUser,
    FileRecord,
    RateLimiter,
    RateLimits,
    StoredMessage,
    _CallbackQuery,
    _Failure,
)
from bot.sandbox.telegram.params import Params, _now


class Core:
    """The state; the parts (people, observe, methods_*) act on it."""

    def __init__(
        self,
        token: str = "123456789:AAFakeTokenForMasterdeskTests_0123456",
        *,
        bot_username: str = "masterdesk_bot",
        bot_name: str = "Masterdesk",
        rate_limits: RateLimits | None = None,
        strict_ampersand: bool = True,
        privacy_mode: bool = True,
        strict_token: bool = False,
        callback_answer_timeout: float = 15.0,
        port: int = 0,
    ) -> None:
        if not TOKEN_RE.match(token):
            raise ValueError(f"not a bot token: {token!r}")
        self.token = token
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.strict_ampersand = strict_ampersand
        self.privacy_mode = privacy_mode
        self.strict_token = strict_token
        self.callback_answer_timeout = callback_answer_timeout
        self.rate_limits = rate_limits or RateLimits()
        self._limiter = RateLimiter(self.rate_limits)
        self._port = port
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._init_state()
        self._handlers: dict[str, Callable[[Params, int], Any]] = self._build_handlers()
        self._canonical = {name.lower(): name for name in self._handlers}

    def _init_state(self) -> None:
        """The chats, messages, files, updates and call log, empty."""
        self._users: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._messages: dict[tuple[int, int], StoredMessage] = {}
        self._next_message_id: dict[int, int] = {}
        self._sent: list[StoredMessage] = []  # bot messages (not service ones), in send order
        self._cursors: dict[int, int] = {}  # chat -> index in _sent after the last returned
        self._files: dict[str, FileRecord] = {}
        self._paths: dict[str, FileRecord] = {}
        self._file_counter = itertools.count(1)

        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(700_000_001)
        self._allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._waiters: list[asyncio.Future[None]] = []
        self._poll_generation = 0
        self.undelivered: list[tuple[dict[str, Any], str]] = []  # (update, why not delivered)

        self._calls: list[Call] = []
        #: Called after every successful API call with (method, parameters, result), e.g. by a
        #: benchmark timing answers; empty by default.
        self.observers: list[Callable[[str, dict[str, Any], Any], None]] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._storm_until = 0.0
        self._storm_retry_after: int | None = None
        self._storm_methods: frozenset[str] = SEND_METHODS
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._callbacks: dict[str, _CallbackQuery] = {}
        self._callback_answers: list[tuple[str, str | None, bool]] = []
        self._media_groups = itertools.count(13_000_000_000_000_001)

        self.webhook_url: str | None = None
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.bot_texts: dict[str, str] = {}  # setMyDescription & co, by method
        self.pinned: dict[int, list[int]] = {}
        self.chat_actions: list[tuple[int, str, int | None]] = []

    async def stop(self) -> None:
        self._closing = True
        self._wake_pollers()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def start(self) -> Self:
        raise NotImplementedError  # the server knows its routes

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":", 1)[0])

    def _build_handlers(self) -> dict[str, Callable[[Params, int], Any]]:
        raise NotImplementedError  # the server names its methods

    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        self._wake_pollers()
        return update

    def _wake_pollers(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def _sleep_until_woken(self, timeout: float) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            pass
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        kept = []
        for update in self._updates:
            kind = next(k for k in update if k != "update_id")
            if kind in self._allowed_updates:
                kept.append(update)
            else:
                self.undelivered.append((update, f"{kind} not in allowed_updates"))
        self._updates = kept
        return kept[:limit]

    def _user(self, user_id: int) -> FakeUser:
        try:
            return self._users[user_id]
        except KeyError:
            raise ValueError(f"unknown user {user_id}; add_user it first") from None

    def _forum(self, chat_id: int) -> FakeGroup:
        group = self._groups.get(chat_id)
        if group is None:
            raise ValueError(f"unknown chat {chat_id}; add_forum it first")
        return group

    def _chat_obj(self, chat_id: int) -> Chat | None:
        return self._users.get(chat_id) or self._groups.get(chat_id)

    def _new_message(self, chat_id: int, *, sender_id: int, from_bot: bool, method: str,
                     kind: str = "text", thread_id: int | None = None,
                     reply_to: int | None = None) -> StoredMessage:
        if chat_id not in self._next_message_id:
            # each chat numbers its messages apart from the others, so ids from the wrong chat
            # do not accidentally point at a real message
            self._next_message_id[chat_id] = 10 + 1000 * len(self._next_message_id)
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] += 1
        msg = StoredMessage(chat_id, message_id, _now(), sender_id, from_bot, method, kind,
                            thread_id, reply_to)
        self._messages[(chat_id, message_id)] = msg
        if from_bot and kind != "service":
            self._sent.append(msg)
        return msg

    def _bot_user_api(self, bot_id: int) -> dict[str, Any]:
        return {"id": bot_id, "is_bot": True, "first_name": self.bot_name,
                "username": self.bot_username}

    def _message_api(self, msg: StoredMessage, nested: bool = False) -> dict[str, Any]:
        """The Message object Telegram would return / deliver for a stored message."""
        chat = self._chat_obj(msg.chat_id)
        assert chat is not None
        out: dict[str, Any] = {"message_id": msg.message_id}
        if msg.thread_id is not None:
            out["message_thread_id"] = msg.thread_id
        sender = self._users.get(msg.sender_id)
        out["from"] = (self._bot_user_api(msg.sender_id) if msg.from_bot or sender is None
                       else sender.api())
        out["chat"] = chat.chat_api()
        out["date"] = msg.date
        if msg.forward_origin:
            out["forward_origin"] = msg.forward_origin
        if msg.thread_id is not None and isinstance(chat, FakeGroup) and chat.is_forum:
            out["is_topic_message"] = True
        if not nested:
            # in a forum topic a message that replies to nothing else replies to the topic's
            # creation message
            replied_id = msg.reply_to or (msg.thread_id if msg.thread_id != msg.message_id
                                          else None)
            replied = self._messages.get((msg.chat_id, replied_id)) if replied_id else None
            if replied is not None and not replied.deleted:
                out["reply_to_message"] = self._message_api(replied, nested=True)
        if msg.edit_date:
            out["edit_date"] = msg.edit_date
        if msg.media_group_id:
            out["media_group_id"] = msg.media_group_id
        if msg.text is not None:
            out["text"] = msg.text
            if msg.entities:
                out["entities"] = msg.entities
        out.update(msg.content)
        if msg.caption:
            out["caption"] = msg.caption
            if msg.caption_entities:
                out["caption_entities"] = msg.caption_entities
        markup = inline_part(msg.reply_markup)
        if markup:
            out["reply_markup"] = markup
        return out

    def _snapshot(self, msg: StoredMessage) -> dict[str, Any]:
        return {
            "chat_id": msg.chat_id, "message_id": msg.message_id, "thread_id": msg.thread_id,
            "method": msg.method, "kind": msg.kind, "from_bot": msg.from_bot,
            "sender_id": msg.sender_id, "text": msg.text, "caption": msg.caption,
            "body": msg.body, "html": msg.source, "parse_mode": msg.parse_mode,
            "entities": list(msg.entities or msg.caption_entities),
            "reply_markup": msg.reply_markup, "reply_to": msg.reply_to,
            "file_id": msg.file_id, "media_group_id": msg.media_group_id,
            "content": dict(msg.content), "date": msg.date, "deleted": msg.deleted,
            "edited": bool(msg.history), "history": list(msg.history),
            "message": self._message_api(msg),
        }

    @staticmethod
    def _matches(msg: StoredMessage, chat_id: int | None, thread_id: int | None) -> bool:
        return ((chat_id is None or msg.chat_id == chat_id)
                and (thread_id is None or msg.thread_id == thread_id))

    @staticmethod
    def _message_key(message: dict[str, Any]) -> tuple[int, int]:
        if "chat_id" in message:
            return message["chat_id"], message["message_id"]
        return message["chat"]["id"], message["message_id"]

    def _current_markup(self, message: dict[str, Any]) -> dict[str, Any] | None:
        key = self._message_key(message)
        msg = self._messages.get(key)
        return msg.reply_markup if msg is not None else message.get("reply_markup")

    def _record(self, method: str, params: dict[str, Any], error: ApiError | None) -> None:
        self._calls.append(Call(method, params, error.code if error else None,
                                error.description if error else None, time.monotonic()))
