"""Telegram's proofs as Telegram makes them, for the board's tests: a Mini App's initData and
the Login Widget's fields, signed with the bot token the way core.telegram.org describes."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode


def _lines(fields: dict[str, str]) -> bytes:
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields)).encode()


def init_data(token: str, user_id: int, *, first_name: str = "Manager", language: str = "en",
              auth_date: float | None = None) -> str:
    fields = {"query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
              "user": json.dumps({"id": user_id, "first_name": first_name,
                                  "language_code": language}, separators=(",", ":")),
              "auth_date": str(int(time.time() if auth_date is None else auth_date))}
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, _lines(fields), hashlib.sha256).hexdigest()
    return urlencode(fields)


def login_fields(token: str, user_id: int, *, auth_date: float | None = None
                 ) -> dict[str, str]:
    fields = {"id": str(user_id), "first_name": "Manager", "username": "manager",
              "auth_date": str(int(time.time() if auth_date is None else auth_date))}
    secret = hashlib.sha256(token.encode()).digest()
    fields["hash"] = hmac.new(secret, _lines(fields), hashlib.sha256).hexdigest()
    return fields
