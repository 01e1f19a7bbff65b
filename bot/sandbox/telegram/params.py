"""A request's parameters, and small helpers (a tiny PNG, the time)."""

from __future__ import annotations

import json
import struct
import time
import zlib
from collections.abc import Callable
from typing import Any, Final, TypeVar

from bot.sandbox.telegram.limits import _JSON_PARAMS, bad_request
from bot.sandbox.telegram.model import _Upload

N = TypeVar("N", int, float)

# --- request parameters ----------------------------------------------------------------------

class Params:
    """The parameters of one request, whatever way they came."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def get(self, name: str) -> Any:
        value = self.data.get(name)
        return None if value is None or value == "" else value

    def text(self, name: str) -> str | None:
        value = self.get(name)
        return None if value is None else str(value)

    def integer(self, name: str) -> int | None:
        return self._as(name, int)

    def number(self, name: str) -> float | None:
        return self._as(name, float)

    def _as(self, name: str, kind: Callable[[Any], N]) -> N | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        return self.get(name) in (True, 1, "true", "True", "1")

    def json(self, name: str, error: str | None = None) -> Any:
        value = self.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(error or f"can't parse {name} JSON object") from None
        return value

    def upload(self, name: str) -> _Upload | None:
        value = self.data.get(name)
        return value if isinstance(value, _Upload) else None

    def public(self) -> dict[str, Any]:
        """The parameters for the call log: JSON decoded, uploads described."""
        out: dict[str, Any] = {}
        for key, value in self.data.items():
            if isinstance(value, _Upload):
                out[key] = f"<upload {value.filename!r}, {len(value.data)} bytes>"
            elif key in _JSON_PARAMS and isinstance(value, str):
                try:
                    out[key] = json.loads(value)
                except ValueError:
                    out[key] = value
            else:
                out[key] = value
        return out


# --- small helpers ------------------------------------------------------------------------------

def _tiny_png(seed: int = 0) -> bytes:
    """A valid 1x1 PNG (the colour varies with ``seed``)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixel = bytes([0, seed % 256, (seed * 7) % 256, (seed * 13) % 256])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixel)) + chunk(b"IEND", b""))


def _looks_like_image(data: bytes) -> bool:
    return (data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM"))
            or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"))


def _now() -> int:
    return int(time.time())


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


_SENDER: Final = object()  # default of user_sends_contact's contact_user_id: the sender


