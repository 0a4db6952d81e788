"""Issue 13, item 7: the cooperation package for the Kazakh side: a catalogue (PDF, XLSX) of the
verified Ukrainian institutions open to cooperation, filtered, in a chosen language, without
personal contacts unless published, with the framework memorandum as a specimen; rendered in
the background for large catalogues, with progress, and cached."""

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching import jobs
from partnership.notifications.models import Notification
from partnership.organisations.models import Country, Direction, Kind, Status
from partnership.outreach import catalogue, render, services
from partnership.outreach.catalogue import Section
from partnership.outreach.models import CatalogueJob, CatalogueStatus

from ..conftest import csrf_token, log_in
from ..e2e.conftest import ARTIFACTS
from ..factories import ItemFactory, OrganisationFactory, UserFactory


def officer_client(app):
    import pyotp

    secret = pyotp.random_base32()
    user = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret)
    client = app.test_client()
    assert log_in(client, user, secret=secret).status_code == 302
    return client, user


def world():
    """Ukrainian organisations in two regions and areas, and those the catalogue leaves out."""
    kyiv = OrganisationFactory(name_uk="Київська дитяча лікарня",
                               name_kk="Киев балалар ауруханасы",
                               name_en="Kyiv Children's Hospital",
                               name_ru="Киевская детская больница",
                               region="ua_kyiv_city", kind=Kind.CHILDRENS_HOSPITAL,
                               contact_name="Олена Published", contact_email="olena@kyiv.example",
                               public_listing=True)
    ItemFactory(organisation=kyiv, area="physical_rehabilitation",
                description="Rehabilitation training for physiotherapists")
    ItemFactory(organisation=kyiv, area="cardiology", direction=Direction.NEED,
                urgency="high", description="Echocardiography machine")
    lviv = OrganisationFactory(name_uk="Львівський центр реабілітації",
                               name_kk="Львов оңалту орталығы",
                               name_en="Lviv Rehabilitation Centre",
                               region="ua_lviv", kind=Kind.REHABILITATION_CENTRE,
                               contact_name="Hidden Person", contact_email="hidden@lviv.example",
                               contact_phone="+380 32 111 11 11", public_listing=False)
    ItemFactory(organisation=lviv, area="physical_rehabilitation",
                description="Prosthetics workshop placements")
    ItemFactory(organisation=lviv, area="cardiology", description="Expired offer",
                valid_until=date.today() - timedelta(days=1))
    OrganisationFactory(name_en="Pending Hospital", status=Status.PENDING)
    OrganisationFactory(name_en="Closed Hospital", open_to_cooperation=False)
    OrganisationFactory(name_en="Astana Clinic", country=Country.KZ)
    return kyiv, lviv


def request_package(client, language="en", **choices):
    data = {"csrf_token": csrf_token(client, "/embassy/cooperation-package"),
            "language": language}
    data.update(choices)
    return client.post("/embassy/cooperation-package", data=data)


