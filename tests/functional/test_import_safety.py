"""Hardening of the import, the profile forms and the exports (issue 10, items 7 and 8, and the
full-width formula note): links are http(s) only, numbers and texts stay inside their columns,
and no spreadsheet cell starts a formula."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations import validation
from partnership.organisations.imports import import_items, import_organisations
from partnership.organisations.models import Item, Organisation
from partnership.organisations.tables import neutralise, unneutralise

from .. import factories_programme as fp
from ..conftest import log_in, post_form
from ..factories import DEFAULT_PASSWORD, ItemFactory, OrganisationFactory, UserFactory

ORG = {"registry_code": "14360570", "country": "UA", "kind": "hospital", "name_uk": "Лікарня",
       "name_kk": "", "name_en": "Hospital", "region": "ua_lviv", "city": "Львів",
       "languages": "uk", "beds": "", "staff": "", "website": "", "description": "",
       "contact_name": "Олена Коваль", "contact_email": "olena@clinic.example"}
ITEM = {"registry_code": "14360570", "direction": "need", "area": "burns_care",
        "dimension": "professional", "form": "training", "description": "Навчання",
        "quantity": "3", "urgency": "high", "languages": "uk", "valid_until": ""}


def table(*rows: dict, fmt: str = "csv") -> bytes:
    """A CSV or XLSX file of these rows (the first row's keys are the header)."""
    header = list(rows[0])
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(header)
        for row in rows:
            sheet.append([row[name] for name in header])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[name] for name in header])
    return out.getvalue().encode("utf-8")


def errors_of(report):
    return [(e.row, e.column) for e in report.errors]


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


# --- item 7: links are http(s) only ---------------------------------------------------------

BAD_LINKS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
             "\tjavascript:alert(1)", "java\nscript:alert(1)",
             "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
             "vbscript:msgbox(1)", "javascript://example.com/%0Aalert(1)",
             "ftp://files.example.com/", "//evil.example/", "https://", "example.com"]


@pytest.mark.parametrize("website", BAD_LINKS)
def test_the_import_refuses_a_website_that_is_not_http(app, website):
    report = import_organisations(None, table({**ORG, "website": website}), "orgs.csv")
    assert (2, "website") in errors_of(report), report.errors
    assert count(Organisation) == 0


@pytest.mark.parametrize("website", ["https://mykolaiv-child.example/uk/",
                                     "http://hospital.example", "HTTPS://Hospital.Example"])
def test_the_import_keeps_a_good_website(app, website):
    report = import_organisations(None, table({**ORG, "website": website}), "orgs.csv")
    assert report.ok, report.errors


@pytest.mark.parametrize("website", ["javascript://example.com/%0Aalert(1)",
                                     "JaVaScRiPt:alert(1)", "data:text/html,x",
                                     "ftp://files.example.com/"])
def test_the_profile_form_refuses_the_same_websites(client, website):
    organisation = OrganisationFactory()
    log_in(client, UserFactory(role=Role.ORG_MANAGER, organisation=organisation))
    response = post_form(client, f"/organisations/{organisation.id}/edit", {
        "kind": "hospital", "name_uk": "Лікарня", "name_kk": "", "name_en": "", "name_ru": "",
        "region": "ua_lviv", "city": "Львів", "languages": ["uk"], "beds": "", "staff": "",
        "description": "", "contact_name": "Х", "contact_email": "x@x.example",
        "contact_phone": "", "website": website})
    assert response.status_code == 200
    assert "Write the full address of the website" in response.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.website == ""


@pytest.mark.parametrize("href", ["javascript:alert(1)", " JaVaScRiPt:alert(1)",
                                  "data:text/html,<b>x</b>", "vbscript:msgbox(1)",
                                  "javascript://example.com/%0Aalert(1)"])
def test_a_stored_bad_website_is_never_a_link(client, href):
    organisation = OrganisationFactory(website=href, public_listing=True)
    public = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation)
    log_in(client, manager)
    manage = client.get(f"/organisations/{organisation.id}/manage").get_data(as_text=True)
    for html in (public, manage):
        assert "Website" in html  # the value is shown as text
        lowered = html.lower()
        for scheme in ("javascript:", "vbscript:", "data:"):
            assert f'href="{scheme}' not in lowered and f'href=" {scheme}' not in lowered
        assert 'rel="noopener noreferrer nofollow"' not in html


def test_a_stored_bad_website_is_not_a_link_for_the_officer(client, login_as):
    organisation = OrganisationFactory(website="javascript:alert(1)")
    login_as(Role.EMBASSY_OFFICER)
    html = client.get(f"/embassy/organisations/{organisation.id}").get_data(as_text=True)
    assert "javascript:alert(1)" in html and 'href="javascript' not in html.lower()


def test_a_good_website_is_a_link(client):
    organisation = OrganisationFactory(website="https://hospital.example/", public_listing=True)
    html = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert '<a href="https://hospital.example/" rel="noopener noreferrer nofollow">' in html


