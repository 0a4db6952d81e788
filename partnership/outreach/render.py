"""The cooperation package's files: the catalogue as PDF (WeasyPrint, with a QR code to each
public profile) and XLSX (openpyxl), and the framework memorandum as a specimen PDF.

The PDF is laid out with the memorandum's fonts and URL fetcher (nothing but the app's own
fonts and images is read). Everything is rendered with the catalogue's language forced, so the
labels of kinds, regions and areas are in that language, whoever asked.

A large catalogue is laid out in parts of at most ``PART_ENTRIES`` entries, one WeasyPrint
document each, so memory holds one part's boxes at a time (in the background job, in
``PROCESSES`` forked processes at once); the parts are joined with pypdf (their bookmarks kept)
and the page numbers ("Page 3 / 412") are laid over the joined pages, as form XObjects, from
small documents of numbered empty pages with the same page margins.
"""

import gc
import multiprocessing
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from functools import lru_cache, partial
from io import BytesIO
from pathlib import Path

import segno
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.database import utcnow
from ..memoranda import pdf as memorandum_pdf
from ..memoranda import specimen as memorandum_specimen
from ..organisations import cities, labels
from .catalogue import NO_AREA, Filters, Section

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcherResponse

# The memorandum template exists in these languages; a catalogue in another one (none yet)
# would come with the Kazakh and English specimen.
SPECIMEN_LANGUAGES = ("uk", "kk", "en")


class QrImages:
    """The QR codes of one catalogue, to each public profile. The page refers to each by a
    ``qr:<n>`` address that only ``QrFetcher`` serves: nothing typed by a user can add an
    image. One address per URL: an organisation listed under several areas shows the same
    image, made once by the process that lays out its part (``qr_png``)."""

    def __init__(self) -> None:
        self.addresses: dict[str, str] = {}
        self.used: dict[str, str] = {}

    def __call__(self, url: str) -> Markup:
        address = self.addresses.setdefault(url, f"qr:{len(self.addresses)}")
        self.used[address] = url
        return Markup('<img alt="" src="{}">').format(address)

    def take(self) -> dict[str, str]:
        """The codes (address: URL) used since the last call, by one part."""
        used, self.used = self.used, {}
        return used


@lru_cache(maxsize=1024)
def qr_png(url: str) -> bytes:
    """The QR code of a URL as a small PNG (an image costs WeasyPrint far less to lay out, and
    the PDF far fewer bytes, than a vector path of every module; drawn without smoothing, so
    the modules stay sharp in print). Kept: encoding (segno chooses the mask) is the costly
    step, and an organisation may come again in a later part."""
    output = BytesIO()
    segno.make(url, error="m", micro=False).save(output, kind="png", scale=5, border=0)
    return output.getvalue()


class QrFetcher(memorandum_pdf.StaticFetcher):
    """The memorandum's fetcher (the app's fonts and images only), and this part's QR codes
    (``codes``: address to URL)."""

    def __init__(self, static_folder: str, codes: dict[str, str]):
        super().__init__(static_folder)
        self.codes = codes

    def fetch(self, url, headers=None):
        if url in self.codes:
            return URLFetcherResponse(url, qr_png(self.codes[url]),
                                      {"Content-Type": "image/png"})
        return super().fetch(url, headers)


def catalogue_html(found: list[Section], filters: Filters, language: str, *, cover: bool,
                   count: int, qr: QrImages) -> str:
    """The HTML of one part of the catalogue (the cover in the first) of ``count``
    organisations; its QR codes are kept in ``qr`` for ``QrFetcher``."""
    with force_locale(language):
        names = {entry.organisation.id: organisation_name(entry.organisation, language, filters)
                 for section in found for entry in section.entries}
        return render_template(
            "pdf/catalogue.html", sections=found, language=language, filters=filters,
            stylesheet=Markup(_stylesheet()),  # noqa: S704 - our own file
            qr=qr, names=names, NO_AREA=NO_AREA, today=utcnow().date(),
            embassy_email=current_app.config.get("EMBASSY_CONTACT_EMAIL") or "",
            count=count, cover=cover)


PART_ENTRIES = 120   # entries per WeasyPrint document: memory holds one part's layout at a time


def parts(found: list[Section], size: int | None = None) -> list[list[Section]]:
    """The sections in order, cut into parts of at most ``size`` (``PART_ENTRIES``) entries; a
    section longer than that is split (its region and area headings repeated where it goes
    on)."""
    size = size or PART_ENTRIES
    result, current, filled = [], [], 0
    for section in found:
        entries = section.entries or []
        if not entries:
            current.append(section)
            continue
        start = 0
        while start < len(entries):
            room = size - filled
            if room <= 0:
                result.append(current)
                current, filled = [], 0
                room = size
            piece = entries[start:start + room]
            current.append(Section(section.region, section.area, piece))
            filled += len(piece)
            start += len(piece)
    if current or not result:
        result.append(current)
    return result


