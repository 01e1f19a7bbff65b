"""Keep the gettext catalogues in step with the code, the standard Babel way.

    python -m bot.catalogues            # extract → locales/messages.pot, update every .po
    python -m bot.catalogues --check    # fail if the .pot or a .po is out of date

Then translate the new entries in locales/<lang>/LC_MESSAGES/messages.po. The bot compiles the
.po files in memory at start (bot/i18n.py), so there is no .mo to forget.
To add a language: `pybabel init -i locales/messages.pot -d locales -l xx`, add "xx" to
LOCALES in bot/config.py, translate, run this command.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.config import LOCALES

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "locales"
POT = LOCALES_DIR / "messages.pot"
# pgettext(context, message): the context is extracted as msgctxt, so one English word with
# two meanings becomes two entries the translators can tell apart.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def extract() -> Catalog:
    catalog = Catalog(project="masterdesk", version="1", charset="utf-8",
                      copyright_holder="Masterdesk", fuzzy=False)
    for sub in ("bot", "handlers", "fsm"):
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / sub, method_map=[("**.py", "python")], keywords=KEYWORDS,
        ):
            catalog.add(message, None, [(f"{sub}/{filename}", lineno)],
                        auto_comments=comments, context=context)
    return catalog


def render(catalog: Catalog, **kw: object) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=99, omit_header=False, sort_output=False,
             include_lineno=False, **kw)  # type: ignore[arg-type]
    return buf.getvalue()


def _body(data: bytes) -> bytes:
    """The catalogue without its header dates, for comparing."""
    return b"\n".join(line for line in data.splitlines()
                      if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


def updated(template: Catalog, po: Path) -> bytes:
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=po.parent.parent.name)
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.fuzzy = False
    catalog.obsolete.clear()
    return render(catalog)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    template = extract()
    pot = render(template)
    stale: list[str] = []
    if not POT.exists() or _body(POT.read_bytes()) != _body(pot):
        stale.append(str(POT.relative_to(ROOT)))
        if not args.check:
            POT.write_bytes(pot)
    for lang in LOCALES:
        po = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            stale.append(f"{po.relative_to(ROOT)} (missing)")
            if not args.check:
                po.parent.mkdir(parents=True, exist_ok=True)
                fresh = Catalog(locale=lang, project="masterdesk", charset="utf-8",
                                copyright_holder="Masterdesk", fuzzy=False)
                fresh.update(template)
                po.write_bytes(render(fresh))
            continue
        new = updated(template, po)
        if _body(po.read_bytes()) != _body(new):
            stale.append(str(po.relative_to(ROOT)))
            if not args.check:
                po.write_bytes(new)
    if args.check and stale:
        print("out of date: " + ", ".join(stale) + " — run `python -m bot.catalogues`",
              file=sys.stderr)
        return 1
    if not args.check:
        print(f"{len(template)} messages; updated: {', '.join(stale) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
