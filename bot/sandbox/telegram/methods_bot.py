"""Bot API methods: the bot, updates, commands and chats."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from bot.sandbox.telegram.checks import Checks
from bot.sandbox.telegram.limits import (
    BOT_COMMAND_RE,
    BOT_TEXT_LIMITS,
    CHAT_ACTIONS,
    CONFLICT_POLL,
    CONFLICT_WEBHOOK,
    DEFAULT_ALLOWED_UPDATES,
    MAX_DOWNLOAD,
    ApiError,
    bad_request,
)
from bot.sandbox.telegram.model import Chat, FakeGroup, FakeUser
from bot.sandbox.telegram.params import Params


class BotMethods(Checks):
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

    def _get_file(self, p: Params, bot_id: int) -> dict[str, Any]:
        record = self._files.get(p.text("file_id") or "")
        if record is None:
            raise bad_request("invalid file_id")
        if len(record.data) > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {"file_id": record.file_id, "file_unique_id": record.file_unique_id,
                "file_size": len(record.data), "file_path": record.file_path}
