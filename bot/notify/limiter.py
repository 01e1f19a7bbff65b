"""Telegram's sending limits, kept on our side so Telegram never has to answer 429.

About 30 messages a second overall, about one a second to one private chat (Telegram lets a
short burst through, so a private chat is a token bucket: `private_burst` at once, then one per
`private_interval`), and 20 a minute to one group (core.telegram.org/bots/faq). The overall
rate is Telegram's limit on notifications, messages the bot sends on its own initiative to many
people (the outbox): an answer in the chat of the update being handled is paced by that chat's
own limit only (issue 16: counting answers overall capped the bot near 18 updates a second).
Edits are not messages: they count only toward the overall rate, and an edit in the chat being
answered toward nothing. An album is one request but as many
messages in the group as it has items (`weight`): the desk's budget is the scarce one, so an
album of ten into a topic takes ten of its twenty. Pure and clock-driven, so it is testable.
"""

from __future__ import annotations

import bisect
import time
from collections import deque
from collections.abc import Callable


class Limiter:
    """Slots may be taken ahead of time (`reserve`): a message that must wait a minute for the
    desk group's budget holds its slot in the future, and a message to another chat still
    goes now, in a gap of the overall spacing."""

    # A tenth of margin on the private refill and on the group window: our clock stamps a
    # message before it travels, Telegram's when it arrives, so an exact match would now and
    # then be a hair too fast (a 429 was seen at 21 sends a minute by Telegram's clock).
    def __init__(self, per_second: float = 30.0, private_interval: float = 1.1,
                 group_per_minute: int = 20, private_burst: int = 3,
                 clock: Callable[[], float] = time.monotonic,
                 group_window: float = 66.0) -> None:
        self.clock = clock
        # One a second of margin on the overall rate: sent exactly 1/30 s apart, a few
        # milliseconds of jitter on the way put a 31st message into one of Telegram's seconds
        # (the fake answered 17 × 429 to 1,000 notifications at exactly 30; bench/outbox.py).
        self.global_interval = 1.0 / max(per_second - 1.0, per_second / 2)
        self.private_interval = private_interval
        self.private_burst = max(private_burst, 1)
        self.group_per_minute = group_per_minute
        self.group_window = group_window
        self._global: list[float] = []  # sorted times of sends, past second and future
        self._private: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._group: dict[int, deque[float]] = {}
        self.paused_until = float("-inf")

    def _global_gap(self, at: float) -> float:
        """The first time from `at` that keeps global_interval from every other send."""
        gap = self.global_interval
        for t in self._global[max(bisect.bisect_left(self._global, at - gap) - 1, 0):]:
            if at <= t - gap:
                break
            if at < t + gap:
                at = t + gap
        return at

    def ready_at(self, chat_id: int, now: float, counts: bool = True, weight: int = 1,
                 overall: bool = True) -> float:
        """When a message to `chat_id` may go. `counts` is False for edits, which Telegram
        does not count against the per-group message limit; `weight` is how many messages it
        is in a group (an album's items); `overall` is False for an answer in the chat of the
        update being handled, which only the chat's own limit paces (the overall rate is
        Telegram's limit on notifications sent on the bot's own initiative)."""
        at = max(now, self.paused_until)
        if not counts:
            return self._global_gap(at) if overall else at
        if chat_id > 0:
            tokens = self._tokens(chat_id, now)
            if tokens < 1.0:
                at = max(at, now + (1.0 - tokens) * self.private_interval)
        else:
            window = self._group.get(chat_id)
            if window is not None:
                while window and window[0] <= now - self.group_window:
                    window.popleft()
                # the next `need` messages may go when enough sends have left the window
                need = min(max(weight, 1), self.group_per_minute)
                if len(window) + need > self.group_per_minute:
                    at = max(at, window[len(window) - self.group_per_minute + need - 1]
                             + self.group_window)
        return self._global_gap(at) if overall else at

    def _tokens(self, chat_id: int, now: float) -> float:
        if self.private_interval <= 0:
            return float(self.private_burst)
        tokens, at = self._private.get(chat_id, (float(self.private_burst), now))
        return min(float(self.private_burst), tokens + (now - at) / self.private_interval)

    def reserve(self, chat_id: int, now: float, counts: bool = True, weight: int = 1,
                overall: bool = True) -> float:
        """Take the next slot for `chat_id` and return its time (maybe in the future)."""
        at = self.ready_at(chat_id, now, counts, weight, overall)
        self.record(chat_id, at, counts, weight, overall)
        return at

    def record(self, chat_id: int, now: float, counts: bool = True, weight: int = 1,
               overall: bool = True) -> None:
        if overall:
            cut = bisect.bisect_left(self._global, self.clock() - 1.0)
            if cut:
                del self._global[:cut]
            bisect.insort(self._global, now)
        if not counts:
            return
        if chat_id > 0:
            if len(self._private) > 10_000:  # forget chats whose bucket is full again
                self._private = {k: v for k, v in self._private.items()
                                 if self._tokens(k, now) < self.private_burst}
            self._private[chat_id] = (self._tokens(chat_id, now) - 1.0, now)
        else:
            window = self._group.setdefault(chat_id, deque())
            for _ in range(max(weight, 1)):
                if window and window[-1] > now:  # a send recorded before a reservation
                    window.insert(bisect.bisect_right(window, now), now)
                else:
                    window.append(now)

    def pause(self, until: float) -> None:
        self.paused_until = max(self.paused_until, until)
