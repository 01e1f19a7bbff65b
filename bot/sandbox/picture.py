"""The sandbox's sample photo: a small PNG drawn here (a house under a sun), so that "send a
photo" needs no file and no network."""

from __future__ import annotations

import struct
import zlib

WIDTH, HEIGHT = 320, 200


def _pixel(x: int, y: int) -> tuple[int, int, int]:
    if (x - 260) ** 2 + (y - 45) ** 2 < 24 ** 2:
        return 250, 200, 60  # the sun
    roof = 70 <= y < 110 and abs(x - 160) < (y - 70) * 1.6 + 4
    if roof:
        return 170, 60, 50
    if 110 <= y < 175 and 100 <= x < 220:
        if 140 <= y < 175 and 150 <= x < 172:
            return 110, 70, 40  # the door
        if 122 <= y < 142 and (115 <= x < 137 or 185 <= x < 207):
            return 150, 200, 230  # windows
        return 230, 215, 180
    if y >= 175:
        return 90, 160, 80  # grass
    shade = y * 100 // HEIGHT
    return 120 + shade // 2, 180 + shade // 3, 240


def sample_png() -> bytes:
    rows = bytearray()
    for y in range(HEIGHT):
        rows.append(0)  # no filter
        for x in range(WIDTH):
            rows.extend(_pixel(x, y))
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
