"""An honest fake of the Telegram Bot API, for the end-to-end tests and the sandbox.

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

import socket
from collections.abc import Callable
from typing import Any, Self

from aiohttp import web

from bot.sandbox.telegram.limits import MAX_UPLOAD
from bot.sandbox.telegram.methods_edit import EditMethods
from bot.sandbox.telegram.methods_send import SendMethods
from bot.sandbox.telegram.observe import Observe
from bot.sandbox.telegram.params import Params
from bot.sandbox.telegram.people import People
from bot.sandbox.telegram.webhook import WebhookDelivery


class FakeTelegram(People, Observe, WebhookDelivery, SendMethods, EditMethods):
    """A fake Telegram Bot API server plus the controls a test needs.

    Setup: ``add_user``, ``add_forum``, ``add_topic``. Users act: ``user_sends_*``,
    ``user_clicks``. Observe: ``sent``, ``last``, ``calls``, ``topics``, ``wait_for``,
    ``wait_for_message``, ``buttons``, ``callback_answers``, ``observers`` (called with every
    accepted call and its result). Webhook: ``webhook_address`` (deliveries retried as
    Telegram does), ``webhook_open``, ``webhook_failures``. Faults: ``fail_next``,
    ``storm_429``, ``block_user``, ``remove_bot``, ``set_rate_limits``.
    """

    async def start(self) -> Self:
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

