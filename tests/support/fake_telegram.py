"""An honest fake of the Telegram Bot API, for end-to-end tests.

The real bot process (aiogram, ``TelegramAPIServer.from_base(fake.base_url)``) talks HTTP to this
server exactly as it would talk to api.telegram.org: ``{base}/bot{token}/{method}`` for methods and
``{base}/file/bot{token}/{path}`` for downloads. Parameters may come as multipart/form-data,
urlencoded or JSON bodies (nested objects as JSON strings), or in the query string.

Answers follow Telegram's: ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N,
"description": "..."}`` with the same HTTP status (plus ``parameters.retry_after`` on 429), with
Telegram's own wording for the errors a bot meets: text and caption limits (UTF-16 code units,
after entity parsing), HTML entity parsing (a port of TDLib's parser, with its error messages and
byte offsets), inline keyboard checks, "message is not modified", unknown chats and threads,
blocked users, privacy mode in groups, flood limits and 409 conflicts between pollers.

Where the fake is knowingly stricter than Telegram it says so in the error text: by default
(``strict_ampersand=True``) a bare ``&`` in HTML is refused, while Telegram keeps it as text.

Typical use::

    async with FakeTelegram() as fake:
        fake.add_user(42, "Ann")
        fake.add_forum(-1001, "Desk", admins=[7])
        ...start `python -m bot` with the API base set to fake.base_url and token fake.token...
        fake.user_sends_command(42, "/start")
        hello = await fake.wait_for_message(42, contains="Welcome")
        fake.user_clicks(42, hello, "Order")
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import math
import re
import secrets
import socket
import struct
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

import aiohttp
from aiohttp import web
from aiohttp.web_request import FileField
from yarl import URL

# --- limits and method groups -----------------------------------------------------------------

TEXT_LIMIT: Final = 4096
CAPTION_LIMIT: Final = 1024
CALLBACK_DATA_LIMIT: Final = 64
CALLBACK_ANSWER_LIMIT: Final = 200
MAX_UPLOAD: Final = 50 * 1024 * 1024
MAX_DOWNLOAD: Final = 20 * 1024 * 1024
MAX_INLINE_BUTTONS: Final = 100
MAX_ALBUM: Final = 10

#: Methods that post a new message; flood limits and ``storm_429`` apply to these.
SEND_METHODS: Final = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendLocation", "sendContact",
    "copyMessage", "forwardMessage",
})
EDIT_METHODS: Final = frozenset({
    "editMessageText", "editMessageReplyMarkup", "editMessageCaption",
})

#: What getUpdates delivers when allowed_updates was never given (or given as []).
DEFAULT_ALLOWED_UPDATES: Final = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages", "inline_query",
    "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
    "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_join_request",
    "chat_boost", "removed_chat_boost",
})

TOPIC_ICON_COLORS: Final = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
CHAT_ACTIONS: Final = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})

NOT_MODIFIED: Final = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CONFLICT_POLL: Final = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)
CONFLICT_WEBHOOK: Final = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
QUERY_TOO_OLD: Final = "query is too old and response timeout expired or query ID is invalid"

TOKEN_RE: Final = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
COMMAND_RE: Final = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?(?=\s|$)")
BOT_COMMAND_RE: Final = re.compile(r"^[a-z0-9_]{1,32}$")

# JSON-valued parameters that are decoded for the call log.
_JSON_PARAMS: Final = frozenset({
    "reply_markup", "media", "reply_parameters", "commands", "scope", "allowed_updates",
    "menu_button", "entities", "caption_entities", "link_preview_options",
})


# --- errors -----------------------------------------------------------------------------------

class ApiError(Exception):
    """A refusal, answered as Telegram answers it."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error_code": self.code,
                               "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


# Bot API: setMyDescription 0-512 characters, setMyShortDescription 0-120, setMyName 0-64.
BOT_TEXT_LIMITS = {"description": 512, "short_description": 120, "name": 64}


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    retry_after = max(1, int(retry_after))
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


_DEFAULT_DESCRIPTIONS: Final = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: CONFLICT_POLL,
    500: "Internal Server Error",
    502: "Bad Gateway",
}


# --- text: UTF-16 lengths and Telegram's HTML ---------------------------------------------------

def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class EntityParseError(Exception):
    """The text of a "can't parse entities" refusal (without the prefix)."""


_HTML_TAGS: Final = frozenset({
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji",
    "span", "pre", "code", "blockquote",
})
_SIMPLE_ENTITY: Final = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_NAMED_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE: Final = frozenset(" \t\r\n\0\v")


def _is_space(ch: str) -> bool:
    return ch in _SPACE


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _decode_html_entity(text: str, pos: int, strict: bool) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``pos`` like TDLib; returns (character, next position) or None."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        base, digits = 10, "0123456789"
        if end < n and text[end] == "x":
            end += 1
            base, digits = 16, "0123456789abcdefABCDEF"
        code = 0
        while end < n and text[end] in digits:
            code = code * base + int(text[end], base)
            end += 1
            if code >= 0x10FFFF:
                return None
        if code == 0 or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1:end])
        if named is None:
            return None
        char = named
    if end < n and text[end] == ";":
        return char, end + 1
    return None if strict else (char, end)


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the result
    result_pos: int  # index in the result string


