"""The desk board's settings (issue 15), mixed into bot.config.Settings: where the board is
served and by which addresses people reach it."""

from __future__ import annotations

import re

from pydantic import BaseModel, field_validator, model_validator


class BoardSettings(BaseModel):
    # The board's public address, e.g. https://desk.example.com/board (HTTPS: Telegram opens
    # only HTTPS Web Apps). Empty: no board, and /board says so.
    board_url: str | None = None
    # host:port for the board in polling mode (in webhook mode it is on WEBHOOK_LISTEN under
    # /board too). Behind the reverse proxy with TLS, like the webhook.
    board_listen: str | None = None
    # The Mini App's direct link registered with @BotFather (/newapp), e.g.
    # https://t.me/masterdesk_bot/board: what /board answers in the desk group, where Web App
    # buttons are not allowed.
    board_app_link: str | None = None

    @model_validator(mode="after")
    def _listen_needs_url(self) -> BoardSettings:
        if self.board_listen and not self.board_url:
            raise ValueError("BOARD_LISTEN is set but BOARD_URL is empty: set the board's "
                             "public address, e.g. BOARD_URL=https://desk.example.com/board")
        return self

    @field_validator("board_url", "board_listen", "board_app_link", mode="before")
    @classmethod
    def _empty_board(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("board_url")
    @classmethod
    def _board_url(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", v.strip()):
            raise ValueError("must be the board's address, e.g. https://desk.example.com/board")
        return v.strip().rstrip("/") if v else v

    @field_validator("board_app_link")
    @classmethod
    def _app_link(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"https://t\.me/[A-Za-z0-9_]+/[A-Za-z0-9_]+",
                                              v.strip()):
            raise ValueError("must be the Mini App's link, e.g. https://t.me/masterdesk_bot/board")
        return v.strip() if v else v

    @field_validator("board_listen")
    @classmethod
    def _board_listen(cls, v: str | None) -> str | None:
        m = re.fullmatch(r"[^:\s]+:(\d{1,5})", v) if v is not None else None
        if v is not None and (m is None or not 1 <= int(m.group(1)) <= 65535):
            raise ValueError("must be host:port, e.g. 127.0.0.1:8081")
        return v
