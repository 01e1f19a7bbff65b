"""What a test (or the sandbox page) makes people do: set up users and groups, write, click;
and the faults it injects."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from bot.sandbox.telegram.checks import Checks
from bot.sandbox.telegram.limits import (
    _DEFAULT_DESCRIPTIONS,
    COMMAND_RE,
    SEND_METHODS,
    TOPIC_ICON_COLORS,
    ApiError,
    too_many_requests,
)
from bot.sandbox.telegram.markup import inline_part
from bot.sandbox.telegram.model import (
    FakeGroup,
    FakeUser,
    RateLimits,
    StoredMessage,
    Topic,
    _CallbackQuery,
    _Failure,
)
from bot.sandbox.telegram.params import _SENDER, _now, _tiny_png
from bot.sandbox.telegram.text import utf16_len


class People(Checks):
    def add_user(self, user_id: int, first_name: str, language_code: str | None = "en",
                 username: str | None = None, *, last_name: str | None = None,
                 started: bool = False) -> dict[str, Any]:
        """A Telegram user. Their private chat becomes reachable once they write to the bot
        (or with ``started=True``). Returns the User object."""
        user = FakeUser(user_id, first_name, language_code, username, last_name, started)
        self._users[user_id] = user
        return user.api()

    def add_forum(self, chat_id: int, title: str, bot_is_admin: bool = True,
                  can_manage_topics: bool = True, is_forum: bool = True,
                  admins: Iterable[int] = (), *, owner: int | None = None,
                  members: Iterable[int] | None = None,
                  username: str | None = None) -> dict[str, Any]:
        """A supergroup (a forum unless ``is_forum=False``) with the bot in it; returns
        the Chat."""
        group = FakeGroup(chat_id, title, is_forum, bot_is_admin, can_manage_topics,
                          set(admins), owner, None if members is None else set(members),
                          username)
        self._groups[chat_id] = group
        return group.chat_api()

    def add_topic(self, chat_id: int, name: str, icon_color: int = TOPIC_ICON_COLORS[0], *,
                  created_by: int | None = None) -> int:
        """A topic made by a person (``created_by``; the bot if None). Returns its thread id."""
        group = self._forum(chat_id)
        sender = created_by if created_by is not None else self.bot_id
        msg = self._new_message(group.id, sender_id=sender, from_bot=created_by is None,
                                method="service", kind="service")
        msg.thread_id = msg.message_id
        msg.content = {"forum_topic_created": {"name": name, "icon_color": icon_color}}
        group.topics[msg.message_id] = Topic(msg.message_id, name, icon_color,
                                             created_by_bot=created_by is None)
        return msg.message_id

    def set_rate_limits(self, **changes: Any) -> RateLimits:
        """Change flood limits, e.g. ``set_rate_limits(enabled=False)``; resets the counters."""
        for key, value in changes.items():
            if not hasattr(self.rate_limits, key):
                raise TypeError(f"unknown rate limit setting: {key}")
            setattr(self.rate_limits, key, value)
        self._limiter.reset()
        return self.rate_limits

    def fail_next(self, method: str, n: int = 1, error_code: int = 429, retry_after: int = 3,
                  description: str | None = None) -> None:
        """The next ``n`` calls of ``method`` are refused with this error."""
        if n <= 0:
            return
        name = self._canonical.get(method.lower(), method)
        if error_code == 429:
            error = too_many_requests(retry_after)
            if description:
                error.description = description
        else:
            error = ApiError(error_code, description or _DEFAULT_DESCRIPTIONS.get(
                error_code, f"Error {error_code}"))
        self._failures.setdefault(name, deque()).append(_Failure(n, error))

    def storm_429(self, seconds: float, retry_after: int | None = None,
                  methods: Iterable[str] | None = None) -> None:
        """For ``seconds``, every send-type call (or ``methods``) gets 429. ``retry_after``
        defaults to the seconds left of the storm."""
        self._storm_until = time.monotonic() + seconds
        self._storm_retry_after = retry_after
        self._storm_methods = (SEND_METHODS if methods is None else
                               frozenset(self._canonical.get(m.lower(), m) for m in methods))

    def block_user(self, user_id: int, notify: bool = True) -> None:
        """The user blocks the bot: sends to them get 403. With ``notify`` a my_chat_member
        update is pushed, as Telegram does."""
        user = self._user(user_id)
        user.started, user.blocked = True, True
        if notify:
            self._push_member_change(user, "member", "kicked")

    def unblock_user(self, user_id: int) -> None:
        user = self._user(user_id)
        if user.blocked:
            user.blocked = False
            self._push_member_change(user, "kicked", "member")

    def remove_bot(self, chat_id: int) -> None:
        """The bot is removed from a group: sends there get 403."""
        self._groups[chat_id].bot_is_member = False

    def user_sends_text(self, user_id: int, text: str, chat_id: int | None = None,
                        thread_id: int | None = None, *,
                        reply_to_message_id: int | None = None) -> dict[str, Any]:
        """The user sends ``text`` (to the bot, or into group ``chat_id`` / topic
        ``thread_id``). A leading /command gets its bot_command entity. Returns the Update."""
        msg = self._user_message(user_id, chat_id, thread_id, reply_to_message_id)
        msg.text = text
        match = COMMAND_RE.match(text)
        if match:
            msg.entities = [{"type": "bot_command", "offset": 0,
                             "length": utf16_len(match.group(0))}]
        return self._deliver_user_message(msg)

    def user_sends_command(self, user_id: int, command: str, chat_id: int | None = None,
                           thread_id: int | None = None, *,
                           reply_to_message_id: int | None = None) -> dict[str, Any]:
        """Like ``user_sends_text`` for ``/command args`` (the slash is added if missing)."""
        text = command if command.startswith("/") else f"/{command}"
        if not COMMAND_RE.match(text):
            raise ValueError(f"not a bot command: {command!r}")
        return self.user_sends_text(user_id, text, chat_id, thread_id,
                                    reply_to_message_id=reply_to_message_id)

    def user_sends_photo(self, user_id: int, caption: str | None = None,
                         chat_id: int | None = None, thread_id: int | None = None,
                         media_group_id: str | None = None, *,
                         reply_to_message_id: int | None = None,
                         data: bytes | None = None) -> dict[str, Any]:
        """The user sends a photo (three sizes, fresh file ids, downloadable PNG bytes)."""
        msg = self._user_message(user_id, chat_id, thread_id, reply_to_message_id)
        sizes = self._register_photo(data or _tiny_png(next(self._file_counter)))
        msg.kind, msg.content = "photo", {"photo": sizes}
        msg.file_id = sizes[-1]["file_id"]
        msg.caption, msg.media_group_id = caption, media_group_id
        return self._deliver_user_message(msg)

    def user_sends_document(self, user_id: int, file_name: str = "document.pdf",
                            caption: str | None = None, chat_id: int | None = None,
                            thread_id: int | None = None, *,
                            mime_type: str = "application/pdf", data: bytes | None = None,
                            media_group_id: str | None = None,
                            reply_to_message_id: int | None = None) -> dict[str, Any]:
        msg = self._user_message(user_id, chat_id, thread_id, reply_to_message_id)
        record = self._register_file("document", data or b"%PDF-1.4\n% fake document\n",
                                     file_name, mime_type)
        msg.kind, msg.content = "document", {"document": record.media_api()}
        msg.file_id, msg.caption, msg.media_group_id = record.file_id, caption, media_group_id
        return self._deliver_user_message(msg)

    def user_sends_contact(self, user_id: int, phone: str, contact_user_id: Any = _SENDER,
                           chat_id: int | None = None, *, first_name: str | None = None,
                           reply_to_message_id: int | None = None) -> dict[str, Any]:
        """The user shares a contact: by default their own (``contact_user_id`` = sender, as
        a request_contact button does); pass None for a contact without a Telegram account."""
        user = self._user(user_id)
        msg = self._user_message(user_id, chat_id, None, reply_to_message_id)
        contact: dict[str, Any] = {"phone_number": phone,
                                   "first_name": first_name or user.first_name}
        contact_id = user_id if contact_user_id is _SENDER else contact_user_id
        if contact_id is not None:
            contact["user_id"] = contact_id
        msg.kind, msg.content = "contact", {"contact": contact}
        return self._deliver_user_message(msg)

    def user_sends_location(self, user_id: int, lat: float, lon: float,
                            chat_id: int | None = None, thread_id: int | None = None, *,
                            reply_to_message_id: int | None = None) -> dict[str, Any]:
        msg = self._user_message(user_id, chat_id, thread_id, reply_to_message_id)
        msg.kind, msg.content = "location", {"location": {"latitude": lat, "longitude": lon}}
        return self._deliver_user_message(msg)

    def user_clicks(self, user_id: int, message: dict[str, Any], button_text: str
                    ) -> dict[str, Any]:
        """The user presses the inline button labelled ``button_text`` on a bot message (a
        dict from ``sent``/``last``/``wait_for_message`` or a Message object), as it is now.
        Returns the callback_query Update."""
        chat_id, message_id = self._message_key(message)
        msg = self._messages.get((chat_id, message_id))
        if msg is None or msg.deleted:
            raise AssertionError(f"message {message_id} in chat {chat_id} is gone; "
                                 "nothing to click")
        rows = (inline_part(msg.reply_markup) or {}).get("inline_keyboard", [])
        buttons = [b for row in rows for b in row]
        matching = [b for b in buttons if b.get("text") == button_text]
        if not matching:
            raise AssertionError(f"no inline button {button_text!r} on message {message_id}; "
                                 f"buttons: {[b.get('text') for b in buttons]}")
        data = matching[0].get("callback_data")
        if data is None:
            raise AssertionError(f"button {button_text!r} is not a callback button: "
                                 f"{matching[0]}")
        return self._push_callback(user_id, msg, data)

    def user_clicks_data(self, user_id: int, chat_id: int, message_id: int, data: str
                         ) -> dict[str, Any]:
        """A callback query with arbitrary (possibly forged) ``data`` for a message."""
        msg = self._messages.get((chat_id, message_id))
        return self._push_callback(user_id, msg, data, chat_id=chat_id, message_id=message_id)

    def _push_member_change(self, user: FakeUser, old: str, new: str) -> None:
        bot = self._bot_user_api(self.bot_id)
        self._push("my_chat_member", {
            "chat": user.chat_api(), "from": user.api(), "date": _now(),
            "old_chat_member": {"status": old, "user": bot},
            "new_chat_member": ({"status": "kicked", "user": bot, "until_date": 0}
                                if new == "kicked" else {"status": new, "user": bot}),
        })

    def _user_message(self, user_id: int, chat_id: int | None, thread_id: int | None,
                      reply_to: int | None) -> StoredMessage:
        user = self._user(user_id)
        if chat_id is None or chat_id == user_id:
            if thread_id is not None:
                raise ValueError("private chats have no topics")
            chat_id = user_id
            if user.blocked:  # writing to the bot again means the user unblocked it
                self.unblock_user(user_id)
            user.started = True
        else:
            group = self._groups.get(chat_id)
            if group is None:
                raise ValueError(f"unknown chat {chat_id}; add_forum it first")
            if thread_id is not None:
                topic = group.topics.get(thread_id)
                if topic is None or topic.deleted:
                    raise ValueError(f"no topic {thread_id} in chat {chat_id}")
        if reply_to is not None and (chat_id, reply_to) not in self._messages:
            raise ValueError(f"no message {reply_to} in chat {chat_id} to reply to")
        msg = self._new_message(chat_id, sender_id=user_id, from_bot=False, method="user",
                                thread_id=thread_id, reply_to=reply_to)
        if thread_id is None and reply_to is not None:
            msg.thread_id = self._messages[(chat_id, reply_to)].thread_id
        return msg

    def _deliver_user_message(self, msg: StoredMessage) -> dict[str, Any]:
        payload = self._message_api(msg)
        group = self._groups.get(msg.chat_id)
        reason = self._privacy_reason(group, msg) if group else None
        if reason is None:
            return self._push("message", payload)
        update = {"update_id": None, "message": payload}
        self.undelivered.append((update, reason))
        return update

    def _privacy_reason(self, group: FakeGroup, msg: StoredMessage) -> str | None:
        """Why the bot would not receive this group message, or None if it would."""
        if not group.bot_is_member:
            return "the bot is not in the chat"
        if not self.privacy_mode or group.bot_is_admin:
            return None
        if msg.text and COMMAND_RE.match(msg.text):
            return None
        replied = self._messages.get((msg.chat_id, msg.reply_to)) if msg.reply_to else None
        if replied is not None and replied.from_bot:
            return None
        if f"@{self.bot_username}".lower() in msg.body.lower():
            return None
        return "privacy mode: the bot is not an admin and the message is not for it"

    def _push_callback(self, user_id: int, msg: StoredMessage | None, data: str, *,
                       chat_id: int | None = None, message_id: int | None = None
                       ) -> dict[str, Any]:
        user = self._user(user_id)
        query_id = str(next(self._callback_ids))
        self._callbacks[query_id] = _CallbackQuery(time.monotonic())
        if msg is not None and not msg.deleted:
            message = self._message_api(msg)
            chat_id = msg.chat_id
        else:  # an InaccessibleMessage
            chat = self._chat_obj(chat_id) if chat_id is not None else None
            message = {"chat": chat.chat_api() if chat else {"id": chat_id, "type": "private"},
                       "message_id": message_id, "date": 0}
        return self._push("callback_query", {
            "id": query_id, "from": user.api(), "message": message,
            "chat_instance": str(10**12 + abs(chat_id or 0)), "data": data,
        })
