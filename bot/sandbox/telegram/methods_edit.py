"""Bot API methods that change messages and topics."""

from __future__ import annotations

import time
from typing import Any

from bot.sandbox.telegram.checks import Checks
from bot.sandbox.telegram.limits import (
    CALLBACK_ANSWER_LIMIT,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    TOPIC_ICON_COLORS,
    bad_request,
)
from bot.sandbox.telegram.markup import check_markup_on_server, inline_part, parse_reply_markup
from bot.sandbox.telegram.model import FakeGroup, StoredMessage, Topic
from bot.sandbox.telegram.params import Params, _now


class EditMethods(Checks):
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
