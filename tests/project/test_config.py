"""Settings: every one documented, bad values named in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:" + "A" * 30


def test_every_setting_is_in_env_example_and_the_readme() -> None:
    example = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    readme = (ROOT / "README.md").read_text()
    names = {name.upper() for name in Settings.model_fields}
    assert names == example
    assert [n for n in sorted(names) if f"`{n}`" not in readme] == []


def test_env_example_loads_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    s = load_settings()
    assert s.redis_url is None and s.webhook_url is None and s.admin_ids == []
    assert s.timing.triage.total_seconds() == 1800


@pytest.mark.parametrize(("field", "value", "message"), [
    ("bot_token", "nonsense", "BOT_TOKEN is invalid"),
    ("desk_chat_id", "desk", "DESK_CHAT_ID is invalid"),
    ("admin_ids", "1, two", "ADMIN_IDS is invalid"),
    ("timezone", "Mars/Olympus", "TIMEZONE is invalid"),
    ("default_locale", "de", "DEFAULT_LOCALE is invalid"),
    ("database_url", "mysql://x", "DATABASE_URL is invalid"),
    ("offer_minutes", "-1", "OFFER_MINUTES is invalid"),
    ("metrics_listen", "9100", "METRICS_LISTEN is invalid"),
    ("metrics_listen", "127.0.0.1:70000", "METRICS_LISTEN is invalid"),
    ("fsm_ttl_days", "0", "FSM_TTL_DAYS is invalid"),
    ("outbox_keep_days", "two weeks", "OUTBOX_KEEP_DAYS is invalid"),
])
def test_a_bad_setting_is_named(field: str, value: str, message: str,
                                monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    values = {"bot_token": TOKEN, "desk_chat_id": "-1001234567", field: value}
    with pytest.raises(ConfigError) as err:
        load_settings(**values)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


# --- issue 9 item 1: webhook mode never runs open ----------------------------------------

def test_webhook_mode_without_a_secret_refuses_to_start(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as err:
        load_settings(bot_token=TOKEN, desk_chat_id="-1001234567",
                      webhook_url="https://desk.example.com", webhook_secret="  ")
    text = str(err.value)
    assert text.startswith("WEBHOOK_SECRET is not set") and "\n" not in text
    suggested = re.search(r"WEBHOOK_SECRET=([A-Za-z0-9_-]+)\)", text)
    assert suggested and len(suggested.group(1)) >= 40  # a strong one, ready to paste
    # ...and the suggestion is accepted as it is
    s = load_settings(bot_token=TOKEN, desk_chat_id="-1001234567",
                      webhook_url="https://desk.example.com", webhook_secret=suggested.group(1))
    assert s.webhook_secret == suggested.group(1)


@pytest.mark.parametrize("secret", ["short", "has space in it 12345", "ünïcödé-secret-123456",
                                    "a" * 257, "semi;colon;secret;123"])
def test_a_weak_or_malformed_webhook_secret_is_named(secret: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as err:
        load_settings(bot_token=TOKEN, desk_chat_id="-1001234567",
                      webhook_url="https://desk.example.com", webhook_secret=secret)
    assert str(err.value).startswith("WEBHOOK_SECRET is invalid")


def test_the_webhook_listens_on_loopback_by_default(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WEBHOOK_LISTEN", raising=False)
    s = load_settings(bot_token=TOKEN, desk_chat_id="-1001234567")
    assert s.webhook_listen.startswith("127.0.0.1:")