def parse_html(text: str, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (visible text, entities), raising EntityParseError like TDLib.

    A port of TDLib's ``parse_html``: the same tags, attribute rules, error texts and byte offsets.
    With ``strict_ampersand`` a ``&`` that does not start ``&lt; &gt; &amp; &quot; &#N; &#xH;`` is
    refused; Telegram itself keeps such an ``&`` as text.
    """
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else "\0"

    def byte_offset(k: int) -> int:
        return len(text[:k].encode("utf-8", "surrogatepass"))

    result: list[str] = []
    result_len = 0
    utf16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_html_entity(text, i, strict_ampersand)
            if decoded is not None:
                char, i = decoded
                result.append(char)
                result_len += 1
                utf16 += utf16_len(char)
                continue
            if strict_ampersand:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {byte_offset(i)}: write it as &amp; '
                    "(FakeTelegram is stricter than Telegram here, see strict_ampersand)"
                )
        if c != "<":
            result.append(c)
            result_len += 1
            utf16 += utf16_len(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != "/":
            tag, i = _parse_start_tag(text, begin, i, at, byte_offset)
            tag.offset, tag.result_pos = utf16, result_len
            stack.append(tag)
        else:
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            while not _is_space(at(i)) and at(i) != ">":
                i += 1
            end_name = text[begin + 2:i]
            while _is_space(at(i)) and at(i) != "\0":
                i += 1
            if at(i) != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            tag = stack[-1]
            if end_name and end_name != tag.name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, expected "
                    f'"</{tag.name}>", found "</{end_name}>"'
                )
            if utf16 > tag.offset:
                inner = "".join(result[tag.result_pos:])
                _close_entity(entities, tag, utf16 - tag.offset, inner)
            stack.pop()
        i += 1  # past '>'
    if stack:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"'
        )
    for entity in entities:
        entity.pop("_language", None)  # a language only survives on a pre entity
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(result), entities


def _parse_start_tag(
    text: str, begin: int, i: int, at: Callable[[int], str], byte_offset: Callable[[int], int],
) -> tuple[_OpenTag, int]:
    """Parse ``<name attr=...>`` from ``i`` (just after '<'); returns the tag and the '>' index."""
    while not _is_space(at(i)) and at(i) != ">":
        i += 1
    if at(i) == "\0":
        raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
    name = text[begin + 1:i].lower()
    if name not in _HTML_TAGS:
        raise EntityParseError(
            f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}'
        )
    argument = ""
    while at(i) != ">":
        while at(i) != "\0" and _is_space(at(i)):
            i += 1
        if at(i) == ">":
            break
        attr_begin = i
        while not _is_space(at(i)) and at(i) not in ("=", ">"):
            i += 1
        attr = text[attr_begin:i]
        if not attr:
            raise EntityParseError(
                f'Empty attribute name in the tag "{name}" at byte offset {byte_offset(begin)}'
            )
        while at(i) != "\0" and _is_space(at(i)):
            i += 1
        if at(i) != "=":
            if name == "blockquote" and attr == "expandable":
                argument = "1"
                continue
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" at byte '
                f"offset {byte_offset(begin)}"
            )
        i += 1
        while at(i) != "\0" and _is_space(at(i)):
            i += 1
        if at(i) == "\0":
            raise EntityParseError(
                f'Unclosed start tag "{name}" at byte offset {byte_offset(begin)}'
            )
        value, i = _parse_attribute_value(text, i, at, byte_offset)
        if at(i) == "\0":
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
        if name == "a" and attr == "href":
            argument = value
        elif name == "code" and attr == "class" and value.startswith("language-"):
            argument = value[len("language-"):]
        elif name == "span" and attr == "class" and value.startswith("tg-"):
            argument = value[len("tg-"):]
        elif name == "tg-emoji" and attr == "emoji-id":
            argument = value
        elif name == "blockquote" and attr == "expandable":
            argument = "1"
    if name == "span" and argument != "spoiler":
        raise EntityParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
        )
    return _OpenTag(name, argument, 0, 0), i


def _parse_attribute_value(
    text: str, i: int, at: Callable[[int], str], byte_offset: Callable[[int], int],
) -> tuple[str, int]:
    if at(i) not in ("'", '"'):
        start = i  # a name token: letters, digits, periods, hyphens; case-insensitive
        while _is_ascii_alnum(at(i)) or at(i) in (".", "-"):
            i += 1
        if not _is_space(at(i)) and at(i) != ">":
            raise EntityParseError(f"Unexpected end of name token at byte offset "
                                   f"{byte_offset(start)}")
        return text[start:i].lower(), i
    quote = at(i)
    i += 1
    value: list[str] = []
    while at(i) != quote and at(i) != "\0":
        if at(i) == "&":
            decoded = _decode_html_entity(text, i, strict=False)
            if decoded is not None:
                value.append(decoded[0])
                i = decoded[1]
                continue
        value.append(at(i))
        i += 1
    if at(i) == quote:
        i += 1
    return "".join(value), i


def _close_entity(entities: list[dict[str, Any]], tag: _OpenTag, length: int, inner: str) -> None:
    offset = tag.offset
    span: dict[str, Any] = {"offset": offset, "length": length}
    if tag.name in _SIMPLE_ENTITY:
        entities.append({"type": _SIMPLE_ENTITY[tag.name], **span})
    elif tag.name == "span":
        entities.append({"type": "spoiler", **span})
    elif tag.name == "tg-emoji":
        if not tag.argument.isdigit() or int(tag.argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
    elif tag.name == "a":
        url = _checked_link(tag.argument or inner)
        if url is not None:  # Telegram silently drops links it cannot use
            entities.append({"type": "text_link", **span, "url": url})
    elif tag.name == "pre":
        last = entities[-1] if entities else None
        if (last and last["type"] == "code" and last["offset"] == offset
                and last["length"] == length and last.get("_language")):
            last["type"] = "pre"
            last["language"] = last.pop("_language")
        else:
            entities.append({"type": "pre", **span})
    elif tag.name == "code":
        last = entities[-1] if entities else None
        if (last and last["type"] == "pre" and last["offset"] == offset
                and last["length"] == length and tag.argument):
            last["language"] = tag.argument
        else:
            entities.append({"type": "code", **span, "_language": tag.argument})
    elif tag.name == "blockquote":
        kind = "expandable_blockquote" if tag.argument == "1" else "blockquote"
        entities.append({"type": kind, **span})


def _checked_link(url: str) -> str | None:
    url = url.strip()
    if re.match(r"^(https?|tg|ton)://\S+$", url, re.IGNORECASE):
        return url
    if re.match(r"^[\w-]+(\.[\w-]+)+(/\S*)?$", url):
        return f"http://{url}" + ("" if "/" in url else "/")
    return None


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading/trailing whitespace as Telegram does, keeping entities aligned."""
    left = text.lstrip()
    shift = utf16_len(text) - utf16_len(left)
    trimmed = left.rstrip()
    total = utf16_len(trimmed)
    out = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            out.append({**entity, "offset": start, "length": end - start})
    return trimmed, out


# --- reply markup -------------------------------------------------------------------------------

_INLINE_ACTIONS: Final = (
    "callback_data", "url", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)


def parse_reply_markup(raw: Any) -> dict[str, Any] | None:
    """Decode and check ``reply_markup`` as the Bot API does before the request leaves it."""
    if raw is None or raw == "":
        return None
    markup = raw
    if isinstance(raw, str):
        try:
            markup = json.loads(raw)
        except ValueError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of '
                              "Arrays")
    elif not ("remove_keyboard" in markup or "force_reply" in markup):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array '
                          "of Arrays")
    for row in rows:
        for button in row:
            prefix = "can't parse inline keyboard button: "
            if not isinstance(button, dict):
                raise bad_request(prefix + "InlineKeyboardButton must be an Object")
            if "text" not in button:
                raise bad_request(prefix + "Can't find field \"text\"")
            if not isinstance(button["text"], str):
                raise bad_request(prefix + 'Field "text" must be of type String')
            present = [k for k in _INLINE_ACTIONS if button.get(k) is not None
                       and not (k in ("callback_data", "url") and button[k] == "")]
            if not present:
                raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
            url = button.get("url")
            if url:
                scheme = url.split("://", 1)[0].lower() if "://" in url else ""
                if scheme and scheme not in ("http", "https", "tg"):
                    raise bad_request(f"inline keyboard button URL '{url}' is invalid: "
                                      "Unsupported URL protocol")
                if not scheme and "." not in url:
                    raise bad_request(f"inline keyboard button URL '{url}' is invalid: "
                                      "Wrong HTTP URL")


def check_markup_on_server(markup: dict[str, Any] | None) -> None:
    """Checks Telegram's servers make (after the Bot API accepted the request)."""
    rows = (markup or {}).get("inline_keyboard")
    if not rows:
        return
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    for row in rows:
        for button in row:
            if not button["text"].strip():
                raise bad_request("BUTTON_TEXT_EMPTY")  # wording not verified against Telegram
            data = button.get("callback_data")
            if data is not None and data != "":
                if len(str(data).encode("utf-8")) > CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")


