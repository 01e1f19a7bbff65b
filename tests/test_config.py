"""Settings: every one documented, bad values named in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
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
])
def test_a_bad_setting_is_named(field: str, value: str, message: str,
                                monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    values = {"bot_token": TOKEN, "desk_chat_id": "-100123", field: value}
    with pytest.raises(ConfigError) as err:
        load_settings(**values)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)
