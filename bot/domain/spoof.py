"""Invisible characters that let a name pretend to be something else.

Bidi embeddings/overrides/isolates reverse or reorder what follows them ("Anna‮0001#" shows
as "Anna#1000"), and zero-width characters make two different names look the same, so a
spoofed card, topic title or button could show another person or another order number. They
are stripped from everything shown to a reader. None of the six languages needs them; the cost
is that an emoji joined with U+200D (👩‍🔧) shows as its parts (👩🔧).
"""

from __future__ import annotations

import re

CONTROLS = re.compile(
    "[\u200b-\u200f"  # zero-width space/non-joiner/joiner, left-to-right and right-to-left marks
    "\u202a-\u202e"  # embeddings and overrides
    "\u2066-\u2069"  # isolates
    "\u061c"  # Arabic letter mark
    "\u2060-\u2064"  # word joiner and invisible operators
    "\ufeff]"  # zero-width no-break space (BOM)
)


def visible(text: str) -> str:
    """`text` without bidi and zero-width controls."""
    return CONTROLS.sub("", text)
