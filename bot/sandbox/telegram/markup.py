"""Links, trimming and reply markup, checked as the Bot API checks them."""

from __future__ import annotations

import json
from typing import Any, Final

from bot.sandbox.telegram.limits import CALLBACK_DATA_LIMIT, MAX_INLINE_BUTTONS, bad_request

# --- reply markup -------------------------------------------------------------------------------

_INLINE_ACTIONS: Final = (
    "callback_data", "url", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)


def parse_reply_markup(raw: Any) -> dict[str, Any] | None:
    """Decode and check ``reply_markup`` as the Bot API does before the request leaves it."""
    if raw is None or raw == "":
        return None
    markup = raw
    if isinstance(raw, str):
        try:
            markup = json.loads(raw)
        except ValueError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of '
                              "Arrays")
    elif not ("remove_keyboard" in markup or "force_reply" in markup):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array '
                          "of Arrays")
    for row in rows:
        for button in row:
            prefix = "can't parse inline keyboard button: "
            if not isinstance(button, dict):
                raise bad_request(prefix + "InlineKeyboardButton must be an Object")
            if "text" not in button:
                raise bad_request(prefix + "Can't find field \"text\"")
            if not isinstance(button["text"], str):
                raise bad_request(prefix + 'Field "text" must be of type String')
            present = [k for k in _INLINE_ACTIONS if button.get(k) is not None
                       and not (k in ("callback_data", "url") and button[k] == "")]
            if not present:
                raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
            url = button.get("url")
            if url:
                scheme = url.split("://", 1)[0].lower() if "://" in url else ""
                if scheme and scheme not in ("http", "https", "tg"):
                    raise bad_request(f"inline keyboard button URL '{url}' is invalid: "
                                      "Unsupported URL protocol")
                if not scheme and "." not in url:
                    raise bad_request(f"inline keyboard button URL '{url}' is invalid: "
                                      "Wrong HTTP URL")


def check_markup_on_server(markup: dict[str, Any] | None) -> None:
    """Checks Telegram's servers make (after the Bot API accepted the request)."""
    rows = (markup or {}).get("inline_keyboard")
    if not rows:
        return
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    for row in rows:
        for button in row:
            if not button["text"].strip():
                raise bad_request("BUTTON_TEXT_EMPTY")  # wording not verified against Telegram
            data = button.get("callback_data")
            if data is not None and data != "":
                if len(str(data).encode("utf-8")) > CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")


def inline_part(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """A message keeps only an inline keyboard; reply keyboards are not part of it."""
    return markup if markup and "inline_keyboard" in markup else None


