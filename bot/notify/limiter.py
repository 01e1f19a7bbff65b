"""Telegram's sending limits, kept on our side so Telegram never has to answer 429.

About 30 messages a second overall, about one a second to one private chat (Telegram lets a
short burst through, so a private chat is a token bucket: `private_burst` at once, then one per
`private_interval`), and 20 a minute to one group (core.telegram.org/bots/faq). Edits are not
messages: they count only toward the overall rate. Pure and clock-driven, so it is testable.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class Limiter:
    # A tenth of margin on the private refill: our clock stamps a message before it travels,
    # Telegram's when it arrives, so an exact match would now and then be a hair too fast.
    def __init__(self, per_second: float = 30.0, private_interval: float = 1.1,
                 group_per_minute: int = 20, private_burst: int = 3,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.global_interval = 1.0 / per_second
        self.private_interval = private_interval
        self.private_burst = max(private_burst, 1)
        self.group_per_minute = group_per_minute
        self._last_global = float("-inf")
        self._private: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._group: dict[int, deque[float]] = {}
        self.paused_until = float("-inf")

    def ready_at(self, chat_id: int, now: float, counts: bool = True) -> float:
        """When a message to `chat_id` may go. `counts` is False for edits, which Telegram
        does not count against the per-group message limit."""
        at = max(now, self.paused_until, self._last_global + self.global_interval)
        if not counts:
            return at
        if chat_id > 0:
            tokens = self._tokens(chat_id, now)
            if tokens < 1.0:
                at = max(at, now + (1.0 - tokens) * self.private_interval)
        else:
            window = self._group.get(chat_id)
            if window is not None:
                while window and window[0] <= now - 60.0:
                    window.popleft()
                if len(window) >= self.group_per_minute:
                    at = max(at, window[0] + 60.0)
        return at

    def _tokens(self, chat_id: int, now: float) -> float:
        if self.private_interval <= 0:
            return float(self.private_burst)
        tokens, at = self._private.get(chat_id, (float(self.private_burst), now))
        return min(float(self.private_burst), tokens + (now - at) / self.private_interval)

    def record(self, chat_id: int, now: float, counts: bool = True) -> None:
        self._last_global = now
        if not counts:
            return
        if chat_id > 0:
            if len(self._private) > 10_000:  # forget chats whose bucket is full again
                self._private = {k: v for k, v in self._private.items()
                                 if self._tokens(k, now) < self.private_burst}
            self._private[chat_id] = (self._tokens(chat_id, now) - 1.0, now)
        else:
            self._group.setdefault(chat_id, deque()).append(now)

    def pause(self, until: float) -> None:
        self.paused_until = max(self.paused_until, until)