def test_safe_href_filter(app):
    render = app.jinja_env.from_string("{{ value|safe_href }}").render
    assert render(value="https://a.example/x?y=1&z=2") == "https://a.example/x?y=1&amp;z=2"
    for bad in BAD_LINKS + [None, ""]:
        assert render(value=bad) == "", bad


# --- item 8: numbers and texts stay inside their columns --------------------------------------

@pytest.mark.parametrize(("column", "value"), [
    ("beds", "99999999999"), ("beds", str(10**30)), ("staff", "2147483648"),
    ("beds", str(validation.BEDS.maximum + 1)), ("staff", "-1")])
def test_the_import_refuses_numbers_past_their_column(app, column, value):
    report = import_organisations(None, table({**ORG, column: value}), "orgs.csv")
    assert (2, column) in errors_of(report), report.errors
    assert count(Organisation) == 0


@pytest.mark.parametrize("value", ["3000000000", str(10**25),
                                   str(validation.QUANTITY.maximum + 1), "0"])
def test_the_item_import_refuses_a_quantity_past_its_column(app, value):
    OrganisationFactory(registry_code="14360570")
    report = import_items(None, table({**ITEM, "quantity": value}), "items.csv")
    assert (2, "quantity") in errors_of(report), report.errors
    assert count(Item) == 0


def test_the_largest_allowed_numbers_are_stored(app):
    row = {**ORG, "beds": str(validation.BEDS.maximum), "staff": str(validation.STAFF.maximum)}
    assert import_organisations(None, table(row), "orgs.csv").ok
    db.session.commit()
    assert db.session.scalar(select(Organisation.beds)) == validation.BEDS.maximum


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("length", [validation.MAX_CELL_CHARS + 1, 140_000])
def test_a_huge_cell_is_a_row_and_column_error(app, fmt, length):
    if fmt == "xlsx" and length > 32_767:
        length = 32_767  # a spreadsheet cell holds no more
    rows = [ORG, {**ORG, "registry_code": "00032129", "description": "Опис " * (length // 5 + 1)}]
    report = import_organisations(None, table(*rows, fmt=fmt), f"orgs.{fmt}")
    assert (3, "description") in errors_of(report), report.errors
    assert count(Organisation) == 0


@pytest.mark.parametrize(("column", "value"), [
    ("name_en", "N" * 301), ("city", "C" * 121), ("description", "D" * 5001),
    ("contact_phone", "1" * 41), ("website", "https://a.example/" + "x" * 300),
    ("contact_name", "P" * 201)])
def test_the_import_checks_the_lengths_the_forms_check(app, column, value):
    report = import_organisations(None, table({**ORG, "contact_name": "", column: value}),
                                  "orgs.csv")
    assert (2, column) in errors_of(report), report.errors


def test_the_item_import_checks_the_description_length(app):
    OrganisationFactory(registry_code="14360570")
    report = import_items(None, table({**ITEM, "description": "D" * 3001}), "items.csv")
    assert (2, "description") in errors_of(report), report.errors


@pytest.mark.parametrize(("field", "value"), [("beds", "99999999999"),
                                              ("staff", str(10**30)), ("beds", "-1")])
def test_the_profile_form_refuses_numbers_past_their_column(client, field, value):
    organisation = OrganisationFactory()
    log_in(client, UserFactory(role=Role.ORG_MANAGER, organisation=organisation))
    response = post_form(client, f"/organisations/{organisation.id}/edit", {
        "kind": "hospital", "name_uk": "Лікарня", "name_kk": "", "name_en": "", "name_ru": "",
        "region": "ua_lviv", "city": "Львів", "languages": ["uk"], "beds": "", "staff": "",
        "description": "", "contact_name": "Х", "contact_email": "x@x.example",
        "contact_phone": "", "website": "", field: value})
    assert response.status_code == 200
    assert "Enter a whole number from" in response.get_data(as_text=True)


def test_registration_refuses_numbers_past_their_column(client):
    from .test_registration import form

    response = post_form(client, "/register", form(beds="99999999999"))
    assert response.status_code == 200
    assert "Enter a whole number from" in response.get_data(as_text=True)
    assert count(Organisation) == 0


@pytest.mark.parametrize("value", ["3000000000", str(10**30)])
def test_the_item_form_refuses_a_quantity_past_its_column(client, value):
    organisation = OrganisationFactory()
    log_in(client, UserFactory(role=Role.ORG_MANAGER, organisation=organisation))
    data = {"area": "burns_care", "form": "training", "dimension": "professional",
            "description": "Навчання", "quantity": value, "urgency": "high",
            "languages": ["uk"], "valid_until": ""}
    response = post_form(client, f"/organisations/{organisation.id}/items/new/need", data)
    assert response.status_code == 200
    assert "Enter a whole number from" in response.get_data(as_text=True)
    item = ItemFactory(organisation=organisation)
    response = post_form(client, f"/organisations/{organisation.id}/items/{item.id}/edit", data)
    assert response.status_code == 200
    assert count(Item) == 1


def test_the_forms_and_the_import_share_one_set_of_limits():
    from partnership.organisations.forms import ItemForm, ProfileForm

    def bounds(field):
        found = [v for v in field.kwargs["validators"] if hasattr(v, "max") and
                 hasattr(v, "min")]
        return found[0].min, found[0].max

    assert bounds(ProfileForm.beds) == (validation.BEDS.minimum, validation.BEDS.maximum)
    assert bounds(ProfileForm.staff) == (validation.STAFF.minimum, validation.STAFF.maximum)
    assert bounds(ItemForm.quantity) == (validation.QUANTITY.minimum,
                                         validation.QUANTITY.maximum)
    assert all(b.maximum < 2**31 for b in (validation.BEDS, validation.STAFF,
                                            validation.QUANTITY))


# --- note: full-width formula starts are neutralised too --------------------------------------

FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1",
            "\uff1dHYPERLINK(\"http://evil.example\")", "\uff0b1", "\uff0d1", "\uff20SUM(A1)"]


@pytest.mark.parametrize("value", FORMULAS)
def test_neutralise_covers_the_full_width_forms(value):
    assert neutralise(value) == "'" + value
    assert unneutralise(neutralise(value)) == value


def _cells(response, fmt):
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.data)).active
        return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    return [cell for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig")))
            for cell in row]


