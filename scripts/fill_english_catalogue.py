"""Fill the English catalogue from the source strings (English is the source language).

Run by ``make translations-update`` after extracting; it never touches uk or kk.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / "partnership/translations/en/LC_MESSAGES/messages.po"


def main() -> None:
    with PATH.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(message.id)
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    with PATH.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, omit_header=False, width=100)


if __name__ == "__main__":
    main()
