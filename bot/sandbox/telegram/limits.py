"""Telegram's limits, method groups and error replies, as the fake Bot API answers them."""

from __future__ import annotations

import re
from typing import Any, Final

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


