"""The board's sign-in proofs (issue 15): a Mini App's initData and the Login Widget's fields
are accepted only when Telegram signed them with this bot's token and they are fresh; the
session cookie cannot be altered or outlive its time."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.board.auth import MAX_AGE, AuthError, Sessions, check_init_data, check_login
from tests.support.board import init_data, login_fields

TOKEN = "42:" + "A" * 35
OTHER = "43:" + "B" * 35


def test_good_init_data_names_the_user() -> None:
    viewer = check_init_data(init_data(TOKEN, 700, first_name="Olga", language="pl"), TOKEN)
    assert (viewer.user_id, viewer.first_name, viewer.language_code) == (700, "Olga", "pl")


def test_tampered_init_data_is_refused() -> None:
    fields = dict(parse_qsl(init_data(TOKEN, 700)))
    fields["user"] = fields["user"].replace("700", "701")  # someone else, same hash
    with pytest.raises(AuthError, match="signature"):
        check_init_data(urlencode(fields), TOKEN)


def test_init_data_of_another_bot_is_refused() -> None:
    with pytest.raises(AuthError, match="signature"):
        check_init_data(init_data(OTHER, 700), TOKEN)


@pytest.mark.parametrize("data", ["", "hash=", "user=%7B%7D&auth_date=1", "&&=&"])
def test_garbage_is_refused(data: str) -> None:
    with pytest.raises(AuthError):
        check_init_data(data, TOKEN)


def test_expired_init_data_is_refused() -> None:
    old = time.time() - MAX_AGE - 60
    with pytest.raises(AuthError, match="too old"):
        check_init_data(init_data(TOKEN, 700, auth_date=old), TOKEN)
    # the same proof was good while it was fresh
    assert check_init_data(init_data(TOKEN, 700, auth_date=old), TOKEN,
                           now=old + 60).user_id == 700


def test_init_data_dated_ahead_is_refused() -> None:
    with pytest.raises(AuthError, match="future"):
        check_init_data(init_data(TOKEN, 700, auth_date=time.time() + 3600), TOKEN)


def test_login_widget_good_tampered_and_expired() -> None:
    assert check_login(login_fields(TOKEN, 700), TOKEN).user_id == 700
    forged = {**login_fields(TOKEN, 700), "id": "701"}
    with pytest.raises(AuthError, match="signature"):
        check_login(forged, TOKEN)
    # the Mini App's key does not sign a widget login, nor the other way round
    with pytest.raises(AuthError, match="signature"):
        check_login(dict(parse_qsl(init_data(TOKEN, 700))), TOKEN)
    with pytest.raises(AuthError, match="too old"):
        check_login(login_fields(TOKEN, 700, auth_date=time.time() - MAX_AGE - 1), TOKEN)


def test_a_session_reads_back_and_cannot_be_altered_or_outlive_its_time() -> None:
    sessions = Sessions(TOKEN, seconds=3600)
    cookie = sessions.issue(700, "pl", now=1_000_000)
    session = sessions.read(cookie, now=1_000_100)
    assert session is not None and (session.user_id, session.locale) == (700, "pl")
    assert sessions.read(cookie.replace("700.", "701.", 1), now=1_000_100) is None
    assert sessions.read(cookie, now=1_000_000 + 3601) is None
    assert Sessions(OTHER).read(cookie, now=1_000_100) is None  # another token's key
    assert sessions.read(None) is None and sessions.read("a.b.c.d") is None
