"""What the page shows, as JSON: the people, each private chat, the desk's topics and messages,
the sandbox's time, and the answers to button presses (Telegram's toasts and alerts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.app import App
from bot.sandbox.telegram import FakeTelegram
from bot.sandbox.world import DESK_CHAT_ID, SandboxClock, World


@dataclass
class Sandbox:
    fake: FakeTelegram
    world: World
    clock: SandboxClock
    app: App | None = None  # set once the bot is built
    presses: dict[str, int] = field(default_factory=dict)  # callback query id -> who pressed


def message_view(fake: FakeTelegram, snap: dict[str, Any]) -> dict[str, Any]:
    """One message as a phone draws it."""
    content = snap["content"]
    sender = fake.user(snap["sender_id"])
    out: dict[str, Any] = {
        "id": snap["message_id"], "thread": snap["thread_id"], "from_bot": snap["from_bot"],
        "sender": sender.first_name if sender else "Masterdesk", "sender_id": snap["sender_id"],
        "kind": snap["kind"], "text": snap["text"] if snap["text"] is not None
        else snap["caption"], "entities": snap["entities"], "date": snap["date"],
        "markup": snap["reply_markup"], "edited": snap["edited"], "deleted": snap["deleted"],
        "album": snap["media_group_id"],
    }
    if "photo" in content:
        out["photo"] = content["photo"][-1]["file_id"]
    if "document" in content:
        out["document"] = content["document"].get("file_name") or "file"
    if "location" in content:
        out["location"] = content["location"]
    if "contact" in content:
        out["contact"] = content["contact"]
    for key in ("forum_topic_created", "forum_topic_edited", "forum_topic_closed",
                "forum_topic_reopened"):
        if key in content:
            out["service"] = {"kind": key, **(content[key] or {})}
    return out


def page_state(sandbox: Sandbox) -> dict[str, Any]:
    fake = sandbox.fake
    chats = {str(p.id): [message_view(fake, m) for m in fake.history(p.id)
                         if not m["deleted"]]
             for p in sandbox.world.people.values() if p.phone != "desk"}
    desk = [message_view(fake, m) for m in fake.history(DESK_CHAT_ID) if not m["deleted"]]
    topics = [{"id": t["message_thread_id"], "name": t["name"], "closed": t["closed"],
               "color": t["icon_color"]}
              for t in fake.topics(DESK_CHAT_ID) if not t["deleted"]]
    answers = [{"n": n, "user": sandbox.presses.get(query_id), "text": text, "alert": alert}
               for n, (query_id, text, alert) in enumerate(fake.callback_answers()) if text]
    now = sandbox.clock.now()
    return {
        "bot": fake.bot_username, "desk_id": DESK_CHAT_ID,
        "clock": now.isoformat(timespec="minutes"),
        "offset_hours": sandbox.clock.offset.total_seconds() / 3600,
        "people": [p.api() for p in sandbox.world.people.values()],
        "chats": chats, "desk": desk, "topics": topics, "answers": answers[-20:],
    }
