"""Issue 10: `python -m bot` starts like a service. Every bad setting, an unwritable database
folder, an unreachable PostgreSQL or Redis: one line naming what to fix, exit 2, before any
request to Telegram (whose address here is a closed port) and before the heavy imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAFakeTokenForMasterdeskTests_0123456"


def run_bot(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("BOT_TOKEN", "DESK_CHAT_ID", "DATABASE_URL", "REDIS_URL")}
    env.update(PYTHONPATH=str(ROOT), BOT_TOKEN=TOKEN, DESK_CHAT_ID="-1001987654321",
               TELEGRAM_API_BASE="http://127.0.0.1:9",  # discard port: nothing answers
               DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/d.sqlite3", REDIS_URL="")
    env.update(settings)
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "bot"], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)


def last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in done.stderr.splitlines() if not ln.startswith("import time:")]
    return lines[-1] if lines else ""


@pytest.mark.parametrize(("setting", "value", "expected"), [
    ("LOG_LEVEL", "LOUD", "masterdesk: LOG_LEVEL is invalid: must be one of DEBUG"),
    ("WEBHOOK_LISTEN", "127.0.0.1:70000", "masterdesk: WEBHOOK_LISTEN is invalid: port 70000"),
    ("DESK_CHAT_ID", "12345", "masterdesk: DESK_CHAT_ID is invalid: must be the desk"),
    ("DESK_HOURS_START", "8", "masterdesk: DESK_HOURS_START is invalid: must be a time as HH:MM"),
    ("DESK_HOURS_END", "25:00", "masterdesk: DESK_HOURS_END is invalid: must be a time as HH:MM"),
])
def test_a_bad_setting_is_named_before_the_heavy_imports(tmp_path: Path, setting: str,
                                                         value: str, expected: str) -> None:
    done = run_bot(tmp_path, **{setting: value})
    assert done.returncode == 2
    assert last_line(done).startswith(expected), done.stderr[-500:]
    imported = done.stderr
    assert "aiogram" not in imported and "sqlalchemy" not in imported


@pytest.mark.parametrize(("settings", "expected"), [
    ({"DATABASE_URL": "sqlite+aiosqlite:///{tmp}/a-file/d.sqlite3"},
     "masterdesk: DATABASE_URL: cannot write to the folder"),
    ({"DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/masterdesk"},
     "masterdesk: DATABASE_URL: cannot connect to 127.0.0.1:1/masterdesk"),
    ({"REDIS_URL": "redis//127.0.0.1:6379"}, "masterdesk: REDIS_URL is invalid"),
    ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "masterdesk: REDIS_URL: cannot reach Redis"),
])
def test_the_database_and_redis_are_checked_before_telegram(
        tmp_path: Path, settings: dict[str, str], expected: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    done = run_bot(tmp_path, **{k: v.format(tmp=tmp_path) for k, v in settings.items()})
    assert done.returncode == 2
    line = last_line(done)
    assert line.startswith(expected), done.stderr[-800:]
    assert "Bot API" not in done.stderr  # Telegram was never tried
    assert TOKEN not in done.stderr


def test_desk_hours_and_ids_that_are_right_are_taken(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings(bot_token=TOKEN, desk_chat_id=" -1001987654321 ",
                      desk_hours_start="8:30", desk_hours_end="21:00", log_level="debug",
                      webhook_listen="127.0.0.1:65535")
    assert s.desk_chat_id == -1001987654321 and s.log_level == "DEBUG"
    assert (s.desk_hours_start.hour, s.desk_hours_start.minute) == (8, 30)
    with pytest.raises(ConfigError):
        load_settings(bot_token=TOKEN, desk_chat_id="-123")
