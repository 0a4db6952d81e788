"""Fill the Ukrainian and Kazakh catalogues from JSON files of translations.

    python scripts/apply_translations.py FILE.json [FILE.json ...]

Each file maps a source string (English, as extracted) to its translations:
``{"Sign the memorandum": {"uk": "...", "kk": "..."}}``. A message with a context is keyed
``"context\\x04source"``; a plural message gives lists: ``{"uk": ["one", "few", "many"]}``.
Run it after ``make translations-update``; it fills only messages that exist in the catalogue
and reports the keys it could not place, so nothing is silently dropped.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "partnership" / "translations"


def key_of(message) -> str:
    source = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}\x04{source}" if message.context else source


def main(paths: list[str]) -> int:
    wanted: dict = {}
    for path in paths:
        wanted.update(json.loads(Path(path).read_text(encoding="utf-8")))
    unplaced = set(wanted)
    for lang in ("uk", "kk"):
        po = ROOT / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        for message in catalog:
            if not message.id or key_of(message) not in wanted:
                continue
            text = wanted[key_of(message)].get(lang)
            if not text:
                continue
            message.string = tuple(text) if isinstance(message.id, tuple) else text
            message.flags.discard("fuzzy")
            unplaced.discard(key_of(message))
        with po.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, omit_header=False, width=100)
    for key in sorted(unplaced):
        print(f"not in the catalogue (no longer used?): {key!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
