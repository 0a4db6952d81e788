"""The memorandum PDF: its text in every chosen language, its marks, its QR code, and a URL
fetcher that lets a clause reach neither the disk nor the network."""

import dataclasses
import io
import re
import shutil
import subprocess
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pypdf
import pytest
import segno
from flask_babel import force_locale, gettext
from markupsafe import Markup
from PIL import Image

from partnership import create_app
from partnership.memoranda.content import SHORT_HASH
from partnership.memoranda.pdf import (
    PrintedClause,
    StaticFetcher,
    memorandum_html,
    render_pdf,
    url_fetcher,
)
from partnership.memoranda.specimen import KAZAKH, UKRAINIAN, VERIFY_URL, specimen
from partnership.memoranda.template import render

from ..conftest import base_config, require_service

KAZAKH_LETTERS = "әғқңөұүһі"
UKRAINIAN_LETTERS = "їєґ"
COMBINATIONS = [("uk", "kk"), ("uk", "en"), ("uk", "kk", "en")]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "memorandum-pdf"
MARGIN = 14 / 210                    # the page's side margin (pdf.css), as a share of its width


@pytest.fixture(scope="module")
def pdf_app(tmp_path_factory):
    """An application for rendering only: the renderer reads no database."""
    app = create_app(base_config(tmp_path_factory.mktemp("pdf"), "sqlite://"))
    with app.app_context():
        yield app


@pytest.fixture(scope="module")
def rendered(pdf_app):
    """Each specimen rendered once for the module: (languages, state) -> (memorandum, bytes)."""
    cache = {}

    def get(languages, state="draft"):
        if (languages, state) not in cache:
            memorandum = specimen(languages, state)
            cache[languages, state] = memorandum, render_pdf(memorandum)
        return cache[languages, state]
    return get


