"""A memorandum version as a PDF: the chosen languages side by side, one row per clause.

``render_pdf`` turns a ``PrintedMemorandum`` (plain data built by the memoranda services or by
``specimen``) into PDF bytes with WeasyPrint, from ``templates/pdf/memorandum.html`` and
``static/css/pdf.css``. The fonts ship in ``static/fonts/``, so the document looks the same on
every machine, and the URL fetcher serves nothing but the app's own fonts and images: a clause
can make WeasyPrint neither read a local file nor open a network connection.
"""

import datetime
import functools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from flask import current_app, render_template
from flask_babel import force_locale, format_date, gettext
from markupsafe import Markup

with warnings.catch_warnings():
    # WeasyPrint warns on import where Debian's libharfbuzz-subset0 is missing; it still
    # renders (the shipped fonts are embedded whole), so a missing package is not an error.
    warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

from .content import SHORT_HASH
from .models import MemorandumState

DRAFT_STATES = (MemorandumState.DRAFT, MemorandumState.IN_REVIEW)
# Issued as the embassy's text: these PDFs carry the platform's seal (memoranda/seal.py).
SEALED_STATES = (MemorandumState.AGREED, MemorandumState.SIGNED)
SERVED_FOLDERS = ("fonts", "img")
DATE_FORMATS = {"en": "d MMMM y"}  # British order, as in the memorandum's English text
MEDIA_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
               ".woff2": "font/woff2", ".png": "image/png", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".svg": "image/svg+xml", ".css": "text/css"}


@dataclass(frozen=True)
class PrintedParty:
    country: str                   # "UA" or "KZ"
    name: Mapping[str, str]        # language -> full official name
    registry_code: str             # EDRPOU (UA) or BIN (KZ)
    city: Mapping[str, str]        # language -> city
    # The signature block of template version 2 on: language -> signatory, position.
    signatory: Mapping[str, str] = field(default_factory=dict)
    position: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PrintedClause:
    number: int
    title: Mapping[str, str]       # language -> plain-text heading
    body: Mapping[str, Markup]     # language -> HTML from partnership.memoranda.template.render()
    # language -> the version whose change in another language it has not followed (drafts)
    needs_update: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PrintedMemorandum:
    reference: str                 # partnership reference, e.g. "UA-KZ-2026-0001"
    version: int
    state: str                     # draft, in_review, agreed, signed, superseded, terminated
    languages: tuple[str, ...]     # two or three of "uk", "kk", "en", in column order
    title: Mapping[str, str]
    ukrainian_party: PrintedParty
    kazakh_party: PrintedParty
    clauses: Sequence[PrintedClause]
    text_hash: str | None = None   # SHA-256 hex of the agreed text; None before agreement
    verify_url: str | None = None  # absolute URL of /verify/<code>; None before agreement
    date: datetime.date | None = None  # date agreed or signed
    # language -> labels of the particulars that need an update in it (drafts only)
    particulars_need_update: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # True from template version 2: clause 17 no longer holds signing lines, and the block
    # at the end carries the signatories, their positions, the place and the date per
    # language. False prints the block as older template versions' texts were printed.
    named_signatures: bool = False
    signing_place: Mapping[str, str] = field(default_factory=dict)  # "м. Астана, «__» ..."


class StaticFetcher(URLFetcher):
    """Serves ``file:`` URLs inside ``static/fonts/`` and ``static/img/`` and refuses every
    other URL: other files, http(s), data: and any other scheme."""

    def __init__(self, static_folder: str | Path):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.roots = tuple((Path(static_folder) / name).resolve() for name in SERVED_FOLDERS)

    def fetch(self, url, headers=None):
        path = self.allowed_path(url)
        if path is None:
            raise ValueError(f"refused by the memorandum URL fetcher: {url[:200]}")
        media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                  {"Content-Type": media_type})

    def allowed_path(self, url: str) -> Path | None:
        """The file a URL names when it is one of ours, else None."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        raw = unquote(parts.path)
        if "\x00" in raw or ".." in Path(raw).parts:
            return None
        path = Path(raw).resolve()
        if not path.is_file():
            return None
        if any(path.is_relative_to(root) for root in self.roots):
            return path
        return None


def url_fetcher() -> StaticFetcher:
    """The fetcher for the current app's static folder."""
    return StaticFetcher(current_app.static_folder)


def base_url() -> str:
    """Where relative URLs in the memorandum's HTML point: ``static/css/``, the stylesheet's
    own folder, because the stylesheet is inlined (its ``../fonts/`` URLs then still hold)."""
    return (Path(current_app.static_folder) / "css").resolve().as_uri() + "/"


