"""The bot processes of bench/flow.py: `python -m bot` (as shipped, SQLite in a temporary
folder) or the bare-aiogram reference, started against the fake Bot API, with their CPU time
read from /proc and, for Masterdesk, their SQL counted by bench/sqlcount/sitecustomize.py."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.flow_clients import Recorder
from bot.sandbox.telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAFakeTokenForMasterdeskTests_0123456"
DESK = -1001987654321
DESK2 = -1001987654322  # the second desk group of a run with two (DESK_ROUTES)
ROUTES = f"service:electrical={DESK2}"  # electrical orders to it, the rest to DESK
MANAGER = 7001
START_TIMEOUT = 90.0


def masterdesk_env(fake: FakeTelegram, folder: Path, routes: str = "") -> dict[str, str]:
    """The shipped defaults, but for what a benchmark must set: where Telegram and the database
    are, and a desk open around the clock (a card must not wait for desk hours)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DESK_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "bench" / "sqlcount"), str(ROOT)]),
        BENCH_SQL_COUNTS=str(folder / "sql.json"), BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=fake.base_url, DESK_CHAT_ID=str(DESK), ADMIN_IDS=str(MANAGER),
        DATABASE_URL=f"sqlite+aiosqlite:///{folder}/desk.sqlite3", REDIS_URL="",
        DESK_HOURS_START="00:00", DESK_HOURS_END="00:00", DESK_ROUTES=routes,
    )
    return env


def reference_env(fake: FakeTelegram, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BENCH_SQL_COUNTS"}
    env.update(PYTHONPATH=str(ROOT), BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=fake.base_url,
               REFERENCE_DB=str(folder / "reference.sqlite3"))
    return env


@dataclass
class BotProcess:
    proc: asyncio.subprocess.Process
    folder: Path
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far (/proc/<pid>/stat)."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def sql_counts(self) -> dict[str, int] | None:
        """The SQL counted so far (Masterdesk only): SIGUSR1 makes the process write them."""
        path = self.folder / "sql.json"
        seq = json.loads(path.read_text())["seq"] if path.exists() else 0
        self.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            if path.exists():
                counts: dict[str, int] = json.loads(path.read_text())
                if counts["seq"] > seq:
                    return counts
        return None

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@asynccontextmanager
async def running(kind: str, fake: FakeTelegram, rec: Recorder, folder: Path,
                  routes: str = "") -> AsyncIterator[BotProcess]:
    """`kind` masterdesk or reference, polling the fake (ready at its first getUpdates)."""
    if kind == "masterdesk":
        argv, env = [sys.executable, "-m", "bot"], masterdesk_env(fake, folder, routes)
    else:
        argv = [sys.executable, str(ROOT / "bench" / "flow_reference.py")]
        env = reference_env(fake, folder)
    log = folder / f"{kind}.log"
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(*argv, env=env, cwd=folder, stdout=out,
                                                    stderr=asyncio.subprocess.STDOUT)
    bot = BotProcess(proc, folder, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while rec.polls == 0:
            if proc.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{kind} did not start:\n{bot.tail()}")
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # the rest of the start (command menus, first passes)
        yield bot
    finally:
        await stop(proc)


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 60)
        except TimeoutError:
            proc.kill()
            await proc.wait()
