"""`python -m bot sandbox` as a child process, for the sandbox's tests: started with no
settings in its environment, in its own data folder, on a free port; yields the page's URL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
URL_RE = re.compile(r"Masterdesk sandbox: (http://\S+/)")
START_SECONDS = 180  # a loaded 2-core machine imports aiogram and migrates slowly


@contextmanager
def running_sandbox(folder: Path, *args: str) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BOT_", "DESK_", "DATABASE_", "REDIS_", "TELEGRAM_"))}
    env["PYTHONPATH"] = str(ROOT)
    log = folder / "sandbox.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "sandbox", "--port", "0", "--data",
             str(folder / "data"), *args], cwd=folder, env=env, stdout=out,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        yield _wait_for_url(proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_for_url(proc: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        found = URL_RE.search(log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if proc.poll() is not None:
            raise AssertionError(f"the sandbox stopped ({proc.returncode}):\n{log.read_text()}")
        time.sleep(0.2)
    raise AssertionError(f"the sandbox printed no URL in {START_SECONDS} s:\n{log.read_text()}")


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.status, answer.read().decode()


def state(url: str) -> dict[str, Any]:
    return dict(json.loads(get(url + "api/state")[1]))


def post(url: str, action: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url + f"api/{action}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return dict(json.loads(answer.read()))
    except urllib.error.HTTPError as exc:
        return dict(json.loads(exc.read()))


def wait_until(check: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.3)
