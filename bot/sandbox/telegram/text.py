"""Text as Telegram counts it: UTF-16 lengths, links it accepts, trimming."""

from __future__ import annotations

import re
from typing import Any


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _checked_link(url: str) -> str | None:
    url = url.strip()
    if re.match(r"^(https?|tg|ton)://\S+$", url, re.IGNORECASE):
        return url
    if re.match(r"^[\w-]+(\.[\w-]+)+(/\S*)?$", url):
        return f"http://{url}" + ("" if "/" in url else "/")
    return None


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading/trailing whitespace as Telegram does, keeping entities aligned."""
    left = text.lstrip()
    shift = utf16_len(text) - utf16_len(left)
    trimmed = left.rstrip()
    total = utf16_len(trimmed)
    out = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            out.append({**entity, "offset": start, "length": end - start})
    return trimmed, out
