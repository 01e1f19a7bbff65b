"""Flood limits and what the fake Bot API keeps: users, groups, topics, files, messages."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.telegram.limits import TOPIC_ICON_COLORS, ApiError

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


