"""Dates and times as people type them in each market (issue 12).

25.12, 25/12, 25-12, 25. 12., 2026-12-25, 12月25日, 25 tháng 12, 25 grudnia, Dec 25; times
14:30, 14.30, 14h30, 2:30 pm, 下午2点半. Two numbers are read in the order of the person's
market; when that reading is impossible and the other one is not (25/12 for an American), the
possible one is taken. Whatever is understood is echoed back in full before it counts, so a
05.06 read the person's usual way is seen and can be corrected.

English is read day first (the way most English-speaking markets write it) unless the
person's Telegram language is en-US, where 12/25 is the usual form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.domain.errors import InvalidInput

DMY, MDY = "dmy", "mdy"


@dataclass(frozen=True)
class DateStyle:
    """How one person writes dates: the order of two bare numbers, the separator of the
    examples shown to him, his month names (lower-case → 1..12), a 12-hour clock or not."""

    order: str = DMY
    sep: str = "."
    months: Mapping[str, int] = field(default_factory=dict)
    twelve_hour: bool = False
    cjk: bool = False

    def date_example(self, day: date = date(2000, 12, 25)) -> str:
        if self.cjk:
            return f"{day.month}月{day.day}日"
        a, b = (day.month, day.day) if self.order == MDY else (day.day, day.month)
        return f"{a}{self.sep}{b}"

    def time_example(self) -> str:
        return "2:30 pm" if self.twelve_hour else "14:30"

    def visit_example(self) -> str:
        return f"{self.date_example()} {self.time_example()}"


# The usual numeric separator per language; zh writes 12月25日 (or 12/25, month first).
SEPARATORS = {"en": "/", "ru": ".", "pl": ".", "cs": ".", "vi": "/", "zh": "/"}


def style_for(lang: str, language_code: str | None = None,
              months: Mapping[str, int] | None = None) -> DateStyle:
    code = (language_code or "").replace("_", "-").lower()
    us = lang == "en" and code == "en-us"
    return DateStyle(order=MDY if us or lang == "zh" else DMY, sep=SEPARATORS.get(lang, "."),
                     months=dict(months or {}), twelve_hour=us, cjk=lang == "zh")


def _clean(text: str) -> str:
    """Full-width digits and colons to ASCII, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _year(raw: str) -> int:
    if len(raw) == 4:
        return int(raw)
    if len(raw) == 2:
        return 2000 + int(raw)
    raise ValueError(raw)


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _pick(a: int, b: int, y: int | None, style: DateStyle, today: date) -> date:
    """Two numbers in the person's order; the other order only when his is impossible."""
    first = (b, a) if style.order == MDY else (a, b)  # (day, month)
    for day, month in (first, first[::-1]):
        if _valid(y or today.year, month, day):
            return _roll(day, month, y, today)
    raise ValueError("no date")


def _roll(day: int, month: int, year: int | None, today: date) -> date:
    """Without a year: the next such date from today (05.01 typed in December is January)."""
    if year is not None:
        return date(year, month, day)
    value = _valid(today.year, month, day)
    if value is None or value < today:
        value = date(today.year + 1, month, day)
    return value


_CJK = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?")
_VI = re.compile(r"(?:ngày\s*)?(\d{1,2})\s*(?:tháng|thg)\s*(\d{1,2})"
                 r"(?:\s*,?\s*(?:năm\s*)?(\d{4}))?")
_NUMERIC = re.compile(r"(\d{1,4})\s*[./\-]\s*(\d{1,2})(?:\s*[./\-]\s*(\d{2,4}))?\.?")


def _named(text: str, style: DateStyle, today: date) -> date | None:
    """25 grudnia, 25. prosince, Dec 25, 25 December 2026."""
    words = re.findall(r"[^\W\d_]+\.?|\d+\.?", text)
    month = None
    numbers: list[str] = []
    for word in words:
        bare = word.rstrip(".")
        if bare.isdigit():
            numbers.append(bare)
        elif bare in style.months and month is None:
            month = style.months[bare]
        else:
            return None
    if month is None or not 1 <= len(numbers) <= 2:
        return None
    day = int(numbers[0])
    year = _year(numbers[1]) if len(numbers) == 2 else None
    if _valid(year or 2000, month, day) is None:
        raise ValueError("no such day")
    return _roll(day, month, year, today)


