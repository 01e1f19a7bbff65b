"""Benchmark only (bench/flow.py puts this folder first on the bot's PYTHONPATH): counts the
SQL the bot process runs, without any change to the bot. Python imports `sitecustomize` at
start; when BENCH_SQL_COUNTS names a file, SQLAlchemy events count statements, transactions
begun, commits and rollbacks on every engine, and SIGUSR1 writes the counts to that file as
JSON (with a sequence number, so the reader knows the write is the one it asked for)."""

from __future__ import annotations

import json
import os
import signal
import sys
from types import FrameType
from typing import Any

_PATH = os.environ.get("BENCH_SQL_COUNTS")
counts = {"seq": 0, "statements": 0, "begins": 0, "commits": 0, "rollbacks": 0}


def _counter(key: str) -> Any:
    def count(*args: Any, **kwargs: Any) -> None:
        counts[key] += 1
    return count


def _dump(signum: int, frame: FrameType | None) -> None:
    counts["seq"] += 1
    tmp = f"{_PATH}.tmp"
    with open(tmp, "w") as f:
        json.dump(counts, f)
    os.replace(tmp, str(_PATH))


if _PATH:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "before_cursor_execute", _counter("statements"))
    event.listen(Engine, "begin", _counter("begins"))
    event.listen(Engine, "commit", _counter("commits"))
    event.listen(Engine, "rollback", _counter("rollbacks"))
    signal.signal(signal.SIGUSR1, _dump)

# BENCH_PROFILE names a file: SIGUSR2 starts cProfile (after start-up, so the figures are the
# updates'), and the profile is written there at exit (`python -m pstats FILE` to read it).
_PROFILE = os.environ.get("BENCH_PROFILE")
if _PROFILE:
    import atexit
    import cProfile

    _profiler = cProfile.Profile()
    signal.signal(signal.SIGUSR2, lambda signum, frame: _profiler.enable())

    def _write_profile() -> None:
        _profiler.disable()
        _profiler.dump_stats(str(_PROFILE))

    atexit.register(_write_profile)

# BENCH_NO_LIMITER=1: the bot's own pacing under Telegram's limits is off (bench/flow.py
# --limiter off), so the figures are the bot's processing alone, as the reference's are: with it
# on, a client who answers at once waits for his private chat's one message a second.
if os.environ.get("BENCH_NO_LIMITER") == "1":
    from bot.notify.limiter import Limiter

    def _at_once(self: Limiter, chat_id: int, now: float, counts: bool = True,
                 weight: int = 1, overall: bool = True) -> float:
        return max(now, self.paused_until)

    Limiter.ready_at = _at_once  # type: ignore[method-assign]

# BENCH_SLOW=FILE: every callback of the bot's event loop that ran longer than 20 ms is written
# there with what it ran (a task's coroutine), and a callback still running after 40 ms has the
# main thread's stack written too (a watchdog thread looks every 10 ms): what holds the loop.
_SLOW = os.environ.get("BENCH_SLOW")
if _SLOW:
    import asyncio.events
    import threading
    import time
    import traceback

    _run = asyncio.events.Handle._run
    _running: list[float] = [0.0]  # when the callback now running started; 0: none
    _main = threading.main_thread()

    def _timed(self: asyncio.events.Handle) -> None:
        start = _running[0] = time.perf_counter()
        try:
            _run(self)
        finally:
            _running[0] = 0.0
        took = time.perf_counter() - start
        if took > 0.02:
            callback = getattr(self, "_callback", None)
            task = getattr(callback, "__self__", None)
            coro = task.get_coro() if isinstance(task, asyncio.Task) else None
            code = getattr(coro, "cr_code", None)
            what = (f"{code.co_qualname} {code.co_filename}" if code is not None
                    else repr(callback))
            with open(str(_SLOW), "a") as out:
                out.write(f"{start:.3f} {took * 1000:.0f} ms {what:.300}\n")

    def _watch() -> None:
        dumped = 0.0
        while True:
            time.sleep(0.01)
            start = _running[0]
            if start and time.perf_counter() - max(start, dumped) > 0.04:
                dumped = time.perf_counter()
                frame = sys._current_frames().get(_main.ident or 0)
                stack = "".join(traceback.format_stack(frame)[-25:]) if frame else ""
                with open(str(_SLOW), "a") as out:
                    out.write(f"{start:.3f} still running after 40 ms:\n{stack}\n")

    asyncio.events.Handle._run = _timed  # type: ignore[method-assign]
    threading.Thread(target=_watch, daemon=True).start()

    import gc

    _gc_start: list[float] = [0.0]

    def _gc_timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            _gc_start[0] = time.perf_counter()
            return
        took = time.perf_counter() - _gc_start[0]
        if took > 0.005:
            with open(str(_SLOW), "a") as out:
                out.write(f"{_gc_start[0]:.3f} gc generation {info['generation']} "
                          f"{took * 1000:.0f} ms, {info['collected']} collected\n")

    gc.callbacks.append(_gc_timed)

    from sqlalchemy import event as _event
    from sqlalchemy.engine import Engine as _Engine

    def _began(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def _ended(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        took = time.perf_counter() - conn.info.get("bench_t0", time.perf_counter())
        if took > 0.03:
            with open(str(_SLOW), "a") as out:
                out.write(f"{time.perf_counter() - took:.3f} SQL {took * 1000:.0f} ms "
                          f"{' '.join(statement.split())[:160]}\n")

    _event.listen(_Engine, "before_cursor_execute", _began)
    _event.listen(_Engine, "after_cursor_execute", _ended)
