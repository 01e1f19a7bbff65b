"""Who is looking at the board: Telegram's own proofs, checked exactly as Telegram specifies,
and the board's signed session cookie that spares every page and poll a second check.

- A Mini App gets `initData` (a query string) signed with HMAC-SHA256 under the key
  HMAC_SHA256(key="WebAppData", msg=bot_token); the hash covers the other fields as sorted
  `key=value` lines joined by newlines (core.telegram.org/bots/webapps, "Validating data").
- A desktop browser gets the Login Widget's fields, signed with HMAC-SHA256 under the key
  SHA256(bot_token) over the same kind of lines (core.telegram.org/widgets/login).
Both carry `auth_date`: a proof older than MAX_AGE is refused, so a leaked one does not open
the board forever. Membership of the desk is checked afterwards, by the caller.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl

MAX_AGE = 24 * 3600  # seconds a Telegram proof is accepted after it was made
FUTURE_SLACK = 300  # seconds of clock skew tolerated for a proof dated ahead of us
SESSION_SECONDS = 12 * 3600  # a board session, then Telegram's proof is asked again


class AuthError(Exception):
    """The proof is missing, forged or too old; the message says which (for the log)."""


@dataclass(frozen=True)
class Viewer:
    user_id: int
    first_name: str
    language_code: str | None


def _lines(fields: dict[str, str]) -> bytes:
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields)).encode()


def _checked(fields: dict[str, str], secret: bytes, now: float, max_age: float) -> None:
    given = fields.pop("hash", "")
    expected = hmac.new(secret, _lines(fields), hashlib.sha256).hexdigest()
    if not given or not hmac.compare_digest(expected, given.lower()):
        raise AuthError("the signature does not match")
    try:
        made = int(fields.get("auth_date", ""))
    except ValueError:
        raise AuthError("no auth_date") from None
    if now - made > max_age:
        raise AuthError("the proof is too old")
    if made - now > FUTURE_SLACK:
        raise AuthError("the proof is dated in the future")


def web_app_secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def check_init_data(init_data: str, bot_token: str, now: float | None = None,
                    max_age: float = MAX_AGE) -> Viewer:
    """The Mini App's user, if `init_data` is Telegram's and fresh; AuthError otherwise."""
    try:
        fields = dict(parse_qsl(init_data, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise AuthError("initData is not a query string") from None
    _checked(fields, web_app_secret(bot_token), time.time() if now is None else now, max_age)
    try:
        user = json.loads(fields["user"])
        return Viewer(int(user["id"]), str(user.get("first_name", "")),
                      user.get("language_code"))
    except (KeyError, ValueError, TypeError):
        raise AuthError("initData names no user") from None


def check_login(params: dict[str, str], bot_token: str, now: float | None = None,
                max_age: float = MAX_AGE) -> Viewer:
    """The Login Widget's user, if `params` are Telegram's and fresh; AuthError otherwise."""
    fields = dict(params)
    secret = hashlib.sha256(bot_token.encode()).digest()
    _checked(fields, secret, time.time() if now is None else now, max_age)
    try:
        return Viewer(int(fields["id"]), fields.get("first_name", ""), None)
    except (KeyError, ValueError):
        raise AuthError("the login names no user") from None


@dataclass(frozen=True)
class Session:
    user_id: int
    locale: str
    expires: int


class Sessions:
    """`user.locale.expires.mac`: nothing secret inside, nothing changeable without the key
    (derived from the bot token, so rotating the token ends every session)."""

    def __init__(self, bot_token: str, seconds: int = SESSION_SECONDS) -> None:
        self._key = hmac.new(b"MasterdeskBoardSession", bot_token.encode(),
                             hashlib.sha256).digest()
        self.seconds = seconds

    def _mac(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()

    def issue(self, user_id: int, locale: str, now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + self.seconds)
        body = f"{user_id}.{locale}.{expires}"
        return f"{body}.{self._mac(body)}"

    def read(self, cookie: str | None, now: float | None = None) -> Session | None:
        """The session, or None when the cookie is missing, altered or expired."""
        parts = (cookie or "").split(".")
        if len(parts) != 4:
            return None
        body = ".".join(parts[:3])
        if not hmac.compare_digest(self._mac(body), parts[3]):
            return None
        try:
            session = Session(int(parts[0]), parts[1], int(parts[2]))
        except ValueError:
            return None
        return session if session.expires > (time.time() if now is None else now) else None
