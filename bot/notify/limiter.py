"""Telegram's sending limits, kept on our side so Telegram never has to answer 429.

About 30 messages a second overall, about one a second to one private chat, and 20 a minute
to one group (core.telegram.org/bots/faq). Pure and clock-driven, so it is testable.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class Limiter:
    def __init__(self, per_second: float = 30.0, private_interval: float = 1.0,
                 group_per_minute: int = 20,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.global_interval = 1.0 / per_second
        self.private_interval = private_interval
        self.group_per_minute = group_per_minute
        self._last_global = float("-inf")
        self._last_private: dict[int, float] = {}
        self._group: dict[int, deque[float]] = {}
        self.paused_until = float("-inf")

    def ready_at(self, chat_id: int, now: float, counts: bool = True) -> float:
        """When a message to `chat_id` may go. `counts` is False for edits, which Telegram
        does not count against the per-group message limit."""
        at = max(now, self.paused_until, self._last_global + self.global_interval)
        if chat_id > 0:
            at = max(at, self._last_private.get(chat_id, float("-inf")) + self.private_interval)
        elif counts:
            window = self._group.get(chat_id)
            if window is not None:
                while window and window[0] <= now - 60.0:
                    window.popleft()
                if len(window) >= self.group_per_minute:
                    at = max(at, window[0] + 60.0)
        return at

    def record(self, chat_id: int, now: float, counts: bool = True) -> None:
        self._last_global = now
        if chat_id > 0:
            if len(self._last_private) > 10_000:  # forget chats idle for more than a minute
                self._last_private = {k: t for k, t in self._last_private.items()
                                      if t > now - 60.0}
            self._last_private[chat_id] = now
        elif counts:
            self._group.setdefault(chat_id, deque()).append(now)

    def pause(self, until: float) -> None:
        self.paused_until = max(self.paused_until, until)
