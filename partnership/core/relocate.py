"""Moving files kept on one host's disk (before migration 0020) into the shared storage:
uploads from ``UPLOAD_FOLDER`` (``instance/uploads/<area>/``) and the PDF caches from
``instance/cache``. Each file is stored, read back and compared by SHA-256 before the local
copy is deleted, so the move can be stopped and run again at any point (``flask
migrate-uploads``)."""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from .storage import storage

MEDIA_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png",
               ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class Source:
    """One folder of local files and the storage area they move to."""

    area: str
    folder: Path
    nested: bool = False     # files one folder down, keyed "<folder>/<file>" (catalogues)
    seal: Callable[[bytes], bytes] | None = None     # what is stored (encryption)
    unseal: Callable[[bytes], bytes] | None = None   # back to the original bytes

    def files(self) -> Iterator[tuple[str, Path]]:
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith("."):
                continue  # a half-written temporary file or folder
            if self.nested and path.is_dir():
                for inner in sorted(path.iterdir()):
                    if inner.is_file() and not inner.name.startswith("."):
                        yield f"{path.name}/{inner.name}", inner
            elif not self.nested and path.is_file() and not path.name.endswith(".part"):
                yield path.name, path


@dataclass
class Tally:
    moved: int = 0
    already: int = 0        # stored before (an earlier run): the local copy is removed now
    failed: list[str] = field(default_factory=list)


def default_sources(seal_consents: Callable[[bytes], bytes],
                    unseal_consents: Callable[[bytes], bytes]) -> list[Source]:
    """The folders an installation before 0020 kept files in."""
    instance = Path(current_app.instance_path)
    uploads = Path(current_app.config.get("UPLOAD_FOLDER") or instance / "uploads")
    return [
        Source("memoranda", uploads / "memoranda"),
        Source("programme", uploads / "programme", seal=seal_consents, unseal=unseal_consents),
        Source("memoranda-pdf", instance / "cache" / "memoranda"),
        Source("catalogues", instance / "cache" / "catalogues", nested=True),
    ]


def migrate(sources: list[Source]) -> dict[str, Tally]:
    """Move every file of ``sources`` into the storage; a tally per area."""
    shared = storage()
    tallies = {}
    for source in sources:
        tally = tallies.setdefault(source.area, Tally())
        for key, path in source.files():
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            unseal = source.unseal or (lambda stored: stored)
            if shared.exists(source.area, key):
                if _same(shared, source.area, key, unseal, digest):
                    path.unlink()
                    tally.already += 1
                else:  # another file under the same name: keep both, let a person look
                    tally.failed.append(f"{source.area}/{key}: differs from the stored file")
                continue
            stored = source.seal(data) if source.seal else data
            media_type = ("application/octet-stream" if source.seal
                          else MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream"))
            shared.put(source.area, key, stored, media_type, with_unit=False)
            if _same(shared, source.area, key, unseal, digest):
                path.unlink()
                tally.moved += 1
            else:
                shared.delete(source.area, key, with_unit=False)
                tally.failed.append(f"{source.area}/{key}: read back with another SHA-256")
    return tallies


def _same(shared, area: str, key: str, unseal, digest: str) -> bool:
    try:
        return hashlib.sha256(unseal(shared.get(area, key))).hexdigest() == digest
    except Exception:  # noqa: BLE001 - unreadable or undecryptable counts as not the same
        return False