def stylesheet() -> str:
    """The text of ``static/css/pdf.css``, inlined into the page so that the fetcher need not
    serve stylesheets at all."""
    path = Path(current_app.static_folder) / "css" / "pdf.css"
    return _read_stylesheet(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read_stylesheet(path: str, mtime: int) -> str:
    return Path(path).read_text("utf-8")


def memorandum_html(memorandum: PrintedMemorandum, preview: dict | None = None) -> str:
    """The memorandum as the HTML page WeasyPrint lays out (needs an app context).
    ``preview``: the same page for a browser (links for its bar; the stylesheets linked, not
    inlined, as the site's content security policy allows no inline style)."""
    languages = tuple(memorandum.languages)
    # Agreed and signed texts carry their hash and QR code; so do superseded and terminated
    # ones that were agreed (under their watermark), since the verify page tells their state.
    agreed = memorandum.state not in DRAFT_STATES and bool(memorandum.text_hash)
    short_hash = memorandum.text_hash[:SHORT_HASH] if agreed else ""
    watermark = _watermark(memorandum)
    return render_template(
        "pdf/memorandum.html", memorandum=memorandum, languages=languages,
        stylesheet=Markup(stylesheet()),  # noqa: S704 - our own file
        labels={language: _labels(memorandum, language) for language in languages},
        clauses=[(clause, {language: _paragraphs(clause.body.get(language, ""))
                           for language in languages}) for clause in memorandum.clauses],
        width=f"{100 / len(languages):.4f}%",
        watermark=watermark, agreed=agreed,
        # languages out of step are marked on drafts only (an agreed text cannot have them)
        draft=memorandum.state in DRAFT_STATES,
        # long words ("АУЫСТЫРЫЛҒАН") in smaller type, so the diagonal stays on the page
        watermark_size=min(72, 600 // max((len(word) for word in watermark), default=1)),
        short_hash=short_hash,
        qr_code=_qr_svg(memorandum.verify_url) if agreed and memorandum.verify_url else None,
        footers={language: _page_counter(language) for language in languages},
        header=_header(memorandum, languages, short_hash), preview=preview)


def render_pdf(memorandum: PrintedMemorandum) -> bytes:
    """The memorandum as PDF bytes (needs an app context); an agreed or signed one is sealed."""
    html = HTML(string=memorandum_html(memorandum), base_url=base_url(),
                url_fetcher=url_fetcher())
    data = html.write_pdf(full_fonts=True)  # the shipped fonts are already subsets
    if is_sealed(memorandum):
        from .seal import seal

        data = seal(data)
    return data


def is_sealed(memorandum: PrintedMemorandum) -> bool:
    """Whether this document is issued under the platform's seal (agreed and signed texts)."""
    return memorandum.state in SEALED_STATES and bool(memorandum.text_hash)


def _labels(memorandum: PrintedMemorandum, language: str) -> dict:
    """Every fixed phrase of the document in one language."""
    with force_locale(language):
        return {
            "ukrainian_party": gettext("Ukrainian Party"),
            "kazakh_party": gettext("Kazakh Party"),
            "for_ukrainian_party": gettext("For the Ukrainian Party"),
            "for_kazakh_party": gettext("For the Kazakh Party"),
            "edrpou": gettext("EDRPOU code %(code)s",
                              code=memorandum.ukrainian_party.registry_code),
            "bin": gettext("BIN %(code)s", code=memorandum.kazakh_party.registry_code),
            "signature": gettext("signature"),
            "seal": gettext("L.S."),
            "date": (format_date(memorandum.date, format=DATE_FORMATS.get(language, "long"))
                     if memorandum.date else ""),
            "hash": gettext("SHA-256 of the agreed text"),
            "verify": gettext("Scan the code or open the address to verify this memorandum"),
            "needs_update": gettext("NEEDS UPDATE:"),
            "needs_update_clause": gettext(
                "This text has not followed the change made in another language in version "
                "%(number)s.", number="{number}"),
            "needs_update_particulars": gettext("Particulars not yet updated in this language:"),
        }


def _paragraphs(body: Markup) -> list[Markup]:
    """A rendered clause body as paragraphs (blank-line separated) with its line breaks kept."""
    text = str(body).replace("\r\n", "\n")
    return [Markup("<br>".join(paragraph.split("\n")))  # noqa: S704 - body is escaped HTML
            for paragraph in text.split("\n\n") if paragraph.strip()]


def _watermark(memorandum: PrintedMemorandum) -> list[str]:
    """The diagonal words across every page (one per language), or none once agreed."""
    words = []
    for language in memorandum.languages:
        with force_locale(language):
            if memorandum.state in DRAFT_STATES:
                words.append(gettext("DRAFT"))
            elif memorandum.state == MemorandumState.SUPERSEDED:
                words.append(gettext("SUPERSEDED"))
            elif memorandum.state == MemorandumState.TERMINATED:
                words.append(gettext("TERMINATED"))
    return list(dict.fromkeys(words))


def _header(memorandum: PrintedMemorandum, languages: tuple[str, ...], short_hash: str) -> dict:
    """The running header's three parts as CSS ``content`` values."""
    versions = []
    for language in languages:
        with force_locale(language):
            versions.append(gettext("Version %(number)s", number=memorandum.version))
    return {"left": _css_string(memorandum.reference),
            "center": _css_string(" · ".join(versions)),
            "right": _css_string(f"SHA-256 {short_hash}" if short_hash else "")}


def _page_counter(language: str) -> str:
    """A CSS ``content`` value saying "page N of M" in one language, e.g.
    ``"Сторінка " counter(page) " з " counter(pages)``."""
    page, pages = 1_000_001, 1_000_002  # markers: the message formats them with %d
    with force_locale(language):
        text = gettext("Page %(page)d of %(pages)d", page=page, pages=pages)
    parts = []
    for chunk in text.replace(str(pages), "\0pages\0").replace(str(page), "\0page\0"
                                                                  ).split("\0"):
        if chunk in ("page", "pages"):
            parts.append(f"counter({chunk})")
        elif chunk:
            parts.append(_css_string(chunk))
    return " ".join(parts)


def _css_string(text: str) -> str:
    """Text as a quoted CSS string."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\\n\r\f<>' else c for c in text)
    return f'"{escaped}"'


def _qr_svg(url: str) -> Markup:
    """The verification address as an inline SVG QR code."""
    qr = segno.make(url, error="m", micro=False)
    svg = qr.svg_inline(scale=2, border=0, dark="#000", omitsize=False)
    return Markup(svg)  # noqa: S704 - generated by segno from the URL, which it encodes

