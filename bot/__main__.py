"""`python -m bot`: check the settings, then hand over to bot.run (the database and Redis, then
the desk chat; migrate, and run). `python -m bot sandbox` hands over to bot.sandbox instead:
the real bot against a Telegram-like Bot API in the same process, with a page (README).

Only the settings module is imported before the settings are checked, so a wrong setting is
reported at once; the heavy imports (aiogram, SQLAlchemy, the handlers) come after.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.config import ConfigError, load_settings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sandbox"]:
        return sandbox(argv[1:])
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"masterdesk: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The one import inside a function: the heavy modules only once the settings are right.
    from bot.run import run

    return asyncio.run(run(settings))


def sandbox(argv: list[str]) -> int:
    """`python -m bot sandbox`: no settings are read; the sandbox brings its own."""
    # The same hand-over: the sandbox, like bot.run, is imported only when it is asked for.
    from bot.sandbox.main import parse_args, run_sandbox

    opts = parse_args(argv)
    logging.basicConfig(level=opts.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return asyncio.run(run_sandbox(opts))


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
