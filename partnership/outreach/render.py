"""The cooperation package's files: the catalogue as PDF (WeasyPrint, with a QR code to each
public profile) and XLSX (openpyxl), and the framework memorandum as a specimen PDF.

The PDF is laid out with the memorandum's fonts and URL fetcher (nothing but the app's own
fonts and images is read). Everything is rendered with the catalogue's language forced, so the
labels of kinds, regions and areas are in that language, whoever asked.

A large catalogue is laid out in parts of at most ``PART_ENTRIES`` entries, one WeasyPrint
document each, so memory holds one part's boxes at a time; the parts are joined with pypdf
(their bookmarks kept) and the page numbers ("Page 3 / 412") are laid over the joined pages
from one more small document of numbered empty pages with the same page margins.
"""

import warnings
from collections.abc import Callable
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
    """The QR codes of one catalogue part as small PNGs (an image costs WeasyPrint far less to
    lay out, and the PDF far fewer bytes, than a vector path of every module; drawn without
    smoothing, so the modules stay sharp in print). The page refers to each by a ``qr:<n>``
    address that only ``QrFetcher`` serves: nothing typed by a user can add an image."""

    def __init__(self) -> None:
        self.images: dict[str, bytes] = {}

    def __call__(self, url: str) -> Markup:
        output = BytesIO()
        segno.make(url, error="m", micro=False).save(output, kind="png", scale=5, border=0)
        address = f"qr:{len(self.images)}"
        self.images[address] = output.getvalue()
        return Markup('<img alt="" src="{}">').format(address)


class QrFetcher(memorandum_pdf.StaticFetcher):
    """The memorandum's fetcher (the app's fonts and images only), and this part's QR codes."""

    def __init__(self, static_folder: str, images: dict[str, bytes]):
        super().__init__(static_folder)
        self.images = images

    def fetch(self, url, headers=None):
        if url in self.images:
            return URLFetcherResponse(url, self.images[url], {"Content-Type": "image/png"})
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


def catalogue_pdf(found: list[Section], filters: Filters, language: str,
                  progress: Callable[[float], None] | None = None) -> bytes:
    """The catalogue PDF, laid out part by part; ``progress`` hears the share done (0..1)."""
    from pypdf import PdfReader, PdfWriter

    count = len({entry.organisation.id for section in found for entry in section.entries})
    pieces = parts(found)
    writer = PdfWriter()
    for index, piece in enumerate(pieces):
        codes = QrImages()
        html = catalogue_html(piece, filters, language, cover=index == 0, count=count, qr=codes)
        writer.append(PdfReader(BytesIO(_pdf(html, codes.images))), import_outline=True)
        if progress:
            progress((index + 1) / (len(pieces) + 1))
    numbers = PdfReader(BytesIO(_pdf(_page_numbers_html(len(writer.pages), language))))
    for page, number in zip(writer.pages, numbers.pages, strict=True):
        page.merge_page(number)
    writer.add_metadata({"/Title": _title(language)})
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _pdf(html: str, images: dict[str, bytes] | None = None) -> bytes:
    fetcher = QrFetcher(current_app.static_folder, images or {})
    return HTML(string=html, base_url=memorandum_pdf.base_url(),
                url_fetcher=fetcher).write_pdf(full_fonts=True)


def _page_numbers_html(pages: int, language: str) -> str:
    with force_locale(language):
        return render_template("pdf/catalogue_page_numbers.html", pages=pages,
                               language=language,
                               stylesheet=Markup(_stylesheet()))  # noqa: S704 - our own file


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
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
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
