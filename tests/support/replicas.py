"""Several `python -m bot` replicas in webhook mode behind nginx, against the fake Bot API.

Used by tests/e2e/test_replicas.py and bench/replicas.py. nginx runs as its own process in the
foreground from a config written into a temporary folder (its logs and temporary files there
too), forwarding `/tg/webhook` to the replicas' listeners; the fake Bot API delivers each update
to it (``FakeTelegram.webhook_address``) and retries a failed delivery as Telegram does.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.sandbox.telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAFakeTokenForMasterdeskTests_0123456"
DESK = -1001987654321
MANAGER = 7001
WEBHOOK_SECRET = "s3cret-token-for-the-replicas-test"
CODE_SECRET = "the-same-code-secret-on-every-replica"
PUBLIC_URL = "https://desk.example.com/tg"  # what setWebhook registers; nginx serves /tg/webhook
START_TIMEOUT = 90.0

NGINX_CONF = """\
# Written by tests/support/replicas.py; run as: nginx -c <this file> -p <its folder>
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 1024; }}
http {{
    log_format upstreams '$time_iso8601 $request_uri $status upstream=$upstream_addr '
                         'upstream_status=$upstream_status';
    access_log {folder}/access.log upstreams;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;

    upstream masterdesk {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location = /tg/webhook {{
            proxy_pass http://masterdesk/webhook;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # A replica that refuses the connection or dies with the update in hand: the
            # next one gets it (a 502 that reaches Telegram is delivered again later).
            proxy_next_upstream error timeout http_502;
            proxy_next_upstream_tries 3;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
        location / {{ return 404; }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)),
        None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nginx_conf(folder: Path, port: int, upstreams: list[int]) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;"
                        for p in upstreams)
    return NGINX_CONF.format(folder=folder, port=port, servers=servers)


@dataclass
class Nginx:
    folder: Path
    port: int
    proc: asyncio.subprocess.Process | None = None

    async def start(self, upstreams: list[int]) -> None:
        binary = nginx_binary()
        assert binary, "nginx is not installed"
        (self.folder / "tmp").mkdir(parents=True, exist_ok=True)
        conf = self.folder / "nginx.conf"
        conf.write_text(nginx_conf(self.folder, self.port, upstreams))
        with (self.folder / "stderr.log").open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                binary, "-e", str(self.folder / "error.log"), "-c", str(conf),
                "-p", str(self.folder), stdout=out, stderr=asyncio.subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.returncode is not None:
                raise RuntimeError(f"nginx exited: {self.errors()}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.05)
        raise RuntimeError(f"nginx did not listen: {self.errors()}")

    def errors(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def access_log(self) -> list[str]:
        path = self.folder / "access.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish what is in hand
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


@dataclass
class Replica:
    port: int
    log: Path
    env: dict[str, str]
    proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", env=self.env, cwd=self.log.parent,
                stdout=out, stderr=asyncio.subprocess.STDOUT)

    async def ready(self, http: aiohttp.ClientSession) -> None:
        """Until the replica's listener answers /healthz."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.returncode is not None:
                raise RuntimeError(f"replica on {self.port} exited:\n{self.tail()}")
            try:
                async with http.get(f"http://127.0.0.1:{self.port}/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError(f"replica on {self.port} never came up:\n{self.tail()}")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 60)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def replica_env(fake: FakeTelegram, database_url: str, redis_url: str, port: int,
                **extra: str) -> dict[str, str]:
    """What every replica shares (Bot API, database, Redis, secrets, public URL) and the one
    setting that differs: its WEBHOOK_LISTEN."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DESK_"))}
    env.update(
        PYTHONPATH=str(ROOT), BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=fake.base_url,
        DESK_CHAT_ID=str(DESK), ADMIN_IDS=str(MANAGER), DATABASE_URL=database_url,
        REDIS_URL=redis_url, WEBHOOK_URL=PUBLIC_URL, WEBHOOK_SECRET=WEBHOOK_SECRET,
        CODE_SECRET=CODE_SECRET, WEBHOOK_LISTEN=f"127.0.0.1:{port}", METRICS_LISTEN="",
        DESK_HOURS_START="00:00", DESK_HOURS_END="00:00", LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env


@dataclass
class Cluster:
    """N replicas behind one nginx; the fake delivers updates through it."""

    fake: FakeTelegram
    folder: Path
    replicas: list[Replica] = field(default_factory=list)
    nginx: Nginx | None = None

    async def start(self, n: int, database_url: str, redis_url: str, **extra: str) -> None:
        ports = [free_port() for _ in range(n)]
        self.nginx = Nginx(self.folder / "nginx", free_port())
        await self.nginx.start(ports)
        self.fake.webhook_address = f"http://127.0.0.1:{self.nginx.port}"
        for i, port in enumerate(ports):
            env = replica_env(self.fake, database_url, redis_url, port, **extra)
            self.replicas.append(Replica(port, self.folder / f"replica{i + 1}.log", env))
        # One at a time: the first migrates the database, the others find it done.
        async with aiohttp.ClientSession() as http:
            for replica in self.replicas:
                await replica.start()
                await replica.ready(http)

    async def stop(self) -> None:
        await asyncio.gather(*(r.stop() for r in self.replicas))
        if self.nginx is not None:
            await self.nginx.stop()
