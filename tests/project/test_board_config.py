"""The board's settings (issue 15): bad values are named in one line; a board listener
without the board's address is refused before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456:" + "A" * 30


@pytest.mark.parametrize(("values", "message"), [
    ({"board_url": "desk.example.com/board"}, "BOARD_URL is invalid"),
    ({"board_url": "https://desk.example.com/board",
      "board_app_link": "https://example.com/app"}, "BOARD_APP_LINK is invalid"),
    ({"board_url": "https://desk.example.com/board", "board_listen": "8081"},
     "BOARD_LISTEN is invalid"),
    ({"board_listen": "127.0.0.1:8081"}, "BOARD_LISTEN is set but BOARD_URL is empty"),
])
def test_a_bad_board_setting_is_named(values: dict[str, str], message: str,
                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as err:
        load_settings(bot_token=TOKEN, desk_chat_id="-1001234567", **values)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_good_board_settings_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings(bot_token=TOKEN, desk_chat_id="-1001234567",
                      board_url="https://desk.example.com/board/", board_listen="127.0.0.1:8081",
                      board_app_link="https://t.me/masterdesk_bot/board")
    assert s.board_url == "https://desk.example.com/board"  # no trailing slash
    assert (s.board_listen, s.board_app_link) == ("127.0.0.1:8081",
                                                  "https://t.me/masterdesk_bot/board")
    empty = load_settings(bot_token=TOKEN, desk_chat_id="-1001234567", board_url="",
                          board_listen=" ", board_app_link="")
    assert (empty.board_url, empty.board_listen, empty.board_app_link) == (None, None, None)
