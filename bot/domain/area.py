"""The coarse place an order is in, shown before anyone has accepted it.

SPEC §6: a master sees the client's address only after accepting. The *area* goes into the offer,
every desk topic title and the CSV export, so it must never identify the home: a district, a
town, or a point rounded to about a kilometre — never a street or a house.
"""

from __future__ import annotations

import re

from bot.domain.rules import clip

AREA_LIMIT = 40

# A postcode token: 00-001 (PL), 110 00 (CZ/SK), 101000 (RU), 10115 (DE), 700000 (VN)...
_POSTCODE = re.compile(r"(?<![\w/-])(?:\d{2,3}[- ]\d{2,3}|\d{4,6})(?![\w/-])")
# Words that mark a part as a street, a house or a flat even without a number in it. Lower-case,
# compared with the part's words stripped of dots: "ul." -> "ul", "кв." -> "кв".
_STREET_WORDS = frozenset((
    # en
    "street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "drive", "dr", "boulevard",
    "blvd", "square", "sq", "flat", "apt", "apartment", "house", "building", "floor", "unit",
    "block", "entrance",
    # ru
    "ул", "улица", "пр", "пр-т", "просп", "проспект", "пер", "переулок", "ш", "шоссе", "наб",
    "набережная", "бульвар", "б-р", "пл", "площадь", "д", "дом", "кв", "квартира", "корп",
    "корпус", "стр", "строение", "подъезд", "этаж",
    # pl
    "ul", "ulica", "al", "aleja", "aleje", "os", "osiedle", "pl", "plac", "m", "mieszkanie",
    "lok", "lokal",
    # cs
    "ulice", "tř", "třída", "nám", "náměstí", "nábř", "nábřeží", "byt", "č", "čp",
    # vi
    "đường", "phố", "ngõ", "ngách", "hẻm", "số", "nhà", "phòng", "tầng", "căn", "hộ",
))
# Chinese addresses are written without commas and carry the street (路/街/道/巷) and the house
# (号) in the same run; any of these in a part means it is not a bare locality.
_STREET_CHARS = frozenset("路街道巷弄号號楼樓室栋棟")


def area_of(address: str | None, lat: float | None, lon: float | None) -> str:
    """The locality of a typed address, else a shared point rounded to ~1 km, else "".

    The heuristic for a typed address, which people write street first in every format we
    serve ("ul. Marszałkowska 12/5, 00-001 Warszawa", "Lenina 5, flat 3, Moscow",
    "Nguyễn Trãi 12, Quận 1, TP Hồ Chí Minh"):
    - split at commas; the FIRST part is the street and is never used;
    - from the last part backwards, drop postcodes and take the first part left with letters,
      no street/flat words and no digits (a part that carried a postcode is the post town, so
      it may keep a district number: "110 00 Praha 1" -> "Praha 1");
    - nothing found (one part only, "Main street 5", or only house/flat parts) -> "": the
      reader shows "area not given" rather than anything taken from the street.
    Two decimals of a coordinate are about 1.1 km of latitude: a neighbourhood, not a house.
    """
    if address and address.strip():
        return _locality(address)
    if lat is not None and lon is not None:
        return f"{lat:.2f}, {lon:.2f}"
    return ""


def _locality(address: str) -> str:
    parts = [p.strip() for p in address.split(",")]
    for part in reversed(parts[1:]):
        rest = _POSTCODE.sub(" ", part)
        had_postcode = rest != part
        rest = " ".join(rest.split()).strip(" .-/")
        if not any(ch.isalpha() for ch in rest):
            continue
        words = {w.strip(".").casefold() for w in rest.split()}
        if words & _STREET_WORDS or any(ch in _STREET_CHARS for ch in rest):
            continue
        if any(ch.isdigit() for ch in rest) and not had_postcode:
            continue  # "Lenina 5", "flat 3", "Quận 1": a house, a flat or too close to one
        return clip(rest, AREA_LIMIT)
    return ""
