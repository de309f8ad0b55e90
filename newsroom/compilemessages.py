"""Compile locale/*/LC_MESSAGES/*.po to .mo without GNU gettext.

A fresh machine may lack msgfmt; Babel (a dependency) reads and writes the
catalogues, plural forms and message contexts included.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_all(locale_dir: Path = LOCALE_DIR) -> int:
    count = 0
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name.replace("-", "_"))
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        count += 1
    return count


if __name__ == "__main__":
    compiled = compile_all()
    sys.stdout.write(f"compiled {compiled} message catalogue(s)\n")
