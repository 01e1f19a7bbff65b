"""The sandbox's web page and the small JSON API behind it, served by aiohttp from the same
process as the bot and the fake Bot API. The page polls /api/state; every action is one POST
that makes a person do what he would do in Telegram (write, press, share), through the fake."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.domain.errors import DomainError
from bot.sandbox.picture import sample_png
from bot.sandbox.state import Sandbox, page_state
from bot.sandbox.world import DESK_CHAT_ID, SAMPLE_LOCATION
from bot.services.deadlines import next_due
from bot.services.users import set_locale

STATIC = Path(__file__).with_name("static")
Action = Callable[[Sandbox, dict[str, Any]], Awaitable[Any] | Any]


def _where(sandbox: Sandbox, body: dict[str, Any]) -> tuple[int, int | None, int | None]:
    """(user, chat or None for his private chat, thread) of an action."""
    user_id = int(body["user"])
    if user_id not in sandbox.world.people:
        raise ValueError(f"unknown person {user_id}")
    if body.get("chat") == "desk":
        thread = body.get("thread")
        return user_id, DESK_CHAT_ID, int(thread) if thread else None
    return user_id, None, None


def send_text(sandbox: Sandbox, body: dict[str, Any]) -> None:
    user_id, chat, thread = _where(sandbox, body)
    text = str(body.get("text") or "").strip()
    if not text:
        raise ValueError("nothing to send")
    sandbox.fake.user_sends_text(user_id, text, chat, thread)


def send_photo(sandbox: Sandbox, body: dict[str, Any]) -> None:
    user_id, chat, thread = _where(sandbox, body)
    sandbox.fake.user_sends_photo(user_id, body.get("caption") or None, chat, thread,
                                  data=sample_png())


def send_location(sandbox: Sandbox, body: dict[str, Any]) -> None:
    user_id, chat, thread = _where(sandbox, body)
    sandbox.fake.user_sends_location(user_id, *SAMPLE_LOCATION, chat_id=chat, thread_id=thread)


def send_contact(sandbox: Sandbox, body: dict[str, Any]) -> None:
    user_id, _, _ = _where(sandbox, body)
    person = sandbox.world.people[user_id]
    sandbox.fake.user_sends_contact(user_id, person.phone_number)


def press(sandbox: Sandbox, body: dict[str, Any]) -> None:
    user_id, chat, _ = _where(sandbox, body)
    update = sandbox.fake.user_clicks_data(user_id, chat or user_id, int(body["message"]),
                                           str(body["data"]))
    sandbox.presses[update["callback_query"]["id"]] = user_id


def add_person(sandbox: Sandbox, body: dict[str, Any]) -> dict[str, object]:
    return sandbox.world.add(str(body["role"]), language=str(body.get("language") or "en")).api()


async def set_language(sandbox: Sandbox, body: dict[str, Any]) -> dict[str, object]:
    person = sandbox.world.set_language(int(body["user"]), str(body["language"]))
    if sandbox.app is not None:
        try:  # the language he chose in the bot, if the bot knows him already
            await set_locale(sandbox.app.ctx, person.id, person.language)
        except DomainError:  # not known to the bot yet: his next update carries it
            pass
    return person.api()


async def fast_forward(sandbox: Sandbox, body: dict[str, Any]) -> dict[str, object]:
    hours = float(body["hours"])
    if not 0 < hours <= 24 * 7:
        raise ValueError("fast-forward by 0 to 168 hours")
    offset = sandbox.clock.offset + timedelta(hours=hours)  # exactly `hours` ahead in the end
    target = sandbox.clock.now() + timedelta(hours=hours)
    fired = 0
    if sandbox.app is not None:
        # From one due time to the next: each deadline fires at its own moment (a reminder
        # before its escalation, none "noticed late" as if the bot had been offline), and
        # what a firing plans is met on the way.
        for _ in range(MAX_STEPS):
            due = await next_due(sandbox.app.ctx)
            if due is None or due > target:
                break
            sandbox.clock.set(due)
            n = await sandbox.app.clock.run()
            fired += n
            if n == 0 and due < sandbox.clock.now():
                break  # due but not fired (held): nothing more to step through
        sandbox.clock.offset = max(sandbox.clock.offset, offset)
        fired += await sandbox.app.clock.run()
        sandbox.app.sender.wake()
    else:
        sandbox.clock.offset = offset
    return {"clock": sandbox.clock.now().isoformat(timespec="minutes"), "fired": fired}


MAX_STEPS = 1000  # due times stepped through in one fast-forward


ACTIONS: dict[str, Action] = {
    "send": send_text, "photo": send_photo, "location": send_location, "contact": send_contact,
    "press": press, "person": add_person, "language": set_language, "clock": fast_forward,
}


def make_page(sandbox: Sandbox) -> web.Application:
    page = web.Application()

    async def index(request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    async def state(request: web.Request) -> web.Response:
        return web.json_response(page_state(sandbox))

    async def file(request: web.Request) -> web.Response:
        record = sandbox.fake.file(request.match_info["file_id"])
        if record is None:
            raise web.HTTPNotFound()
        return web.Response(body=record.data, content_type=record.mime_type or "image/png")

    async def sample(request: web.Request) -> web.Response:
        return web.Response(body=sample_png(), content_type="image/png")

    async def act(request: web.Request) -> web.Response:
        action = ACTIONS.get(request.match_info["action"])
        if action is None:
            raise web.HTTPNotFound()
        try:
            result = action(sandbox, await request.json())
            if isinstance(result, Awaitable):
                result = await result
        except (KeyError, TypeError, ValueError, AssertionError) as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        return web.json_response({"ok": True, "result": result})

    page.router.add_get("/", index)
    page.router.add_get("/api/state", state)
    page.router.add_get("/file/{file_id}", file)
    page.router.add_get("/sample.png", sample)
    page.router.add_post("/api/{action}", act)
    page.router.add_static("/static", STATIC)
    return page
