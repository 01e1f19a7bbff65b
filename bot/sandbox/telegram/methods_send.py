"""Bot API methods that post messages."""

from __future__ import annotations

from typing import Any

from bot.sandbox.telegram.checks import Checks
from bot.sandbox.telegram.limits import MAX_ALBUM, bad_request
from bot.sandbox.telegram.markup import parse_reply_markup
from bot.sandbox.telegram.model import StoredMessage
from bot.sandbox.telegram.params import Params


class SendMethods(Checks):
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