def _assert_neutral(cells, planted):
    for value in planted:
        assert "'" + value in cells, (value, cells)
    assert not any(cell[:1] in "=+-@\t\r\uff1d\uff0b\uff0d\uff20" for cell in cells if cell)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_organisation_and_item_exports_neutralise_full_width_formulas(client, login_as, fmt):
    login_as(Role.EMBASSY_OFFICER)
    organisation = OrganisationFactory(name_en="\uff1dHYPERLINK(\"http://evil.example\")",
                                       description="\uff0b380 44", contact_name="\uff20x")
    ItemFactory(organisation=organisation, description="\uff0dcmd|' /C calc'!A0")
    cells = _cells(client.get(f"/embassy/export/organisations.{fmt}"), fmt)
    _assert_neutral(cells, ["\uff1dHYPERLINK(\"http://evil.example\")", "\uff0b380 44",
                            "\uff20x"])
    cells = _cells(client.get(f"/embassy/export/items.{fmt}"), fmt)
    _assert_neutral(cells, ["\uff0dcmd|' /C calc'!A0"])


def test_an_export_with_full_width_formulas_imports_back_unchanged(client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    OrganisationFactory(name_en="\uff1d1+1", description="\uff0bplus")
    data = client.get("/embassy/export/organisations.csv").data
    report = import_organisations(None, data, "export.csv", dry_run=True)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)


def test_programme_exports_neutralise_full_width_formulas(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    fp.new_case(user, needs="\uff1dHYPERLINK(\"http://evil.example\")")
    text = post_form(client, "/programme/export/cases",
                     {"password": DEFAULT_PASSWORD}).data.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    _assert_neutral(cells, ["\uff1dHYPERLINK(\"http://evil.example\")"])


@pytest.mark.parametrize("offer_id", [str(10**30), "2147483648", "0"])
def test_a_manual_proposal_with_an_offer_number_past_any_row_is_refused(client, login_as,
                                                                        offer_id):
    from partnership.organisations.models import Country, Direction

    login_as(Role.EMBASSY_OFFICER)
    need = ItemFactory(organisation=OrganisationFactory(), direction=Direction.NEED,
                       urgency="high")
    ItemFactory(organisation=OrganisationFactory(country=Country.KZ), area=need.area)
    response = post_form(client, f"/embassy/matches/new?need_id={need.id}", {
        "need_id": str(need.id), "offer_id": offer_id, "rationale": "Both work on burns."})
    assert response.status_code in (200, 422)
    assert "Enter a whole number from" in response.get_data(as_text=True) or \
        "Choose an offer" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["Hospital\x00one", "Hospital\x1bone", "\x7f"])
def test_a_cell_with_a_control_character_is_a_row_and_column_error(app, value):
    report = import_organisations(None, table({**ORG, "name_en": value}), "orgs.csv")
    assert (2, "name_en") in errors_of(report), report.errors
    assert count(Organisation) == 0


def test_tabs_and_line_breaks_stay_text(app):
    row = {**ORG, "description": "Рядок один\nрядок\tдва\r\nтри"}
    assert import_organisations(None, table(row), "orgs.csv").ok


def test_an_upload_named_with_a_nul_character_is_refused(client, login_as):
    """The request-wide check refuses control characters in upload names (400 page); nothing is
    recorded or imported (before both defences, PostgreSQL answered 500)."""
    from partnership.organisations.models import ImportJob

    login_as(Role.EMBASSY_OFFICER)
    response = post_form(client, "/embassy/import", {
        "kind": "organisations", "file": (io.BytesIO(table(ORG)), "orgs\x00.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert count(ImportJob) == 0
    assert count(Organisation) == 0