def inline_part(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """A message keeps only an inline keyboard; reply keyboards are not part of it."""
    return markup if markup and "inline_keyboard" in markup else None


# --- flood limits -------------------------------------------------------------------------------

@dataclass
class RateLimits:
    """Flood limits; the defaults model Telegram's published guidance."""

    enabled: bool = True
    private_burst: int = 3  # token bucket capacity per private chat
    private_per_second: float = 1.0  # refill rate per private chat
    group_per_minute: int = 20  # per group chat, sliding 60 s window
    global_per_second: int = 30  # across all chats, sliding 1 s window


class RateLimiter:
    """Counts sends per chat and overall; ``acquire`` answers None or the seconds to wait."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._group: dict[int, deque[float]] = {}
        self._global: deque[float] = deque()

    def reset(self) -> None:
        self._buckets.clear()
        self._group.clear()
        self._global.clear()

    def acquire(self, chat_id: int, private: bool, now: float | None = None) -> int | None:
        if not self.limits.enabled:
            return None
        now = time.monotonic() if now is None else now
        lim = self.limits
        wait = self._window_wait(self._global, now, 1.0, lim.global_per_second)
        if wait is None:
            if private:
                tokens = self._tokens(chat_id, now)
                if tokens < 1:
                    wait = (1 - tokens) / lim.private_per_second
            else:
                window = self._group.setdefault(chat_id, deque())
                wait = self._window_wait(window, now, 60.0, lim.group_per_minute)
        if wait is not None:
            return max(1, math.ceil(wait))
        self._global.append(now)
        if private:
            self._buckets[chat_id] = (self._tokens(chat_id, now) - 1, now)
        else:
            self._group[chat_id].append(now)
        return None

    def _tokens(self, chat_id: int, now: float) -> float:
        lim = self.limits
        tokens, at = self._buckets.get(chat_id, (float(lim.private_burst), now))
        return min(float(lim.private_burst), tokens + (now - at) * lim.private_per_second)

    @staticmethod
    def _window_wait(window: deque[float], now: float, span: float, limit: int) -> float | None:
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) < limit:
            return None
        return window[len(window) - limit] + span - now


# --- model --------------------------------------------------------------------------------------

@dataclass
class FakeUser:
    id: int
    first_name: str
    language_code: str | None = "en"
    username: str | None = None
    last_name: str | None = None
    started: bool = False  # has the user ever written to the bot in private?
    blocked: bool = False

    def api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        if self.language_code:
            out["language_code"] = self.language_code
        return out

    def chat_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        return out


@dataclass
class Topic:
    thread_id: int
    name: str
    icon_color: int = TOPIC_ICON_COLORS[0]
    icon_custom_emoji_id: str | None = None
    created_by_bot: bool = True
    closed: bool = False
    deleted: bool = False

    def api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message_thread_id": self.thread_id, "name": self.name,
                               "icon_color": self.icon_color}
        if self.icon_custom_emoji_id:
            out["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return out


@dataclass
class FakeGroup:
    id: int
    title: str
    is_forum: bool = True
    bot_is_admin: bool = True
    can_manage_topics: bool = True
    admins: set[int] = field(default_factory=set)
    owner: int | None = None
    members: set[int] | None = None  # None: every known user counts as a member
    username: str | None = None
    bot_is_member: bool = True
    topics: dict[int, Topic] = field(default_factory=dict)

    @property
    def bot_manages_topics(self) -> bool:
        return self.bot_is_admin and self.can_manage_topics

    def chat_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": "supergroup", "title": self.title}
        if self.username:
            out["username"] = self.username
        if self.is_forum:
            out["is_forum"] = True
        return out


Chat = FakeUser | FakeGroup


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    kind: str  # "photo" | "document" | "video" | "audio"
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    group: str = ""  # photo sizes of one picture share a group

    def photo_size_api(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": len(self.data), "width": self.width, "height": self.height}

    def media_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                               "file_size": len(self.data)}
        if self.file_name:
            out["file_name"] = self.file_name
        if self.mime_type:
            out["mime_type"] = self.mime_type
        if self.kind == "video":
            out.update(width=self.width or 640, height=self.height or 360, duration=1)
        if self.kind == "audio":
            out["duration"] = 1
        return out


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    date: int
    sender_id: int
    from_bot: bool
    method: str  # API method that made it, "user" for pushed messages, "service"
    kind: str = "text"  # text | photo | document | video | audio | location | contact | service
    thread_id: int | None = None
    reply_to: int | None = None
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    source: str | None = None  # text or caption exactly as sent (e.g. the HTML)
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    content: dict[str, Any] = field(default_factory=dict)  # photo, document, location, ...
    file_id: str | None = None
    media_group_id: str | None = None
    forward_origin: dict[str, Any] | None = None
    edit_date: int | None = None
    deleted: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier versions

    @property
    def body(self) -> str:
        return self.text if self.text is not None else (self.caption or "")


class Call(tuple):
    """One API call as the fake saw it. Unpacks as ``(method, params)``; also has
    ``error_code`` (None when it succeeded), ``description`` and ``at`` (monotonic time)."""

    method: str
    params: dict[str, Any]
    error_code: int | None
    description: str | None
    at: float

    def __new__(cls, method: str, params: dict[str, Any], error_code: int | None = None,
                description: str | None = None, at: float = 0.0) -> Call:
        self = super().__new__(cls, (method, params))
        self.method, self.params = method, params
        self.error_code, self.description, self.at = error_code, description, at
        return self

    @property
    def ok(self) -> bool:
        return self.error_code is None

    def __repr__(self) -> str:
        status = "ok" if self.ok else f"{self.error_code} {self.description}"
        return f"Call({self.method}, {self.params!r}, {status})"


@dataclass
class _Upload:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class _Failure:
    remaining: int
    error: ApiError


@dataclass
class _CallbackQuery:
    created: float
    answered: bool = False


# --- request parameters ----------------------------------------------------------------------

class Params:
    """The parameters of one request, whatever way they came."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def get(self, name: str) -> Any:
        value = self.data.get(name)
        return None if value is None or value == "" else value

    def text(self, name: str) -> str | None:
        value = self.get(name)
        return None if value is None else str(value)

    def integer(self, name: str) -> int | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        return self.get(name) in (True, 1, "true", "True", "1")

    def json(self, name: str, error: str | None = None) -> Any:
        value = self.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(error or f"can't parse {name} JSON object") from None
        return value

    def upload(self, name: str) -> _Upload | None:
        value = self.data.get(name)
        return value if isinstance(value, _Upload) else None

    def public(self) -> dict[str, Any]:
        """The parameters for the call log: JSON decoded, uploads described."""
        out: dict[str, Any] = {}
        for key, value in self.data.items():
            if isinstance(value, _Upload):
                out[key] = f"<upload {value.filename!r}, {len(value.data)} bytes>"
            elif key in _JSON_PARAMS and isinstance(value, str):
                try:
                    out[key] = json.loads(value)
                except ValueError:
                    out[key] = value
            else:
                out[key] = value
        return out


# --- small helpers ------------------------------------------------------------------------------

def _tiny_png(seed: int = 0) -> bytes:
    """A valid 1x1 PNG (the colour varies with ``seed``)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixel = bytes([0, seed % 256, (seed * 7) % 256, (seed * 13) % 256])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixel)) + chunk(b"IEND", b""))


def _looks_like_image(data: bytes) -> bool:
    return (data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM"))
            or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"))


def _now() -> int:
    return int(time.time())


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


_SENDER: Final = object()  # default of user_sends_contact's contact_user_id: the sender


# --- the server ------------------------------------------------------------------------------

class FakeTelegram:
    """A fake Telegram Bot API server plus the controls a test needs.

    Setup: ``add_user``, ``add_forum``, ``add_topic``. Users act: ``user_sends_*``,
    ``user_clicks``. Observe: ``sent``, ``last``, ``calls``, ``topics``, ``wait_for``,
    ``wait_for_message``, ``buttons``, ``callback_answers``, ``observers`` (called with every
    accepted call and its result). Faults: ``fail_next``,
    ``storm_429``, ``block_user``, ``remove_bot``, ``set_rate_limits``.
    """

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
        #: Where the webhook URL's host is reached (e.g. ``http://127.0.0.1:8443``: a test's
        #: DNS, without TLS). Unset: updates wait for a getUpdates or for the test to post them.
        #: Set: the fake delivers each update there itself and retries a failed delivery.
        self.webhook_address: str | None = None
        self.webhook_retry_seconds = 0.5  # Telegram waits longer; a test does not have to
        self.webhook_max_attempts = 60
        #: Cleared: deliveries wait (none starts) until it is set again; ``webhook_in_flight``
        #: counts the requests waiting for the webhook's answer.
        self.webhook_open = asyncio.Event()
        self.webhook_open.set()
        self.webhook_in_flight = 0
        #: Every failed webhook delivery: (update_id, what went wrong).
        self.webhook_failures: list[tuple[int, str]] = []
        self._webhook_secret: str | None = None
        self._webhook_slots = asyncio.Semaphore(40)
        self._webhook_tasks: dict[int, asyncio.Task[None]] = {}  # by update_id
        self._webhook_http: aiohttp.ClientSession | None = None
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.bot_texts: dict[str, str] = {}  # setMyDescription & co, by method
        self.pinned: dict[int, list[int]] = {}
        self.chat_actions: list[tuple[int, str, int | None]] = []

        self._handlers: dict[str, Callable[[Params, int], Any]] = self._build_handlers()
        self._canonical = {name.lower(): name for name in self._handlers}

    # ----- lifecycle ------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=MAX_UPLOAD + 5 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self._port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._closing = False
        return self

    async def stop(self) -> None:
        self._closing = True
        self._wake_pollers()
        for task in self._webhook_tasks.values():
            task.cancel()
        if self._webhook_tasks:
            await asyncio.wait(set(self._webhook_tasks.values()))
        if self._webhook_http is not None:
            await self._webhook_http.close()
            self._webhook_http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

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

    # ----- setup ------------------------------------------------------------------------------

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

    # ----- faults -----------------------------------------------------------------------------

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

    # ----- users act ------------------------------------------------------------------------

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
                         reply_to_message_id: int | None = None) -> dict[str, Any]:
        """The user sends a photo (three sizes, fresh file ids, downloadable PNG bytes)."""
        msg = self._user_message(user_id, chat_id, thread_id, reply_to_message_id)
        sizes = self._register_photo(_tiny_png(next(self._file_counter)))
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

    # ----- observe ----------------------------------------------------------------------------

    def sent(self, chat_id: int | None = None, thread_id: int | None = None
             ) -> list[dict[str, Any]]:
        """Messages the bot sent (current state after edits; deleted ones flagged)."""
        return [self._snapshot(m) for m in self._sent if self._matches(m, chat_id, thread_id)]

    def last(self, chat_id: int, thread_id: int | None = None) -> dict[str, Any] | None:
        for msg in reversed(self._sent):
            if self._matches(msg, chat_id, thread_id):
                return self._snapshot(msg)
        return None

    def history(self, chat_id: int, thread_id: int | None = None) -> list[dict[str, Any]]:
        """Every message in a chat: the users', the bot's and service messages."""
        msgs = sorted((m for m in self._messages.values() if self._matches(m, chat_id, thread_id)),
                      key=lambda m: m.message_id)
        return [self._snapshot(m) for m in msgs]

    def calls(self, method: str | None = None) -> list[Call]:
        """Every API call, refused ones included (see ``Call.error_code``)."""
        if method is None:
            return list(self._calls)
        name = self._canonical.get(method.lower(), method)
        return [c for c in self._calls if c.method == name]

    def topics(self, chat_id: int) -> list[dict[str, Any]]:
        return [{**t.api(), "closed": t.closed, "deleted": t.deleted,
                 "created_by_bot": t.created_by_bot}
                for t in self._forum(chat_id).topics.values()]

    def callback_answers(self) -> list[tuple[str, str | None, bool]]:
        """(callback_query_id, text, show_alert) of every answerCallbackQuery accepted."""
        return list(self._callback_answers)

    def pending_updates(self) -> int:
        """Updates pushed but not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    def buttons(self, message: dict[str, Any]) -> list[str]:
        """Button texts of a message's keyboard (inline or reply), row by row."""
        return [spec["text"] for spec in self.button_specs(message)]

    def button_specs(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """The buttons as dicts with ``kind`` ("inline" | "reply") and every field sent, e.g.
        ``callback_data``, ``url``, ``request_contact``, ``request_location``."""
        markup = self._current_markup(message)
        if not markup:
            return []
        if "inline_keyboard" in markup:
            return [{"kind": "inline", **b} for row in markup["inline_keyboard"] for b in row]
        specs = []
        for row in markup.get("keyboard", []):
            for button in row:
                spec = {"text": button} if isinstance(button, str) else dict(button)
                specs.append({"kind": "reply", "request_contact": False,
                              "request_location": False, **spec})
        return specs

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10) -> Any:
        """Poll ``predicate`` every 0.05 s until it is truthy and return its value. Lookup and
        type errors count as "not yet". On timeout: AssertionError with recent calls."""
        deadline = time.monotonic() + timeout
        last_error: BaseException | None = None
        while True:
            try:
                value = predicate()
                if inspect.isawaitable(value):
                    value = await value
                if value:
                    return value
            except (LookupError, TypeError, AttributeError) as exc:
                last_error = exc
            if time.monotonic() >= deadline:
                detail = f"\nlast predicate error: {last_error!r}" if last_error else ""
                raise AssertionError(f"condition not met within {timeout}s{detail}\n"
                                     + self.describe())
            await asyncio.sleep(0.05)

    async def wait_for_message(self, chat_id: int, contains: str | None = None,
                               thread_id: int | None = None, timeout: float = 10
                               ) -> dict[str, Any]:
        """The first bot message in ``chat_id`` after the one this returned last time for that
        chat (a cursor per chat), whose text/caption (visible text or source) contains
        ``contains`` and which is in ``thread_id`` if given."""
        def find() -> tuple[int, StoredMessage] | None:
            for index in range(self._cursors.get(chat_id, 0), len(self._sent)):
                msg = self._sent[index]
                if msg.chat_id != chat_id or (thread_id is not None
                                              and msg.thread_id != thread_id):
                    continue
                if contains is None or contains in msg.body or contains in (msg.source or ""):
                    return index, msg
            return None

        deadline = time.monotonic() + timeout
        while (found := find()) is None:
            if time.monotonic() >= deadline:
                start = self._cursors.get(chat_id, 0)
                after = [f"  #{m.message_id} thread={m.thread_id} {m.method}: {_short(m.body)}"
                         for m in self._sent[start:] if m.chat_id == chat_id]
                raise AssertionError(
                    f"no bot message in chat {chat_id}"
                    + (f" thread {thread_id}" if thread_id is not None else "")
                    + (f" containing {contains!r}" if contains is not None else "")
                    + f" within {timeout}s; bot messages there after the cursor:\n"
                    + ("\n".join(after) or "  (none)") + "\n" + self.describe())
            await asyncio.sleep(0.05)
        index, msg = found
        self._cursors[chat_id] = index + 1
        return self._snapshot(msg)

    def skip_to_end(self, chat_id: int) -> None:
        """Move ``wait_for_message``'s cursor for the chat past everything sent so far."""
        self._cursors[chat_id] = len(self._sent)

    def describe(self, calls: int = 25) -> str:
        """Recent API calls (getUpdates left out) and pending updates, for failure messages."""
        recent = [c for c in self._calls if c.method != "getUpdates"][-calls:]
        lines = [f"last {len(recent)} API calls (getUpdates omitted):"]
        for c in recent:
            status = "ok" if c.ok else f"-> {c.error_code} {c.description}"
            lines.append(f"  {c.method} {_short(c.params, 300)} {status}")
        lines.append(f"unconfirmed updates: {len(self._updates)}; "
                     f"undelivered (privacy mode etc.): {len(self.undelivered)}")
        return "\n".join(lines)

    # ----- HTTP plumbing ----------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        match = TOKEN_RE.match(token)
        if not match:
            return self._json(ApiError(404, "Not Found").body(), 404)
        if self.strict_token and token != self.token:
            return self._json(ApiError(401, "Unauthorized").body(), 401)
        bot_id = int(match.group(1))
        raw_method = request.match_info["method"]
        method = self._canonical.get(raw_method.lower())
        try:
            params = await self._read_params(request)
        except ApiError as err:
            self._record(method or raw_method, {}, err)
            return self._json(err.body(), err.code)
        if method is None:
            missing = ApiError(404, "Not Found: method not found")
            self._record(raw_method, params.public(), missing)
            return self._json(missing.body(), 404)
        try:
            self._inject_faults(method)
            result = self._handlers[method](params, bot_id)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as err:
            self._record(method, params.public(), err)
            return self._json(err.body(), err.code)
        public = params.public()
        self._record(method, public, None)
        for observe in self.observers:
            observe(method, public, result)
        return self._json({"ok": True, "result": result}, 200)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        record = self._paths.get(request.match_info["path"])
        if not TOKEN_RE.match(request.match_info["token"]) or record is None:
            return self._json(ApiError(404, "Not Found").body(), 404)
        return web.Response(body=record.data,
                            content_type=record.mime_type or "application/octet-stream")

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return self._json(ApiError(404, "Not Found").body(), 404)

    @staticmethod
    def _json(body: dict[str, Any], status: int) -> web.Response:
        return web.json_response(body, status=status)

    async def _read_params(self, request: web.Request) -> Params:
        data: dict[str, Any] = dict(request.query)
        if request.method not in ("POST", "PUT") or not request.can_read_body:
            return Params(data)
        try:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad_request("can't parse JSON encoded request parameters") from None
                if isinstance(body, dict):
                    data.update(body)
            elif request.content_type in ("multipart/form-data",
                                          "application/x-www-form-urlencoded"):
                form = await request.post()
                for key, value in form.items():
                    data[key] = (_Upload(value.filename, value.content_type, value.file.read())
                                 if isinstance(value, FileField) else value)
        except web.HTTPRequestEntityTooLarge:
            raise ApiError(413, "Request Entity Too Large") from None
        return Params(data)

    def _record(self, method: str, params: dict[str, Any], error: ApiError | None) -> None:
        self._calls.append(Call(method, params, error.code if error else None,
                                error.description if error else None, time.monotonic()))

    def _inject_faults(self, method: str) -> None:
        queue = self._failures.get(method)
        if queue:
            failure = queue[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                queue.popleft()
            raise ApiError(failure.error.code, failure.error.description,
                           failure.error.retry_after)
        left = self._storm_until - time.monotonic()
        if left > 0 and method in self._storm_methods:
            raise too_many_requests(self._storm_retry_after or math.ceil(left))

    def _build_handlers(self) -> dict[str, Callable[[Params, int], Any]]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "setMyDescription": self._set_bot_text,
            "setMyShortDescription": self._set_bot_text,
            "getMyDescription": lambda p, b: self._get_bot_text(p, "description"),
            "getMyShortDescription": lambda p, b: self._get_bot_text(p, "short_description"),
            "setMyName": self._set_bot_text,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "sendChatAction": self._send_chat_action,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "sendLocation": self._send_location,
            "sendContact": self._send_contact,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "pinChatMessage": self._pin_chat_message,
            "unpinChatMessage": self._unpin_chat_message,
            "answerCallbackQuery": self._answer_callback_query,
            "createForumTopic": self._create_forum_topic,
            "editForumTopic": self._edit_forum_topic,
            "closeForumTopic": self._close_forum_topic,
            "reopenForumTopic": self._reopen_forum_topic,
            "deleteForumTopic": self._delete_forum_topic,
            "getFile": self._get_file,
        }

    # ----- updates ----------------------------------------------------------------------------

    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        self._wake_pollers()
        self._webhook_deliver(update)
        return update

    # ----- webhook delivery: Telegram POSTs each update to the webhook and, when the answer is
    # not 2XX or there is none, "will repeat the request and give up after a reasonable amount
    # of attempts" (Bot API, setWebhook). Updates are sent up to max_connections at a time.

    def _webhook_deliver(self, update: dict[str, Any]) -> None:
        uid = update["update_id"]
        if not (self.webhook_url and self.webhook_address) or self._closing \
                or uid in self._webhook_tasks:
            return
        task = asyncio.get_running_loop().create_task(self._webhook_send(update))
        self._webhook_tasks[uid] = task
        task.add_done_callback(lambda _: self._webhook_tasks.pop(uid, None))

    def _webhook_done(self, update: dict[str, Any], why: str | None = None) -> None:
        if update in self._updates:
            self._updates.remove(update)
        if why:
            self.undelivered.append((update, why))

    async def _webhook_send(self, update: dict[str, Any]) -> None:
        kind = next(k for k in update if k != "update_id")
        if kind not in self._allowed_updates:
            self._webhook_done(update, f"{kind} not in allowed_updates")
            return
        if self._webhook_http is None:
            self._webhook_http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        headers = ({"X-Telegram-Bot-Api-Secret-Token": self._webhook_secret}
                   if self._webhook_secret else {})
        for _attempt in range(self.webhook_max_attempts):
            url = self.webhook_address and self.webhook_url and (
                self.webhook_address.rstrip("/") + URL(self.webhook_url).path_qs)
            if not url:
                return  # the webhook was deleted: the update waits for getUpdates
            await self.webhook_open.wait()
            async with self._webhook_slots:
                self.webhook_in_flight += 1
                try:
                    async with self._webhook_http.post(url, json=update, headers=headers) as r:
                        if 200 <= r.status < 300:
                            self._webhook_done(update)
                            return
                        why = f"HTTP {r.status}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    why = f"{type(exc).__name__}: {exc}"
                finally:
                    self.webhook_in_flight -= 1
            self.webhook_failures.append((update["update_id"], why))
            await asyncio.sleep(self.webhook_retry_seconds)
        self._webhook_done(update, "webhook: gave up after repeated failures")

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

    # ----- state helpers ----------------------------------------------------------------------

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

    # ----- checks shared by the methods -------------------------------------------------------

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

    # ----- files ------------------------------------------------------------------------------

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

    # ----- methods: bot & updates -------------------------------------------------------------

    def _get_me(self, p: Params, bot_id: int) -> dict[str, Any]:
        return {**self._bot_user_api(bot_id), "can_join_groups": True,
                "can_read_all_group_messages": not self.privacy_mode,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    async def _get_updates(self, p: Params, bot_id: int) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = p.integer("offset") or 0
        limit = min(max(p.integer("limit") or 100, 1), 100)
        timeout = max(p.number("timeout") or 0.0, 0.0)
        allowed = p.json("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()  # an older poll still waiting is terminated with 409
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_POLL)
            ready = self._deliverable(limit)
            left = deadline - time.monotonic()
            if ready or left <= 0 or self._closing:
                return ready
            await self._sleep_until_woken(left)

    def _delete_webhook(self, p: Params, bot_id: int) -> bool:
        self.webhook_url = None
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, p: Params, bot_id: int) -> bool:
        url = p.text("url")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        self._webhook_secret = p.text("secret_token")
        self._webhook_slots = asyncio.Semaphore(p.integer("max_connections") or 40)
        allowed = p.json("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES
        if self.webhook_url and self.webhook_address:
            for update in list(self._updates):  # what waited while there was no webhook
                self._webhook_deliver(update)
        return True

    def _get_webhook_info(self, p: Params, bot_id: int) -> dict[str, Any]:
        return {"url": self.webhook_url or "", "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    @staticmethod
    def _commands_key(p: Params) -> tuple[str, str]:
        scope = p.json("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.text("language_code") or ""

    def _set_my_commands(self, p: Params, bot_id: int) -> bool:
        commands = p.json("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for item in commands:
            name = str(item.get("command", "")).lstrip("/")
            description = str(item.get("description", ""))
            if not BOT_COMMAND_RE.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not description.strip() or len(description) > 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")  # wording not verified
            cleaned.append({"command": name, "description": description})
        self.commands[self._commands_key(p)] = cleaned
        return True

    def _delete_my_commands(self, p: Params, bot_id: int) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _get_my_commands(self, p: Params, bot_id: int) -> list[dict[str, Any]]:
        return self.commands.get(self._commands_key(p), [])

    def _set_bot_text(self, p: Params, bot_id: int) -> bool:
        """setMyDescription / setMyShortDescription / setMyName, per language code; an empty
        or missing text removes the one for that language."""
        language = p.text("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("LANG_CODE_INVALID")  # wording not verified
        for key in ("description", "short_description", "name"):
            if key in p.data:
                text = str(p.data[key] or "")
                if len(text) > BOT_TEXT_LIMITS[key]:  # counted in characters, like Telegram
                    raise bad_request(f"{key.upper()}_INVALID")  # wording not verified
                if text:
                    self.bot_texts[f"{key}:{language}"] = text
                else:
                    self.bot_texts.pop(f"{key}:{language}", None)
        return True

    def _get_bot_text(self, p: Params, key: str) -> dict[str, str]:
        """The text for this language, else the one for all languages (as Telegram does)."""
        language = p.text("language_code") or ""
        text = self.bot_texts.get(f"{key}:{language}", self.bot_texts.get(f"{key}:", ""))
        return {key: text}

    def _set_chat_menu_button(self, p: Params, bot_id: int) -> bool:
        chat_id = p.integer("chat_id")
        if chat_id is not None:
            self._resolve_chat(chat_id)
        self.menu_buttons[chat_id] = p.json("menu_button") or {"type": "default"}
        return True

    def _get_chat_menu_button(self, p: Params, bot_id: int) -> dict[str, Any]:
        chat_id = p.integer("chat_id")
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {
            "type": "default"}

    # ----- methods: chats ---------------------------------------------------------------------

    def _get_chat(self, p: Params, bot_id: int) -> dict[str, Any]:
        chat = self._resolve_chat(p.get("chat_id"))
        if isinstance(chat, FakeGroup):
            self._check_reachable(chat)
        info = {**chat.chat_api(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": True, "limited_gifts": True,
                                        "unique_gifts": True, "premium_subscription": True,
                                        "gifts_from_channels": True}}
        if isinstance(chat, FakeGroup):
            info["permissions"] = {"can_send_messages": True}
        return info

    def _member_api(self, chat: Chat, user_id: int, bot_id: int) -> dict[str, Any]:
        if user_id == bot_id:
            bot = self._bot_user_api(bot_id)
            if isinstance(chat, FakeGroup) and chat.bot_is_admin:
                return self._admin_api(bot, chat.can_manage_topics)
            status = "member" if isinstance(chat, FakeUser) or chat.bot_is_member else "left"
            return {"status": status, "user": bot}
        user = self._users.get(user_id)
        if isinstance(chat, FakeUser):
            if user is None or user_id != chat.id:
                raise bad_request("user not found")
            return {"status": "member", "user": user.api()}
        api = user.api() if user else {"id": user_id, "is_bot": False,
                                       "first_name": f"User {user_id}"}
        if chat.owner == user_id:
            return {"status": "creator", "user": api, "is_anonymous": False}
        if user_id in chat.admins:
            return self._admin_api(api, True)
        if user is not None and (chat.members is None or user_id in chat.members):
            return {"status": "member", "user": api}
        return {"status": "left", "user": api}

    @staticmethod
    def _admin_api(user: dict[str, Any], can_manage_topics: bool) -> dict[str, Any]:
        rights = dict.fromkeys((
            "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
            "can_restrict_members", "can_change_info", "can_invite_users", "can_post_stories",
            "can_edit_stories", "can_delete_stories", "can_pin_messages"), True)
        return {"status": "administrator", "user": user, "can_be_edited": False,
                "is_anonymous": False, "can_promote_members": False,
                "can_send_welcome_messages": False, **rights,
                "can_manage_topics": can_manage_topics}

    def _get_chat_member(self, p: Params, bot_id: int) -> dict[str, Any]:
        chat = self._resolve_chat(p.get("chat_id"))
        user_id = p.integer("user_id")
        if user_id is None:
            raise bad_request("user_id is empty")  # wording not verified
        return self._member_api(chat, user_id, bot_id)

    def _get_chat_administrators(self, p: Params, bot_id: int) -> list[dict[str, Any]]:
        chat = self._resolve_chat(p.get("chat_id"))
        if isinstance(chat, FakeUser):
            raise bad_request("there are no administrators in the private chat")
        self._check_reachable(chat)
        out = []
        if chat.owner is not None:
            out.append(self._member_api(chat, chat.owner, bot_id))
        for user_id in sorted(chat.admins - {chat.owner}):
            out.append(self._member_api(chat, user_id, bot_id))
        if chat.bot_is_admin:
            out.append(self._member_api(chat, bot_id, bot_id))
        return out

    def _send_chat_action(self, p: Params, bot_id: int) -> bool:
        chat = self._resolve_chat(p.get("chat_id"))
        action = p.text("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        thread_id = self._check_thread(chat, p.integer("message_thread_id"))
        self._check_reachable(chat)
        self.chat_actions.append((chat.id, action, thread_id))
        return True

    # ----- methods: sending -------------------------------------------------------------------

    def _send_message(self, p: Params, bot_id: int) -> dict[str, Any]:
        source, plain, entities, mode = self._message_text(p)
        markup = parse_reply_markup(p.get("reply_markup"))
        chat = self._resolve_chat(p.get("chat_id"))
        thread_id = self._check_thread(chat, p.integer("message_thread_id"))
        reply_to, thread_id = self._check_reply(chat, p, thread_id)
        self._deliver_checks(chat, markup, "sendMessage")
        msg = self._new_bot_message(chat, bot_id, "sendMessage", "text", thread_id, reply_to)
        msg.text, msg.entities, msg.source, msg.parse_mode = plain, entities, source, mode
        msg.reply_markup = markup
        return self._message_api(msg)

    def _send_media(self, p: Params, bot_id: int, method: str, kind: str) -> dict[str, Any]:
        mode = self._parse_mode(p)
        caption_source = p.text("caption")
        caption, caption_entities = self._caption(caption_source, mode,
                                                  p.json("caption_entities"))
        markup = parse_reply_markup(p.get("reply_markup"))
        chat = self._resolve_chat(p.get("chat_id"))
        record, upload = self._input_file(p, p.data.get(kind), kind)
        thread_id = self._check_thread(chat, p.integer("message_thread_id"))
        reply_to, thread_id = self._check_reply(chat, p, thread_id)
        self._deliver_checks(chat, markup, method)
        msg = self._new_bot_message(chat, bot_id, method, kind, thread_id, reply_to)
        self._attach_media(msg, kind, record, upload)
        msg.caption, msg.caption_entities, msg.source = caption, caption_entities, caption_source
        msg.parse_mode, msg.reply_markup = mode, markup
        return self._message_api(msg)

    def _send_photo(self, p: Params, bot_id: int) -> dict[str, Any]:
        return self._send_media(p, bot_id, "sendPhoto", "photo")

    def _send_document(self, p: Params, bot_id: int) -> dict[str, Any]:
        return self._send_media(p, bot_id, "sendDocument", "document")

    def _send_media_group(self, p: Params, bot_id: int) -> list[dict[str, Any]]:
        media = p.json("media", "can't parse media JSON object")
        if not isinstance(media, list) or not media:
            raise bad_request("there are no messages to send")
        if len(media) > MAX_ALBUM:
            raise bad_request("too many messages to send as an album")
        prepared = []
        for item in media:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "document", "video", "audio"):
                raise bad_request("can't parse InputMedia: unsupported media type")
            mode = self._parse_mode(Params(item))
            caption, entities = self._caption(item.get("caption"), mode,
                                              item.get("caption_entities"))
            prepared.append((kind, item, caption, entities, mode))
        chat = self._resolve_chat(p.get("chat_id"))
        files = [self._input_file(p, item.get("media"), kind)
                 for kind, item, *_ in prepared]
        thread_id = self._check_thread(chat, p.integer("message_thread_id"))
        reply_to, thread_id = self._check_reply(chat, p, thread_id)
        self._deliver_checks(chat, None, "sendMediaGroup")
        group_id = str(next(self._media_groups))
        out = []
        for (kind, item, caption, entities, mode), (record, upload) in zip(prepared, files,
                                                                          strict=True):
            msg = self._new_bot_message(chat, bot_id, "sendMediaGroup", kind, thread_id,
                                        reply_to)
            self._attach_media(msg, kind, record, upload)
            msg.caption, msg.caption_entities, msg.source = caption, entities, item.get("caption")
            msg.parse_mode, msg.media_group_id = mode, group_id
            out.append(self._message_api(msg))
        return out

    def _send_location(self, p: Params, bot_id: int) -> dict[str, Any]:
        lat, lon = p.number("latitude"), p.number("longitude")
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise bad_request("wrong latitude or longitude specified")  # wording not verified
        return self._send_simple(p, bot_id, "sendLocation", "location",
                                 {"latitude": lat, "longitude": lon})

    def _send_contact(self, p: Params, bot_id: int) -> dict[str, Any]:
        phone, first_name = p.text("phone_number"), p.text("first_name")
        if not phone or not first_name:
            raise bad_request("phone number and first name must be non-empty")  # not verified
        contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name}
        if p.text("last_name"):
            contact["last_name"] = p.text("last_name")
        return self._send_simple(p, bot_id, "sendContact", "contact", contact)

    def _send_simple(self, p: Params, bot_id: int, method: str, kind: str,
                     value: dict[str, Any]) -> dict[str, Any]:
        markup = parse_reply_markup(p.get("reply_markup"))
        chat = self._resolve_chat(p.get("chat_id"))
        thread_id = self._check_thread(chat, p.integer("message_thread_id"))
        reply_to, thread_id = self._check_reply(chat, p, thread_id)
        self._deliver_checks(chat, markup, method)
        msg = self._new_bot_message(chat, bot_id, method, kind, thread_id, reply_to)
        msg.content, msg.reply_markup = {kind: value}, markup
        return self._message_api(msg)

    def _source_message(self, p: Params, not_found: str) -> StoredMessage:
        from_chat = self._resolve_chat(p.get("from_chat_id"))
        message_id = p.integer("message_id")
        msg = self._messages.get((from_chat.id, message_id)) if message_id else None
        if msg is None or msg.deleted:
            raise bad_request(not_found)
        return msg

    def _duplicate(self, p: Params, bot_id: int, method: str, src: StoredMessage,
                   markup: dict[str, Any] | None) -> StoredMessage:
        chat = self._resolve_chat(p.get("chat_id"))
        thread_id = self._check_thread(chat, p.integer("message_thread_id"))
        reply_to, thread_id = self._check_reply(chat, p, thread_id)
        self._deliver_checks(chat, markup, method)
        msg = self._new_bot_message(chat, bot_id, method, src.kind, thread_id, reply_to)
        msg.text, msg.entities, msg.source = src.text, list(src.entities), src.source
        msg.caption, msg.caption_entities = src.caption, list(src.caption_entities)
        msg.content, msg.file_id, msg.parse_mode = dict(src.content), src.file_id, src.parse_mode
        msg.reply_markup = markup
        return msg

    def _copy_message(self, p: Params, bot_id: int) -> dict[str, Any]:
        src = self._source_message(p, "message to copy not found")
        if src.kind == "service":
            raise bad_request("message can't be copied")
        mode = self._parse_mode(p)
        caption_source = p.text("caption")
        caption = (self._caption(caption_source, mode, p.json("caption_entities"))
                   if caption_source is not None else None)
        markup = parse_reply_markup(p.get("reply_markup"))
        msg = self._duplicate(p, bot_id, "copyMessage", src, markup)
        if caption is not None and msg.kind not in ("text", "location", "contact"):
            msg.caption, msg.caption_entities = caption
            msg.source, msg.parse_mode = caption_source, mode
        return {"message_id": msg.message_id}

    def _forward_message(self, p: Params, bot_id: int) -> dict[str, Any]:
        src = self._source_message(p, "message to forward not found")
        if src.kind == "service":
            raise bad_request("message can't be forwarded")
        msg = self._duplicate(p, bot_id, "forwardMessage", src, None)
        sender = self._users.get(src.sender_id)
        msg.forward_origin = src.forward_origin or {
            "type": "user", "date": src.date,
            "sender_user": (self._bot_user_api(src.sender_id) if src.from_bot or sender is None
                            else sender.api())}
        return self._message_api(msg)

    # ----- methods: editing -------------------------------------------------------------------

    def _save_version(self, msg: StoredMessage) -> None:
        msg.history.append({"text": msg.text, "caption": msg.caption, "html": msg.source,
                            "reply_markup": msg.reply_markup, "edit_date": msg.edit_date})
        msg.edit_date = _now()

    def _edit_message_text(self, p: Params, bot_id: int) -> dict[str, Any]:
        source, plain, entities, mode = self._message_text(p)
        markup = inline_part(parse_reply_markup(p.get("reply_markup")))
        chat, msg = self._target(p, bot_id, "message to edit not found")
        if not msg.from_bot:
            raise bad_request("message can't be edited")
        if msg.text is None:
            raise bad_request("there is no text in the message to edit")
        self._check_reachable(chat)
        check_markup_on_server(markup)
        if (plain, entities, markup) == (msg.text, msg.entities, inline_part(msg.reply_markup)):
            raise bad_request(NOT_MODIFIED)
        self._save_version(msg)
        msg.text, msg.entities, msg.source, msg.parse_mode = plain, entities, source, mode
        msg.reply_markup = markup  # an edit without reply_markup removes the keyboard
        return self._message_api(msg)

    def _edit_message_caption(self, p: Params, bot_id: int) -> dict[str, Any]:
        mode = self._parse_mode(p)
        source = p.text("caption")
        caption, entities = self._caption(source, mode, p.json("caption_entities"))
        markup = inline_part(parse_reply_markup(p.get("reply_markup")))
        chat, msg = self._target(p, bot_id, "message to edit not found")
        if not msg.from_bot:
            raise bad_request("message can't be edited")
        if msg.kind not in ("photo", "document", "video", "audio"):
            raise bad_request("there is no caption in the message to edit")
        self._check_reachable(chat)
        check_markup_on_server(markup)
        if (caption, entities, markup) == (msg.caption, msg.caption_entities,
                                           inline_part(msg.reply_markup)):
            raise bad_request(NOT_MODIFIED)
        self._save_version(msg)
        msg.caption, msg.caption_entities, msg.source, msg.parse_mode = (caption, entities,
                                                                        source, mode)
        msg.reply_markup = markup
        return self._message_api(msg)

    def _edit_message_reply_markup(self, p: Params, bot_id: int) -> dict[str, Any]:
        markup = inline_part(parse_reply_markup(p.get("reply_markup")))
        chat, msg = self._target(p, bot_id, "message to edit not found")
        if not msg.from_bot:
            raise bad_request("message can't be edited")
        self._check_reachable(chat)
        check_markup_on_server(markup)
        if markup == inline_part(msg.reply_markup):
            raise bad_request(NOT_MODIFIED)
        self._save_version(msg)
        msg.reply_markup = markup
        return self._message_api(msg)

    def _delete_message(self, p: Params, bot_id: int) -> bool:
        chat, msg = self._target(p, bot_id, "message to delete not found")
        if isinstance(chat, FakeGroup) and not msg.from_bot and not chat.bot_is_admin:
            raise bad_request("message can't be deleted")
        msg.deleted = True
        return True

    def _pin_chat_message(self, p: Params, bot_id: int) -> bool:
        chat, msg = self._target(p, bot_id, "message to pin not found")
        if isinstance(chat, FakeGroup) and not chat.bot_is_admin:
            raise bad_request("not enough rights to manage pinned messages in the chat")
        self._check_reachable(chat)
        self.pinned.setdefault(chat.id, []).append(msg.message_id)
        return True

    def _unpin_chat_message(self, p: Params, bot_id: int) -> bool:
        chat = self._resolve_chat(p.get("chat_id"))
        pins = self.pinned.get(chat.id, [])
        message_id = p.integer("message_id")
        if message_id is None and pins:
            pins.pop()
        elif message_id in pins:
            pins.remove(message_id)
        return True

    def _answer_callback_query(self, p: Params, bot_id: int) -> bool:
        query_id = p.text("callback_query_id")
        text = p.text("text")
        query = self._callbacks.get(query_id or "")
        if (query is None or query.answered
                or time.monotonic() - query.created > self.callback_answer_timeout):
            raise bad_request(QUERY_TOO_OLD)
        if text and len(text) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        self._callback_answers.append((str(query_id), text, p.flag("show_alert")))
        return True

    # ----- methods: forum topics ----------------------------------------------------------------

    def _forum_chat(self, p: Params) -> FakeGroup:
        chat = self._resolve_chat(p.get("chat_id"))
        if not isinstance(chat, FakeGroup) or not chat.is_forum:
            raise bad_request("the chat is not a forum")
        self._check_reachable(chat)
        return chat

    def _topic(self, chat: FakeGroup, p: Params) -> Topic:
        topic = chat.topics.get(p.integer("message_thread_id") or 0)
        if topic is None or topic.deleted:
            raise bad_request("TOPIC_ID_INVALID")
        if not chat.bot_manages_topics and not topic.created_by_bot:
            raise bad_request("CHAT_ADMIN_REQUIRED")  # wording not verified
        return topic

    def _topic_service_message(self, chat: FakeGroup, bot_id: int, topic_id: int,
                               content: dict[str, Any]) -> StoredMessage:
        msg = self._new_message(chat.id, sender_id=bot_id, from_bot=True, method="service",
                                kind="service", thread_id=topic_id)
        msg.content = content
        return msg

    def _create_forum_topic(self, p: Params, bot_id: int) -> dict[str, Any]:
        chat = self._forum_chat(p)
        name = p.text("name")
        if not name:
            raise bad_request("TOPIC_TITLE_EMPTY")  # wording not verified
        if len(name) > 128:
            raise bad_request("TOPIC_TITLE_INVALID")  # wording not verified
        if not chat.bot_manages_topics:
            raise bad_request("not enough rights to create a topic")
        icon_color = p.integer("icon_color") or TOPIC_ICON_COLORS[0]
        emoji = p.text("icon_custom_emoji_id")
        created: dict[str, Any] = {"name": name, "icon_color": icon_color}
        if emoji:
            created["icon_custom_emoji_id"] = emoji
        msg = self._topic_service_message(chat, bot_id, 0, {"forum_topic_created": created})
        msg.thread_id = msg.message_id
        topic = Topic(msg.message_id, name, icon_color, emoji)
        chat.topics[topic.thread_id] = topic
        return topic.api()

    def _edit_forum_topic(self, p: Params, bot_id: int) -> bool:
        chat = self._forum_chat(p)
        topic = self._topic(chat, p)
        name = p.text("name")
        emoji = p.data.get("icon_custom_emoji_id")
        if name is not None and len(name) > 128:
            raise bad_request("TOPIC_TITLE_INVALID")  # wording not verified
        new_name = name if name is not None else topic.name
        new_emoji = topic.icon_custom_emoji_id if emoji is None else (emoji or None)
        if (new_name, new_emoji) == (topic.name, topic.icon_custom_emoji_id):
            raise bad_request("TOPIC_NOT_MODIFIED")
        edited: dict[str, Any] = {}
        if new_name != topic.name:
            edited["name"] = new_name
        if new_emoji != topic.icon_custom_emoji_id:
            edited["icon_custom_emoji_id"] = new_emoji or ""
        topic.name, topic.icon_custom_emoji_id = new_name, new_emoji
        self._topic_service_message(chat, bot_id, topic.thread_id, {"forum_topic_edited": edited})
        return True

    def _set_topic_closed(self, p: Params, bot_id: int, closed: bool) -> bool:
        chat = self._forum_chat(p)
        topic = self._topic(chat, p)
        if topic.closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        key = "forum_topic_closed" if closed else "forum_topic_reopened"
        self._topic_service_message(chat, bot_id, topic.thread_id, {key: {}})
        return True

    def _close_forum_topic(self, p: Params, bot_id: int) -> bool:
        return self._set_topic_closed(p, bot_id, True)

    def _reopen_forum_topic(self, p: Params, bot_id: int) -> bool:
        return self._set_topic_closed(p, bot_id, False)

    def _delete_forum_topic(self, p: Params, bot_id: int) -> bool:
        chat = self._forum_chat(p)
        topic = self._topic(chat, p)
        if not chat.bot_is_admin:
            raise bad_request("CHAT_ADMIN_REQUIRED")  # wording not verified
        topic.deleted = True
        for msg in self._messages.values():
            if msg.chat_id == chat.id and msg.thread_id == topic.thread_id:
                msg.deleted = True
        return True

    # ----- methods: files ---------------------------------------------------------------------

    def _get_file(self, p: Params, bot_id: int) -> dict[str, Any]:
        record = self._files.get(p.text("file_id") or "")
        if record is None:
            raise bad_request("invalid file_id")
        if len(record.data) > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {"file_id": record.file_id, "file_unique_id": record.file_unique_id,
                "file_size": len(record.data), "file_path": record.file_path}
