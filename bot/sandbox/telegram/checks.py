"""Checks shared by the Bot API methods, and files."""

from __future__ import annotations

import re
import secrets
from typing import Any

from bot.sandbox.telegram.core import Core
from bot.sandbox.telegram.html import EntityParseError, parse_html
from bot.sandbox.telegram.limits import (
    CAPTION_LIMIT,
    MAX_UPLOAD,
    SEND_METHODS,
    TEXT_LIMIT,
    ApiError,
    bad_request,
    forbidden,
    too_many_requests,
)
from bot.sandbox.telegram.markup import check_markup_on_server
from bot.sandbox.telegram.model import (
    Chat,
    FakeGroup,
    FakeUser,
    FileRecord,
    StoredMessage,
    _Upload,
)
from bot.sandbox.telegram.params import Params, _looks_like_image, _tiny_png
from bot.sandbox.telegram.text import _trim, utf16_len


class Checks(Core):
    def _resolve_chat(self, raw: Any) -> Chat:
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for group in self._groups.values():
                if group.username and group.username.lower() == raw[1:].lower():
                    return group
            raise bad_request("chat not found")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        user = self._users.get(chat_id)
        if user is not None:
            if not user.started:
                raise bad_request("chat not found")
            return user
        found = self._groups.get(chat_id)
        if found is None:
            raise bad_request("chat not found")
        return found

    @staticmethod
    def _check_reachable(chat: Chat) -> None:
        if isinstance(chat, FakeUser) and chat.blocked:
            raise forbidden("bot was blocked by the user")
        if isinstance(chat, FakeGroup) and not chat.bot_is_member:
            raise forbidden("bot was kicked from the supergroup chat")

    @staticmethod
    def _check_thread(chat: Chat, thread_id: int | None) -> int | None:
        if thread_id is None:
            return None
        topic = chat.topics.get(thread_id) if isinstance(chat, FakeGroup) else None
        if topic is None or topic.deleted:
            raise bad_request("message thread not found")
        if topic.closed and isinstance(chat, FakeGroup) and not chat.bot_manages_topics:
            raise bad_request("TOPIC_CLOSED")
        return thread_id

    def _check_reply(self, chat: Chat, p: Params, thread_id: int | None
                     ) -> tuple[int | None, int | None]:
        """Validate reply_parameters / reply_to_message_id; returns (reply_to, thread_id)."""
        reply = p.json("reply_parameters")
        if not isinstance(reply, dict):
            reply = {}
        reply_id = reply.get("message_id")
        allow_missing = bool(reply.get("allow_sending_without_reply"))
        if reply_id is None:
            reply_id = p.integer("reply_to_message_id")
            allow_missing = p.flag("allow_sending_without_reply")
        if reply_id is None:
            return None, thread_id
        replied = self._messages.get((chat.id, int(reply_id)))
        if replied is None or replied.deleted:
            if allow_missing:
                return None, thread_id
            raise bad_request("message to be replied not found")
        if thread_id is None:
            thread_id = replied.thread_id
        return replied.message_id, thread_id

    def _format(self, text: str, parse_mode: str | None,
                entities: Any = None) -> tuple[str, list[dict[str, Any]]]:
        """Visible text and entities of ``text`` under ``parse_mode`` (or the explicit
        ``entities``, which Telegram uses when there is no parse mode), trimmed like Telegram."""
        if parse_mode is None and isinstance(entities, list):
            given = [e for e in entities if isinstance(e, dict) and {"type", "offset", "length"}
                     <= e.keys()]
            return _trim(text, given)
        if parse_mode == "html":
            try:
                plain, entities = parse_html(text, self.strict_ampersand)
            except EntityParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
            return _trim(plain, entities)
        # Markdown modes are not parsed by the fake: the text is kept as sent
        return _trim(text, [])

    @staticmethod
    def _parse_mode(p: Params, name: str = "parse_mode") -> str | None:
        mode = p.text(name)
        if mode is None:
            return None
        if mode.lower() not in ("html", "markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        return mode.lower()

    def _message_text(self, p: Params) -> tuple[str, str, list[dict[str, Any]], str | None]:
        """(source, visible text, entities, parse mode) of a text message, checked."""
        source = p.text("text")
        if source is None:
            raise bad_request("message text is empty")
        mode = self._parse_mode(p)
        plain, entities = self._format(source, mode, p.json("entities"))
        if not plain:
            raise bad_request("message must be non-empty")
        if utf16_len(plain) > TEXT_LIMIT:
            raise bad_request("message is too long")
        return source, plain, entities, mode

    def _caption(self, source: str | None, mode: str | None, entities: Any = None
                 ) -> tuple[str | None, list[dict[str, Any]]]:
        if source is None or source == "":
            return None, []
        plain, entities = self._format(source, mode, entities)
        if utf16_len(plain) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
        return plain or None, entities

    def _deliver_checks(self, chat: Chat, markup: dict[str, Any] | None, method: str) -> None:
        """What Telegram's servers check last: reachability, buttons, flood limits."""
        self._check_reachable(chat)
        check_markup_on_server(markup)
        if method in SEND_METHODS:
            retry_after = self._limiter.acquire(chat.id, isinstance(chat, FakeUser))
            if retry_after is not None:
                raise too_many_requests(retry_after)

    def _new_bot_message(self, chat: Chat, bot_id: int, method: str, kind: str,
                         thread_id: int | None, reply_to: int | None) -> StoredMessage:
        return self._new_message(chat.id, sender_id=bot_id, from_bot=True, method=method,
                                 kind=kind, thread_id=thread_id, reply_to=reply_to)

    def _target(self, p: Params, bot_id: int, not_found: str) -> tuple[Chat, StoredMessage]:
        if p.get("inline_message_id") is not None:
            raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not modelled
        chat = self._resolve_chat(p.get("chat_id"))
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        msg = self._messages.get((chat.id, message_id))
        if msg is None or msg.deleted:
            raise bad_request(not_found)
        return chat, msg

    def _register_file(self, kind: str, data: bytes, file_name: str | None = None,
                       mime_type: str | None = None, *, width: int = 0, height: int = 0,
                       group: str = "") -> FileRecord:
        n = next(self._file_counter)
        prefix = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI",
                  "video": "BAACAgIAAxkBAAI", "audio": "CQACAgIAAxkBAAI"}.get(kind, "BQACAgIAA")
        ext = {"photo": "jpg", "video": "mp4", "audio": "mp3"}.get(kind)
        if ext is None:
            ext = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else "bin"
        folder = {"photo": "photos", "video": "videos", "audio": "music"}.get(kind, "documents")
        record = FileRecord(
            file_id=f"{prefix}{n:05d}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AQAD{n:05d}{secrets.token_urlsafe(6)}",
            kind=kind, data=data, file_path=f"{folder}/file_{n}.{ext}", file_name=file_name,
            mime_type=mime_type, width=width, height=height, group=group)
        self._files[record.file_id] = record
        self._paths[record.file_path] = record
        return record

    def _register_photo(self, data: bytes) -> list[dict[str, Any]]:
        group = secrets.token_hex(8)
        return [self._register_file("photo", data, mime_type="image/jpeg", width=side,
                                    height=side, group=group).photo_size_api()
                for side in (90, 320, 800)]

    def _photo_sizes_of(self, record: FileRecord) -> list[dict[str, Any]]:
        sizes = [f for f in self._files.values() if f.kind == "photo" and f.group == record.group]
        return [f.photo_size_api() for f in sorted(sizes, key=lambda f: f.width)]

    def _input_file(self, p: Params, value: Any, kind: str) -> tuple[FileRecord | None,
                                                                      _Upload | None]:
        """Resolve an InputFile parameter: (known file, None) or (None, new upload)."""
        if isinstance(value, _Upload):
            upload = value
        elif isinstance(value, str) and value.startswith("attach://"):
            attached = p.upload(value[len("attach://"):])
            if attached is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            upload = attached
        elif isinstance(value, str) and re.match(r"^https?://", value):
            data = _tiny_png() if kind == "photo" else b"downloaded by Telegram\n"
            upload = _Upload(value.rsplit("/", 1)[-1] or "file", None, data)
        elif isinstance(value, str) and value:
            record = self._files.get(value)
            if record is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            if (record.kind == "photo") != (kind == "photo"):
                raise bad_request(f"can't use file of type {record.kind.capitalize()} as "
                                  f"{kind.capitalize()}")
            return record, None
        else:
            raise bad_request(f"there is no {kind} in the request")
        if not upload.data:
            raise bad_request("file must be non-empty")
        if len(upload.data) > MAX_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        if kind == "photo" and not _looks_like_image(upload.data):
            raise bad_request("IMAGE_PROCESS_FAILED")
        return None, upload

    def _attach_media(self, msg: StoredMessage, kind: str, record: FileRecord | None,
                      upload: _Upload | None) -> None:
        msg.kind = kind
        if kind == "photo":
            sizes = (self._photo_sizes_of(record) if record is not None
                     else self._register_photo(upload.data if upload else b""))
            msg.content = {"photo": sizes}
            msg.file_id = sizes[-1]["file_id"]
            return
        if record is None:
            assert upload is not None
            record = self._register_file(kind, upload.data, upload.filename,
                                         upload.content_type or "application/octet-stream")
        msg.content = {kind: record.media_api()}
        msg.file_id = record.file_id
