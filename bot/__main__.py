"""`python -m bot`: check the settings, then hand over to bot.run (the database and Redis, then
the desk chat; migrate, and run).

Only the settings module is imported before the settings are checked, so a wrong setting is
reported at once; the heavy imports (aiogram, SQLAlchemy, the handlers) come after.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.config import ConfigError, load_settings


def main() -> int:
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


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