def read_date(text: str, today: date, style: DateStyle = DateStyle()) -> date:
    """The date in `text`, or ValueError. No range check: see parse_date."""
    clean = _clean(text).strip(" ,")
    if m := _CJK.fullmatch(clean):
        y = int(m[1]) if m[1] else None
        if _valid(y or 2000, int(m[2]), int(m[3])) is None:
            raise ValueError(clean)
        return _roll(int(m[3]), int(m[2]), y, today)
    if m := _VI.fullmatch(clean):
        y = int(m[3]) if m[3] else None
        if _valid(y or 2000, int(m[2]), int(m[1])) is None:
            raise ValueError(clean)
        return _roll(int(m[1]), int(m[2]), y, today)
    if m := _NUMERIC.fullmatch(clean):
        a, b, c = m[1], m[2], m[3]
        if len(a) == 4:  # 2026-12-25: the year first means year-month-day everywhere
            if c is None or len(c) > 2:
                raise ValueError(clean)
            value = _valid(int(a), int(b), int(c))
            if value is None:
                raise ValueError(clean)
            return value
        if len(a) == 3:
            raise ValueError(clean)
        return _pick(int(a), int(b), _year(c) if c else None, style, today)
    named = _named(clean, style, today)
    if named is None:
        raise ValueError(clean)
    return named


_BEFORE = {"上午": "am", "早上": "am", "凌晨": "am", "中午": "noon", "下午": "pm", "晚上": "pm"}
_AFTER = {"am": "am", "a.m.": "am", "a.m": "am", "pm": "pm", "p.m.": "pm", "p.m": "pm",
          "sa": "am", "sáng": "am", "ch": "pm", "chiều": "pm", "tối": "pm"}
_CLOCK = re.compile(
    r"(?P<h>\d{1,2})\s*(?:(?P<sep>[:.hg]|giờ|点|點|时|時)\s*(?P<m>\d{2}|半)?\s*(?:分|phút)?)?")


def read_time(text: str) -> time:
    """14:30, 14.30, 14h30, 14h, 2:30 pm, 2 pm, 下午2点半, 14点30分; ValueError otherwise.
    A bare number is not a time: "14" could be a day as well."""
    clean = _clean(text)
    half = None
    for word, meaning in _BEFORE.items():
        if clean.startswith(word):
            half, clean = meaning, clean[len(word):].strip()
            break
    for word, meaning in sorted(_AFTER.items(), key=lambda kv: -len(kv[0])):
        if half is None and re.search(rf"(?<![^\d\s]){re.escape(word)}$", clean):
            half, clean = meaning, clean[: -len(word)].strip()
            break
    m = _CLOCK.fullmatch(clean)
    if m is None or (m["sep"] is None and half is None):
        raise ValueError(text)
    if m["sep"] == "." and m["m"] is None:
        raise ValueError(text)  # "14." is no time
    hour = int(m["h"])
    minute = 30 if m["m"] == "半" else int(m["m"] or 0)
    if half in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif half == "noon" and hour < 12:
        hour += 12 if hour < 6 else 0
    return time(hour, minute)  # ValueError for 25:00 or 14:75


FILLERS = {"at", "o", "v", "в", "lúc", "vào", "um", "@", ","}


def parse_date(text: str, today: date, style: DateStyle = DateStyle()) -> date:
    """A visit date the client typed; from tomorrow up to 60 days ahead."""
    try:
        value = read_date(text, today, style)
    except ValueError:
        raise InvalidInput("error.date_format", example=style.date_example()) from None
    if value <= today or value > today + timedelta(days=60):
        raise InvalidInput("error.date_range")
    return value


def parse_visit(text: str, now_local: datetime, style: DateStyle = DateStyle()) -> datetime:
    """The agreed visit: a time (today), or a date and a time in either order ("25.12 14:30",
    "14h30 25/12", "12月25日 下午2点"), local time; in the future and at most 30 days ahead.
    Returns an aware local datetime."""
    clean = re.sub(r"([日号號])(?=\S)", r"\1 ", _clean(text).replace(",", " , "))
    tokens = [t for t in clean.split() if t not in FILLERS]
    value = None
    for cut in range(len(tokens), -1, -1):
        for day_part, time_part in ((tokens[:cut], tokens[cut:]), (tokens[cut:], tokens[:cut])):
            if not time_part:
                continue
            try:
                clock = read_time(" ".join(time_part))
                day = (read_date(" ".join(day_part), now_local.date(), style) if day_part
                       else now_local.date())
            except ValueError:
                continue
            value = datetime.combine(day, clock, tzinfo=now_local.tzinfo)
            break
        if value is not None:
            break
    if value is None:
        raise InvalidInput("error.visit_format", example=style.visit_example())
    if value <= now_local or value > now_local + timedelta(days=30):
        raise InvalidInput("error.visit_range")
    return value
