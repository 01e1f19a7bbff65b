"""The fake Telegram Bot API: strict (Telegram's limits and error replies), in-process, used by
the end-to-end tests and by `python -m bot sandbox`."""

from bot.sandbox.telegram.html import EntityParseError, parse_html
from bot.sandbox.telegram.limits import EDIT_METHODS, SEND_METHODS, ApiError
from bot.sandbox.telegram.markup import check_markup_on_server, parse_reply_markup
from bot.sandbox.telegram.model import Call, RateLimits
from bot.sandbox.telegram.server import FakeTelegram
from bot.sandbox.telegram.text import utf16_len

__all__ = ["EDIT_METHODS", "SEND_METHODS", "ApiError", "Call", "EntityParseError",
           "FakeTelegram", "RateLimits", "check_markup_on_server", "parse_html",
           "parse_reply_markup", "utf16_len"]