def pdf_text(data: bytes) -> tuple[str, int]:
    """The PDF's text with hyphenated line ends joined and all whitespace single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = re.sub("\u2010\n", "", text)        # a hyphen WeasyPrint added to break a word
    text = re.sub(r"(\w-)\n", r"\1", text)      # a word's own hyphen at a line end
    return re.sub(r"\s+", " ", text), len(reader.pages)


@pytest.mark.parametrize("languages", COMBINATIONS, ids="|".join)
def test_every_chosen_language_has_the_parties_and_every_clause(rendered, languages):
    memorandum, data = rendered(languages)
    assert data.startswith(b"%PDF-")
    text, _ = pdf_text(data)
    for language in languages:
        for party in (UKRAINIAN, KAZAKH):
            assert party.name[language] in text, (language, party.country)
        for clause in memorandum.clauses:
            assert f"{clause.number}. {clause.title[language]}" in text, (
                language, clause.number)
    assert UKRAINIAN.registry_code in text and KAZAKH.registry_code in text
    for language in {"uk", "kk", "en"} - set(languages):
        assert memorandum.clauses[0].title[language] not in text
    assert len(memorandum.clauses) == 17


@pytest.mark.parametrize("languages", COMBINATIONS, ids="|".join)
def test_kazakh_and_ukrainian_letters_come_through_the_shipped_fonts(rendered, languages):
    _, data = rendered(languages)
    text, _ = pdf_text(data)
    assert set(UKRAINIAN_LETTERS) <= set(text)
    if "kk" in languages:
        assert set(KAZAKH_LETTERS) <= set(text)
    fonts = {font.get_object()["/BaseFont"].split("+")[-1]
             for page in pypdf.PdfReader(io.BytesIO(data)).pages
             for font in page["/Resources"]["/Font"].values()}
    # only the @font-face families of pdf.css: no glyph fell back to a system font
    assert fonts <= {"Memorandum-Serif", "Memorandum-Serif-Bold", "Memorandum-Sans",
                     "Memorandum-Sans-Bold"}, fonts


@pytest.mark.parametrize("languages", COMBINATIONS, ids="|".join)
def test_the_footer_says_page_n_of_m_in_each_language_and_the_header_names_the_version(
        rendered, languages):
    memorandum, data = rendered(languages)
    text, pages = pdf_text(data)
    assert pages > 1
    for language in languages:
        with force_locale(language):
            for page in (1, pages):
                assert gettext("Page %(page)d of %(pages)d", page=page, pages=pages) in text
            assert gettext("Version %(number)s", number=memorandum.version) in text
    assert text.count(memorandum.reference) >= pages


def draft_words(languages) -> list[str]:
    words = []
    for language in languages:
        with force_locale(language):
            words.append(gettext("DRAFT"))
    return words


@pytest.mark.parametrize("state", ["draft", "in_review"])
def test_a_draft_carries_the_watermark_on_every_page_and_no_hash(rendered, state):
    memorandum, data = rendered(("uk", "kk", "en"), state)
    reader = pypdf.PdfReader(io.BytesIO(data))
    for page in reader.pages:
        page_text = page.extract_text()
        for word in draft_words(memorandum.languages):
            assert word in page_text
    assert "SHA-256" not in pdf_text(data)[0]
    assert not any("/Annots" in page for page in reader.pages)


@pytest.mark.parametrize("state", ["agreed", "signed"])
def test_an_agreed_memorandum_has_no_watermark_and_shows_its_short_hash(rendered, state):
    memorandum, data = rendered(("uk", "kk", "en"), state)
    text, pages = pdf_text(data)
    for word in draft_words(memorandum.languages):
        assert word not in text
    short = memorandum.text_hash[:SHORT_HASH]
    assert short in text and memorandum.text_hash not in text
    assert text.count(f"SHA-256 {short}") == pages          # the running header
    assert "15 травня 2026" in text and "15 May 2026" in text  # the date, per language


def test_the_qr_code_links_to_and_encodes_the_verification_address(pdf_app, rendered):
    memorandum, data = rendered(("uk", "en"), "signed")
    links = [annotation.get_object()["/A"]["/URI"]
             for page in pypdf.PdfReader(io.BytesIO(data)).pages
             for annotation in page.get("/Annots", ())
             if annotation.get_object()["/Subtype"] == "/Link"]      # not the seal's widget
    assert links and set(links) == {VERIFY_URL}
    assert VERIFY_URL in pdf_text(data)[0]
    svg = re.search(r'<a class="qr" href="([^"]+)">(<svg.*?</svg>)', memorandum_html(memorandum),
                    re.S)
    assert svg.group(1) == VERIFY_URL
    assert qr_modules(svg.group(2)) == {
        (x, y) for y, row in enumerate(segno.make(VERIFY_URL, error="m").matrix)
        for x, dark in enumerate(row) if dark}


def qr_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules a segno SVG path draws (moves ``M``/``m`` and runs ``h``)."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    x = y = 0.0
    modules = set()
    for command, dx, dy in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(dx), float(dy)
        elif command == "m":
            x, y = x + float(dx), y + float(dy)
        else:
            modules |= {(int(x) + i, int(y)) for i in range(int(float(dx)))}
            x += float(dx)
    return modules


def test_the_same_memorandum_gives_the_same_bytes(rendered, pdf_app):
    memorandum, data = rendered(("uk", "kk"))
    assert render_pdf(memorandum) == data


def test_names_typed_with_markup_stay_text(pdf_app):
    memorandum = specimen(("uk", "en"))
    hostile = dataclasses.replace(memorandum.ukrainian_party, name={
        "uk": "<b>Лікарня</b> & «Ко»", "en": '<img src="file:///etc/hostname">'})
    html = memorandum_html(dataclasses.replace(memorandum, ukrainian_party=hostile))
    assert "&lt;b&gt;Лікарня&lt;/b&gt; &amp; «Ко»" in html
    assert '<img src="file:///etc/hostname">' not in html


class CountingServer:
    """A local HTTP server that counts the requests it gets."""

    def __init__(self):
        counter = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                counter.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { background: red }")

            def log_message(self, *args):
                pass

        self.requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def hostile_html(port: int, local: Path) -> Markup:
    return Markup(  # noqa: S704 - deliberately unescaped: what the fetcher must withstand
        '<img src="file:///etc/hostname"><img src="/etc/hostname">'
        '<img src="../../../../../etc/hostname">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/linked.css">'
        f'<link rel="stylesheet" href="{local.as_uri()}">'
        f'<style>@import url("http://127.0.0.1:{port}/imported.css");'
        f'@import url("{local.as_uri()}");'
        f'p {{ background: url(http://127.0.0.1:{port}/background.png) }}'
        '@font-face { font-family: X; src: url(file:///etc/hostname) }</style>'
        f'<p style="background-image: url(\'http://127.0.0.1:{port}/inline.png\')">'
        f'<img src="https://127.0.0.1:{port}/secure.png"><img src="{local.as_uri()}">'
        '<img src="data:image/png;base64,iVBORw0KGgo="><object data="file:///etc/passwd">'
        '</object> Hostile clause</p>')


def test_a_clause_with_file_and_network_references_embeds_and_fetches_nothing(
        pdf_app, tmp_path):
    leak = f"LEAKED{uuid.uuid4().hex}"
    local = tmp_path / "local.css"   # a readable local file: fetched, it would print `leak`
    local.write_text(f'p::after {{ content: "{leak}" }} body {{ background: red }}')
    hostname = Path("/etc/hostname")
    secret = hostname.read_text().strip() if hostname.exists() else ""
    with CountingServer() as server:
        memorandum = specimen(("uk", "en"))
        body = hostile_html(server.port, local)
        clause = PrintedClause(99, {"uk": "Пастка", "en": "Trap"}, {"uk": body, "en": body})
        data = render_pdf(dataclasses.replace(
            memorandum, clauses=[*memorandum.clauses, clause]))
        assert server.requests == 0
    reader = pypdf.PdfReader(io.BytesIO(data))
    text, _ = pdf_text(data)
    assert "Hostile clause" in text
    assert leak not in text
    assert not [image for page in reader.pages for image in page.images]
    if len(secret) >= 3:
        assert secret not in text.replace("Hostile clause", "")
    if len(secret) >= 6:             # too short a name could appear in any binary by chance
        assert secret.encode() not in data


def test_clause_text_from_the_template_renderer_is_printed_literally(pdf_app):
    with CountingServer() as server:
        typed = ('<img src="file:///etc/hostname"> '
                 f'<link rel=stylesheet href="http://127.0.0.1:{server.port}/x.css"> '
                 'у {{ place }}')
        body = render(typed, {"place": "Астані"})
        memorandum = specimen(("uk", "en"))
        clause = PrintedClause(18, {"uk": "Текст", "en": "Text"}, {"uk": body, "en": body})
        data = render_pdf(dataclasses.replace(memorandum, clauses=[clause]))
        assert server.requests == 0
    text, _ = pdf_text(data)
    assert '<img src="file:///etc/hostname">' in text and "у Астані" in text


@pytest.mark.parametrize("url", [
    "file:///etc/hostname",
    "file:///etc/passwd",
    "file://localhost/etc/hostname",
    "file://evil.example/{fonts}/NotoSans-Regular.ttf",
    "file://{fonts}/../../partnership/config.py",
    "file://{fonts}/%2e%2e/%2e%2e/partnership/config.py",
    "file://{fonts}/..%2f..%2fpartnership/config.py",
    "file://{static}/css/pdf.css",
    "file://{static}/js/app.js",
    "file://{fonts}/missing.ttf",
    "file://{fonts}",
    "http://127.0.0.1:9/x.css",
    "https://fonts.example.org/NotoSans-Regular.ttf",
    "data:text/css,body{{}}",
    "ftp://127.0.0.1/x",
    "FILE:///etc/hostname",
    "javascript:alert(1)",
])
def test_the_fetcher_refuses_everything_but_our_fonts_and_images(pdf_app, url):
    static = Path(pdf_app.static_folder).resolve()
    url = url.format(static=static, fonts=static / "fonts")
    fetcher = url_fetcher()
    assert fetcher.allowed_path(url) is None
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)


def test_the_fetcher_refuses_a_link_that_leads_out_of_the_fonts(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "fonts" / "font.ttf").symlink_to(tmp_path / "secret.txt")
    fetcher = StaticFetcher(tmp_path)
    assert fetcher.allowed_path((tmp_path / "fonts" / "font.ttf").as_uri()) is None


def test_the_fetcher_serves_our_fonts_and_images(pdf_app):
    static = Path(pdf_app.static_folder).resolve()
    fetcher = url_fetcher()
    font = fetcher.fetch((static / "fonts" / "NotoSerif-Regular.ttf").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00" and font.content_type == "font/ttf"
    font.close()
    image = fetcher.fetch((static / "img" / "logo.svg").as_uri())
    assert image.content_type == "image/svg+xml"
    image.close()


@pytest.mark.parametrize(("languages", "state"), [
    (("uk", "kk"), "draft"), (("uk", "en"), "signed"), (("uk", "kk", "en"), "in_review"),
    (("uk", "kk", "en"), "agreed")], ids=lambda value: "|".join(value)
    if isinstance(value, tuple) else value)
def test_page_images_have_text_in_every_column_and_the_watermark_only_on_drafts(
        rendered, languages, state):
    """Pages as a person sees them (kept in test-artifacts/ to look at): every column of every
    full page carries text, and the red watermark is on every page of a draft and on none after."""
    if not shutil.which("pdftoppm"):
        require_service("pdftoppm", "poppler-utils renders the PDF pages to images")
    _, data = rendered(languages, state)
    folder = ARTIFACTS / f"{'-'.join(languages)}-{state}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "memorandum.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png",  # noqa: S603, S607 - fixed arguments
                    str(folder / "memorandum.pdf"), str(folder / "page")], check=True)
    pages = sorted(folder.glob("page-*.png"))
    assert len(pages) == len(pypdf.PdfReader(io.BytesIO(data)).pages)
    for number, path in enumerate(pages, start=1):
        image = Image.open(path).convert("RGB")
        width, height = image.size
        rgb = image.tobytes()
        red = sum(1 for i in range(0, len(rgb), 3)
                  if rgb[i] > rgb[i + 1] + 15 and rgb[i] > rgb[i + 2] + 15)
        assert (red > 500) == (state in ("draft", "in_review")), (path.name, red)
        if number == len(pages):
            continue                 # the last page may hold only the signatures
        left, right = width * MARGIN, width * (1 - MARGIN)
        step = (right - left) / len(languages)
        for column in range(len(languages)):
            box = (int(left + column * step + 4), int(height * 0.3),
                   int(left + (column + 1) * step - 4), int(height * 0.7))
            ink = sum(1 for value in image.crop(box).convert("L").tobytes() if value < 180)
            assert ink > 800, (path.name, languages[column], ink)