def organisation_name(organisation, language: str, filters: Filters) -> dict:
    """The name and the city in the catalogue's language (the city from the list of cities,
    so an English catalogue says "Kyiv", not "Київ"), and the Russian name when asked and
    known."""
    main = organisation.name(language)
    russian = organisation.name_ru if filters.russian_names and organisation.name_ru else ""
    city = cities.names(organisation.city or "", str(organisation.country),
                        organisation.region).get(language) or organisation.city
    return {"main": main, "russian": russian if russian != main else "", "city": city}


PROCESSES = 2   # WeasyPrint processes for a catalogue laid out in the background (2 cores)


def catalogue_pdf(found: list[Section], filters: Filters, language: str,
                  progress: Callable[[float], None] | None = None, processes: int = 1) -> bytes:
    """The catalogue PDF, laid out part by part, in ``processes`` forked processes when more
    than one (the background job); ``progress`` hears the share done (0..1)."""
    from pypdf import PdfReader, PdfWriter

    count = len({entry.organisation.id for section in found for entry in section.entries})
    pieces = parts(found)
    codes = QrImages()

    def documents():
        for index, piece in enumerate(pieces):
            html = catalogue_html(piece, filters, language, cover=index == 0, count=count,
                                  qr=codes)
            yield html, codes.take()

    workers = max(processes, 1) if len(pieces) > 1 else 1
    writer = PdfWriter()
    with _layouts(workers) as layout:
        for index, data in enumerate(layout(documents())):
            writer.append(PdfReader(BytesIO(data)), import_outline=True)
            if progress:
                progress((index + 1) / (len(pieces) + 1))
        numbers = [page for data in layout(_page_numbers(len(writer.pages), language, workers))
                   for page in PdfReader(BytesIO(data)).pages]
    _stamp(writer, numbers)
    writer.add_metadata({"/Title": _title(language)})
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def layout_pdf(document: tuple[str, dict[str, str]], static_folder: str,
               base_url: str) -> bytes:
    """One WeasyPrint document, its HTML and QR codes, as PDF bytes; needs no app context
    (it runs in the pool's processes too)."""
    html, codes = document
    return HTML(string=html, base_url=base_url,
                url_fetcher=QrFetcher(static_folder, codes)).write_pdf(full_fonts=True)


@contextmanager
def _layouts(processes: int):
    """A map from (HTML, QR codes) to PDF bytes, in order: here, one document at a time, or in
    a pool of ``processes`` processes forked from this one (they share its memory and never
    touch the database or the app), which lays out the next parts while this one joins."""
    lay_out = partial(layout_pdf, static_folder=current_app.static_folder,
                      base_url=memorandum_pdf.base_url())
    with _frozen_heap():
        if processes <= 1:
            yield lambda documents: map(lay_out, documents)
            return
        pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_die_with_parent)
        try:
            yield lambda documents: pool.map(lay_out, documents)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _frozen_heap():
    """The objects alive now are left out of the garbage collector's passes while the
    catalogue is laid out: WeasyPrint makes many objects, and each full pass would otherwise
    walk the whole application's heap again (a sixth of the layout's time). Processes forked
    meanwhile inherit the frozen heap, so their collector neither copies the shared pages nor
    finalises an object of this process (a database connection, say)."""
    frozen_before = gc.get_freeze_count()
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:  # someone else's freeze is theirs to undo
            gc.unfreeze()


def _die_with_parent() -> None:
    """A pool process ends when the job's process does (killed at its timeout, say)."""
    import ctypes
    import signal

    with suppress(AttributeError, OSError):  # not Linux: no such call
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG


def _page_numbers(pages: int, language: str, chunks: int):
    """The numbers' documents: empty pages with the catalogue's page size and margins, each
    with its "Page n / N", in ``chunks`` documents of consecutive pages."""
    size = -(-pages // chunks) or 1
    with force_locale(language):
        for first in range(1, pages + 1, size):
            yield render_template(
                "pdf/catalogue_page_numbers.html", language=language, total=pages,
                numbers=range(first, min(first + size, pages + 1)),
                stylesheet=Markup(_stylesheet())), {}  # noqa: S704 - our own file


def _stamp(writer, numbers: list) -> None:
    """Lay each number page over the joined catalogue's page, as a form XObject drawn after
    the page's own content: that content stays as WeasyPrint wrote it (compressed, not
    parsed and rewritten as ``merge_page`` would)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    def stream(data: bytes):
        obj = DecodedStreamObject()
        obj.set_data(data)
        return writer._add_object(obj)  # noqa: SLF001 - pypdf's way to add an object

    name = NameObject("/CataloguePageNumber")
    save, restore_and_draw = stream(b"q\n"), stream(b"\nQ q " + name.encode() + b" Do Q\n")
    for page, number in zip(writer.pages, numbers, strict=True):
        drawn = number["/Contents"].get_object()
        form = DecodedStreamObject()
        form.set_data(b"\n".join(part.get_object().get_data() for part in (
            drawn if isinstance(drawn, list) else [drawn])))
        form.update({NameObject("/Type"): NameObject("/XObject"),
                     NameObject("/Subtype"): NameObject("/Form"),
                     NameObject("/BBox"): number.mediabox,
                     NameObject("/Resources"): number["/Resources"].clone(writer)})
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[name] = writer._add_object(form)  # noqa: SLF001
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.get("/Contents")
        contents = [] if contents is None else list(contents.get_object()) if isinstance(
            contents.get_object(), list) else [contents]
        page[NameObject("/Contents")] = ArrayObject([save, *contents, restore_and_draw])


def _title(language: str) -> str:
    with force_locale(language):
        return _("Ukrainian medical institutions open to cooperation")


def _stylesheet() -> str:
    path = Path(current_app.static_folder) / "css" / "catalogue.css"
    return path.read_text("utf-8")


def catalogue_xlsx(found: list[Section], filters: Filters, language: str) -> bytes:
    """One row per organisation and area, with the same content as the PDF."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    with force_locale(language):
        workbook = Workbook(write_only=False)
        sheet = workbook.active
        sheet.title = _("Catalogue")[:31]
        header = [_("Region"), _("Area"), _("Organisation"), _("Name in Russian"), _("Kind"),
                  _("City"), _("Working languages"), _("Offers"), _("Needs"),
                  _("Public profile"), _("Contact"), _("Contact through the embassy")]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        route = embassy_route()
        for section in found:
            area = labels.area_label(section.area) if section.area != NO_AREA else \
                _("No current offers or needs")
            for entry in section.entries:
                organisation = entry.organisation
                name = organisation_name(organisation, language, filters)
                contacts = entry.contacts or {}
                sheet.append([
                    labels.region_label(section.region), str(area), name["main"],
                    name["russian"], str(labels.KINDS.get(str(organisation.kind), "")),
                    name["city"],
                    ", ".join(str(labels.LANGUAGES.get(code, code))
                              for code in organisation.languages),
                    "\n".join(item_line(item) for item in entry.offers),
                    "\n".join(item_line(item) for item in entry.needs),
                    entry.profile_url or "",
                    "\n".join(value for value in (contacts.get("name"), contacts.get("email"),
                                                   contacts.get("phone"),
                                                   contacts.get("website")) if value),
                    route])
        widths = (24, 24, 48, 36, 22, 16, 20, 48, 48, 40, 32, 40)
        for column, width in zip("ABCDEFGHIJKL", widths, strict=True):
            sheet.column_dimensions[column].width = width
        wrapped = Alignment(wrap_text=True, vertical="top")  # one object: cheaper per cell
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = wrapped
        sheet.freeze_panes = "A2"
        output = BytesIO()
        workbook.save(output)
        return output.getvalue()


def item_line(item) -> str:
    """An offer or need as one line: form, dimension, description."""
    return (f"{labels.FORMS.get(str(item.form), item.form)} "
            f"({labels.DIMENSIONS.get(str(item.dimension), item.dimension)}): "
            f"{item.description}")


def embassy_route() -> str:
    """How a reader reaches an organisation: through the embassy (in the forced language)."""
    email = current_app.config.get("EMBASSY_CONTACT_EMAIL")
    if email:
        return _("Through the Embassy of Ukraine in the Republic of Kazakhstan: %(email)s",
                 email=email)
    return _("Through the Embassy of Ukraine in the Republic of Kazakhstan")


def specimen_languages(language: str) -> tuple[str, ...]:
    return (language,) if language in SPECIMEN_LANGUAGES else ("kk", "en")


def specimen_pdf(language: str) -> bytes:
    """The framework memorandum template as a specimen (a draft, unsealed) in the language."""
    printed = memorandum_specimen.specimen(specimen_languages(language), state="draft")
    return memorandum_pdf.render_pdf(printed)
