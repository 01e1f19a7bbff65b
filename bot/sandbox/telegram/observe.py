"""What a test reads back, and the HTTP plumbing of the Bot API."""

from __future__ import annotations

import asyncio
import inspect
import math
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from bot.sandbox.telegram.checks import Checks
from bot.sandbox.telegram.limits import TOKEN_RE, ApiError, bad_request, too_many_requests
from bot.sandbox.telegram.model import (
    Call,
    FakeGroup,
    FakeUser,
    FileRecord,
    StoredMessage,
    _Upload,
)
from bot.sandbox.telegram.params import Params, _short


class Observe(Checks):
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

    def file(self, file_id: str) -> FileRecord | None:
        """A file the fake holds (sent by a user or uploaded by the bot), by its file_id."""
        return self._files.get(file_id)

    def group(self, chat_id: int) -> FakeGroup | None:
        return self._groups.get(chat_id)

    def user(self, user_id: int) -> FakeUser | None:
        return self._users.get(user_id)

    def upload_photo(self, data: bytes) -> str:
        """A photo known to the fake without a message (e.g. demo data); its file_id."""
        return str(self._register_photo(data)[-1]["file_id"])

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