def job_of(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return int(re.search(r"/embassy/cooperation-package/(\d+)$", response.headers["Location"])[1])


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def images_drawn(data: bytes) -> int:
    """How many times the PDF's pages draw an image (the same image may be drawn twice)."""
    drawn = 0
    for page in PdfReader(io.BytesIO(data)).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        drawn += sum(1 for operands, operator in page.get_contents().operations
                     if operator == b"Do"
                     and xobjects[operands[0]].get_object()["/Subtype"] == "/Image")
    return drawn


def xlsx_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_catalogue_lists_verified_ukrainian_institutions_open_to_cooperation(app):
    kyiv, lviv = world()
    client, _officer = officer_client(app)
    job = job_of(request_package(client, "en"))
    page = client.get(f"/embassy/cooperation-package/{job}").get_data(as_text=True)
    assert "The package is ready." in page and "2 organisations." in page
    data = client.get(f"/embassy/cooperation-package/{job}/pdf").data
    text = pdf_text(data)
    assert "Kyiv Children's Hospital" in text and "Lviv Rehabilitation Centre" in text
    # a QR code (an image) with each entry of the one public profile: Kyiv is in two areas;
    # the code is made once and drawn with both entries
    assert images_drawn(data) == 2
    assert len({image.data for page in PdfReader(io.BytesIO(data)).pages
                for image in page.images}) == 1
    for absent in ("Pending Hospital", "Closed Hospital", "Astana Clinic", "Expired offer"):
        assert absent not in text
    # grouped by region, then area; each with its offers and needs and languages
    # (Lviv Oblast comes before the city of Kyiv in the region list)
    assert (text.index("Lviv Oblast") < text.index("Prosthetics workshop")
            < text.index("Kyiv Children's Hospital"))
    assert "Rehabilitation training for physiotherapists" in text
    assert "Echocardiography machine" in text and "Needs" in text and "Offers" in text
    assert "Working languages: Ukrainian, English" in text
    assert "Kyiv" in text and "Київ" not in text      # the city in the catalogue's language
    assert "Contact through the embassy" in text
    # the published contact is shown; the unpublished organisation's is not
    assert "olena@kyiv.example" in text and "Олена Published" in text
    assert "hidden@lviv.example" not in text and "Hidden Person" not in text
    assert "+380 32 111 11 11" not in text
    assert f"/organisations/{kyiv.id}" in text and f"/organisations/{lviv.id}" not in text
    assert f"No. UA-{kyiv.id}" in text
    (ARTIFACTS / "catalogue-en.pdf").parent.mkdir(exist_ok=True)
    (ARTIFACTS / "catalogue-en.pdf").write_bytes(data)      # to look at


@pytest.mark.parametrize("language", ["kk", "uk"])
def test_an_entrys_number_is_written_in_the_catalogues_language(app, language):
    kyiv, _lviv = world()
    client, _officer = officer_client(app)
    job = job_of(request_package(client, language))
    text = pdf_text(client.get(f"/embassy/cooperation-package/{job}/pdf").data)
    assert f"№ UA-{kyiv.id}" in text and "No." not in text


def test_a_catalogue_in_several_parts_reads_as_one_document(app, monkeypatch):
    """Laid out one entry per part: the cover once, every entry once and in order, the
    headings repeated where a section goes on, and "Page n / N" on every page."""
    monkeypatch.setattr(render, "PART_ENTRIES", 1)
    world()
    extra = OrganisationFactory(name_en="Lviv Second Hospital", region="ua_lviv")
    ItemFactory(organisation=extra, area="physical_rehabilitation",
                description="Gait training places")
    client, _officer = officer_client(app)
    job = job_of(request_package(client, "en"))
    reader = PdfReader(io.BytesIO(client.get(f"/embassy/cooperation-package/{job}/pdf").data))
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    text = " ".join(pages)
    assert len(pages) >= 4                   # four entries (Kyiv twice: offer and need area)
    assert text.count("Ukrainian medical institutions open to cooperation") == 1
    assert "3 organisations" in text
    for number, page in enumerate(pages, start=1):
        assert page.count(f"Page {number} / {len(pages)}") == 1, page
    for name in ("Lviv Rehabilitation Centre", "Lviv Second Hospital"):
        assert text.count(name) == 1
    assert (text.index("Lviv Rehabilitation Centre") < text.index("Lviv Second Hospital")
            < text.index("Kyiv Children's Hospital"))
    assert text.count("Lviv Oblast") == 2     # the section goes on in the next part
    titles = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert "Lviv Oblast" in titles and "Kyiv" in " ".join(titles)


def test_parts_laid_out_in_a_pool_of_processes_make_the_same_catalogue(app, monkeypatch):
    """The worker lays the parts out in forked processes: the same pages, text, bookmarks and
    QR codes as one process makes, and the page numbers laid over all of them."""
    monkeypatch.setattr(render, "PART_ENTRIES", 1)
    world()
    found = catalogue.sections(catalogue.Filters())
    alone = render.catalogue_pdf(found, catalogue.Filters(), "uk")
    shares = []
    pooled = render.catalogue_pdf(found, catalogue.Filters(), "uk", progress=shares.append,
                                  processes=2)
    readers = [PdfReader(io.BytesIO(data)) for data in (alone, pooled)]
    texts = [[page.extract_text() for page in reader.pages] for reader in readers]
    assert texts[0] == texts[1] and len(texts[1]) == len(render.parts(found)) == 3
    for number, page in enumerate(texts[1], start=1):
        assert re.sub(r"\s+", " ", page).count(f"Сторінка {number} / {len(texts[1])}") == 1
    assert [entry.title for entry in readers[0].outline if not isinstance(entry, list)] == \
        [entry.title for entry in readers[1].outline if not isinstance(entry, list)]
    assert images_drawn(alone) == images_drawn(pooled) == 2
    assert shares == sorted(shares) and len(shares) == len(render.parts(found))


def test_parts_keep_the_order_and_split_long_sections():
    sections = [Section("a", "x", [1, 2, 3]), Section("b", "", []), Section("b", "y", [4])]
    cut = render.parts(sections, size=2)
    assert [[(s.region, s.area, s.entries) for s in part] for part in cut] == [
        [("a", "x", [1, 2])], [("a", "x", [3]), ("b", "", []), ("b", "y", [4])]]
    assert render.parts([], size=2) == [[]]


def test_the_xlsx_has_the_same_content_and_the_specimen_comes_in_the_language(app):
    world()
    client, _officer = officer_client(app)
    job = job_of(request_package(client, "kk"))
    rows = xlsx_rows(client.get(f"/embassy/cooperation-package/{job}/xlsx").data)
    header, body = rows[0], rows[1:]
    assert header[2] == "Ұйым"  # "Organisation" in Kazakh
    names = {row[2] for row in body}
    assert names == {"Киев балалар ауруханасы", "Львов оңалту орталығы"}
    assert len(body) == 3  # Kyiv under two areas, Lviv under one (its expired offer is gone)
    assert all("hidden@lviv.example" not in str(cell) for row in body for cell in row)
    assert any("olena@kyiv.example" in (row[10] or "") for row in body)
    specimen = client.get(f"/embassy/cooperation-package/{job}/specimen")
    assert specimen.status_code == 200
    assert "memorandum-specimen-kk.pdf" in specimen.headers["Content-Disposition"]
    assert "МЕМОРАНДУМ" in pdf_text(specimen.data).upper()


def test_filters_by_area_region_and_kind_and_russian_names(app):
    world()
    client, _officer = officer_client(app)
    job = job_of(request_package(client, "en", areas=["cardiology"]))
    text = pdf_text(client.get(f"/embassy/cooperation-package/{job}/pdf").data)
    assert "Kyiv Children's Hospital" in text and "Lviv Rehabilitation Centre" not in text
    assert "Echocardiography machine" in text and "physiotherapists" not in text
    job = job_of(request_package(client, "en", regions=["ua_lviv"]))
    rows = xlsx_rows(client.get(f"/embassy/cooperation-package/{job}/xlsx").data)
    assert {row[2] for row in rows[1:]} == {"Lviv Rehabilitation Centre"}
    job = job_of(request_package(client, "en", kinds=["childrens_hospital"], russian_names="y"))
    rows = xlsx_rows(client.get(f"/embassy/cooperation-package/{job}/xlsx").data)
    assert {(row[2], row[3]) for row in rows[1:]} == {
        ("Kyiv Children's Hospital", "Киевская детская больница")}


def test_the_same_request_on_the_same_data_is_served_from_the_cache(app, monkeypatch):
    kyiv, _lviv = world()
    client, _officer = officer_client(app)
    first = job_of(request_package(client, "en"))
    pdf = client.get(f"/embassy/cooperation-package/{first}/pdf").data
    rendered = []
    monkeypatch.setattr(services.render, "catalogue_pdf",
                        lambda *args: rendered.append(args) or b"%PDF-new")
    second = job_of(request_package(client, "en"))
    assert second != first and rendered == []
    assert client.get(f"/embassy/cooperation-package/{second}/pdf").data == pdf
    assert db.session.get(CatalogueJob, second).key == db.session.get(CatalogueJob, first).key
    # another language, or changed data, is another package
    other = job_of(request_package(client, "uk"))
    assert db.session.get(CatalogueJob, other).key != db.session.get(CatalogueJob, first).key
    kyiv.name_en = "Kyiv Children's Hospital No. 1"
    db.session.commit()
    changed = job_of(request_package(client, "en"))
    assert db.session.get(CatalogueJob, changed).key != db.session.get(CatalogueJob, first).key


@pytest.mark.parametrize("role", [Role.ORG_MANAGER, Role.ORG_MEMBER, Role.CENTRE_STAFF,
                                  Role.PROGRAMME_COORDINATOR])
def test_only_the_embassy_may_ask_for_or_download_the_package(app, role):
    world()
    client, _officer = officer_client(app)
    job = job_of(request_package(client, "en"))
    other = app.test_client()
    organisation = OrganisationFactory() if role in (Role.ORG_MANAGER, Role.ORG_MEMBER) else None
    import pyotp

    secret = pyotp.random_base32()
    user = UserFactory(role=role, organisation=organisation, totp_secret=secret)
    assert log_in(other, user, secret=secret).status_code == 302
    for path in ("/embassy/cooperation-package", f"/embassy/cooperation-package/{job}",
                 f"/embassy/cooperation-package/{job}/pdf"):
        assert other.get(path).status_code in (403, 404)
    anonymous = app.test_client().get(f"/embassy/cooperation-package/{job}/pdf")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_unknown_choices_are_refused_in_the_form_not_with_an_error(app):
    client, _officer = officer_client(app)
    response = request_package(client, "ru", areas=["<script>"], regions=["kz_astana"])
    assert response.status_code == 422
    assert client.get("/embassy/cooperation-package/999/pdf").status_code == 404
    assert client.get("/embassy/cooperation-package/1/nothing").status_code == 404


def test_a_large_catalogue_renders_in_the_worker_with_progress(make_app, redis_url):
    app = make_app(REDIS_URL=redis_url, CATALOGUE_BACKGROUND_ORGANISATIONS=1)
    with app.app_context():
        world()
        client, officer = officer_client(app)
        job = job_of(request_package(client, "en"))
        page = client.get(f"/embassy/cooperation-package/{job}").get_data(as_text=True)
        assert "waiting for its turn" in page and 'http-equiv="refresh"' in page
        assert client.get(f"/embassy/cooperation-package/{job}/pdf").status_code == 404
        seen = []
        original = services._set

        def watching(job_id, **values):
            seen.append(values.get("progress"))
            original(job_id, **values)

        services._set = watching
        try:
            jobs.work(burst=True)
        finally:
            services._set = original
        marks = [p for p in seen if p]
        assert marks[:2] == [15, 25] and marks[-3:] == [85, 99, 100]
        assert marks == sorted(marks) and len(marks) > 5     # each part of the PDF tells too
        found = db.session.scalars(select(CatalogueJob)).one()
        db.session.refresh(found)
        assert found.status == CatalogueStatus.SUCCEEDED and found.progress == 100
        page = client.get(f"/embassy/cooperation-package/{job}").get_data(as_text=True)
        assert "The package is ready." in page and 'http-equiv="refresh"' not in page
        # whoever asked is told, with a link to the package's page
        told = db.session.scalars(select(Notification)).one()
        assert told.user_id == officer.id and told.kind == "package_ready"
        opened = client.get(f"/notifications/{told.id}/open")
        assert opened.headers["Location"].endswith(f"/embassy/cooperation-package/{job}")
        assert client.get(f"/embassy/cooperation-package/{job}/pdf").data.startswith(b"%PDF")


def test_a_running_job_shows_its_progress(app):
    client, user = officer_client(app)
    job = CatalogueJob(key="0" * 64, language="en", filters={}, status=CatalogueStatus.RUNNING,
                       organisations=1000, progress=40, created_by_id=user.id)
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/embassy/cooperation-package/{job.id}").get_data(as_text=True)
    assert "40 % done" in page and '<progress max="100" value="40">' in page
    assert '<meta http-equiv="refresh" content="2">' in page


