"""Ids typed by people or carried in buttons: ASCII digits only, within the database's range.

Every id column is a 32-bit integer on PostgreSQL, and SQLite refuses anything past 64 bits,
so a number out of that range must read as "no such order", never reach a query.
"""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1
_NUMBER = re.compile(r"#?([0-9]+)")  # ASCII only: "²".isdigit() is True, int("²") fails


def parse_id(token: str) -> int | None:
    """`12` or `#12` → 12; None when the token is not a number at all. The number may still be
    out of range: check it with `is_id`."""
    m = _NUMBER.fullmatch(token.strip())
    if m is None:
        return None
    digits = m.group(1).lstrip("0") or "0"
    return int(digits) if len(digits) <= 12 else MAX_ID + 1  # never int() a 5,000-digit text


def is_id(n: int) -> bool:
    return 1 <= n <= MAX_ID
