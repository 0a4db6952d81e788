"""Issue 14, item 6: import without friction. Each case is a row that the import refused (or
accepted silently) before."""

import csv
import io
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from partnership.extensions import db
from partnership.organisations.imports import import_items, import_organisations
from partnership.organisations.models import Country, Item, ItemStatus, Kind, Organisation

from ..factories import OrganisationFactory

UA_ROW = {"registry_code": "14360570", "country": "UA", "kind": "hospital",
          "name_uk": "Лікарня", "name_kk": "", "name_en": "Hospital", "region": "ua_mykolaiv",
          "city": "Миколаїв", "languages": "uk en", "contact_name": "Олена Коваль",
          "contact_email": "olena@clinic.example"}
KZ_ROW = {**UA_ROW, "registry_code": "971240001315", "country": "KZ",
          "kind": "rehabilitation_centre", "name_uk": "", "name_kk": "Ақтау оңалту орталығы",
          "region": "kz_mangystau", "city": "Ақтау", "languages": "kk ru"}
ITEM_ROW = {"registry_code": "14360570", "direction": "need", "area": "burns_care",
            "dimension": "professional", "form": "training", "description": "Навчання",
            "quantity": "10", "urgency": "high", "languages": "uk en", "valid_until": ""}


def table(*rows: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def messages(report, column):
    return [e.message for e in report.errors if e.column == column]


@pytest.mark.parametrize(("country", "written", "code"), [
    ("UA", "Kyiv City", "ua_kyiv_city"), ("UA", "Київ", "ua_kyiv_city"),
    ("UA", "Київська область", "ua_kyiv_oblast"), ("UA", "Mykolaiv Oblast", "ua_mykolaiv"),
    ("UA", "Николаевская область", "ua_mykolaiv"), ("UA", "Миколаївська обл.", "ua_mykolaiv"),
    ("KZ", "Zhambyl", "kz_jambyl"), ("KZ", "Жамбыл", "kz_jambyl"),
    ("KZ", "Жамбыл облысы", "kz_jambyl"), ("KZ", "Жамбылская область", "kz_jambyl"),
    ("KZ", "Jambyl Region", "kz_jambyl"), ("KZ", "KZ_JAMBYL", "kz_jambyl"),
    ("KZ", "Almaty", "kz_almaty_city"), ("KZ", "Алматы облысы", "kz_almaty_region"),
])
def test_regions_by_code_or_by_name_in_any_language(app, country, written, code):
    row = {**(UA_ROW if country == "UA" else KZ_ROW), "region": written}
    report = import_organisations(None, table(row), "orgs.csv")
    assert report.ok, report.errors
    assert db.session.scalar(select(Organisation.region)) == code


def test_an_unknown_region_is_answered_with_did_you_mean_and_the_list(app):
    with force_locale("en"):
        report = import_organisations(None, table({**KZ_ROW, "region": "Zhambil oblast"}),
                                      "orgs.csv")
    assert report.ok  # near enough to be read
    with force_locale("en"):
        report = import_organisations(None, table({**KZ_ROW, "region": "Zhambolia"}),
                                      "orgs.csv")
    [message] = messages(report, "region")
    assert "Did you mean “kz_jambyl” (Jambyl Region)?" in message
    assert "kz_astana" in message and "ua_lviv" not in message


def test_an_unknown_choice_is_answered_with_did_you_mean(app):
    OrganisationFactory(registry_code="14360570")
    with force_locale("en"):
        report = import_items(None, table({**ITEM_ROW, "area": "burn_care", "form": "trainig",
                                           "dimension": "Professionel"}), "items.csv")
    assert "Did you mean “burns_care”?" in messages(report, "area")[0]
    assert "Did you mean “training”?" in messages(report, "form")[0]
    assert "Did you mean “professional”?" in messages(report, "dimension")[0]
    assert "Allowed: training, staff_exchange" in messages(report, "form")[0]
    with force_locale("en"):
        report = import_organisations(None, table({**UA_ROW, "kind": "hospitl"}), "orgs.csv")
    assert "Did you mean “hospital”?" in messages(report, "kind")[0]


def test_a_kazakh_organisation_may_be_known_by_its_russian_name(app):
    row = {**KZ_ROW, "name_kk": "", "name_ru": "Актауский центр реабилитации"}
    report = import_organisations(None, table(row), "orgs.csv")
    assert report.ok, report.errors
    organisation = db.session.scalar(select(Organisation))
    assert organisation.name("kk") == "Актауский центр реабилитации"
    # Without the column at all, too.
    row.pop("name_kk")
    assert import_organisations(None, table(row), "orgs.csv", dry_run=True).ok
    # Neither name: refused as before.
    assert not import_organisations(None, table({**KZ_ROW, "name_kk": ""}), "orgs.csv").ok


@pytest.mark.parametrize(("country", "code", "words"), [
    ("UA", "1436057", "An EDRPOU code has 8 digits; this one has 7."),
    ("UA", "14360571", "is not its valid check digit"),
    ("UA", "971240001315", "This looks like a Kazakh BIN (12 digits), but the country is "
                           "Ukraine"),
    ("UA", "1436O570", "has other characters"),
    ("KZ", "14360570", "this looks like a Ukrainian EDRPOU code (8 digits), but the country "
                       "is Kazakhstan"),
    ("KZ", "97124000131", "A BIN has 12 digits; this one has 11."),
    ("KZ", "971340001315", "the month of registration (01 to 12); here they are 13"),
    ("KZ", "971210001315", "The fifth digit of an organisation's BIN is 4, 5 or 6; here it is 1"),
    ("KZ", "971240001316", "is not its valid check digit"),
])
def test_registry_code_errors_say_exactly_what_is_wrong(app, country, code, words):
    row = {**(UA_ROW if country == "UA" else KZ_ROW), "registry_code": code}
    with force_locale("en"):
        report = import_organisations(None, table(row), "orgs.csv")
    [message] = messages(report, "registry_code")
    assert words in message


def test_items_import_with_status_and_past_dates_as_history(app):
    OrganisationFactory(registry_code="14360570")
    past = (date.today() - timedelta(days=400)).isoformat()
    rows = [{**ITEM_ROW, "status": "withdrawn", "valid_until": past},
            {**ITEM_ROW, "description": "Старе", "status": "active", "valid_until": past},
            {**ITEM_ROW, "description": "Нове", "status": "", "valid_until": ""}]
    report = import_items(None, table(*rows), "items.csv")
    assert report.ok, report.errors
    items = {i.description: i for i in db.session.scalars(select(Item))}
    assert items["Навчання"].status == ItemStatus.WITHDRAWN
    assert items["Навчання"].valid_until.isoformat() == past
    assert not items["Старе"].is_current(date.today())
    assert items["Нове"].status == ItemStatus.ACTIVE
    bad = import_items(None, table({**ITEM_ROW, "status": "archived"}), "items.csv")
    assert messages(bad, "status")


def test_a_need_may_be_imported_as_one_that_can_be_split(app):
    OrganisationFactory(registry_code="14360570")
    report = import_items(None, table({**ITEM_ROW, "splittable": "yes"}), "items.csv")
    assert report.ok, report.errors
    assert db.session.scalar(select(Item.splittable)) is True
    offer = {**ITEM_ROW, "direction": "offer", "urgency": "", "splittable": "yes"}
    assert messages(import_items(None, table(offer), "items.csv"), "splittable")


def test_rows_that_can_never_be_matched_are_warnings(app):
    OrganisationFactory(registry_code="971240001315", country=Country.KZ, kind=Kind.BUSINESS)
    row = {**ITEM_ROW, "registry_code": "971240001315", "area": "energy_resilience"}
    with force_locale("en"):
        report = import_items(None, table(row), "items.csv")
    assert report.ok and report.created == 1  # imported: warnings never stop an import
    [warning] = report.warnings
    assert warning.row == 2 and "never matched" in warning.message
    # Still all or nothing for errors: a bad row stops the whole file, warnings or not.
    bad = {**ITEM_ROW, "registry_code": "971240001315", "area": "astrology",
           "description": "Інше"}
    report = import_items(None, table(row, bad), "items.csv")
    assert not report.ok


def test_the_patient_placement_form_imports(app):
    OrganisationFactory(registry_code="14360570")
    report = import_items(None, table({**ITEM_ROW, "area": "oncology",
                                       "form": "patient_placement"}), "items.csv")
    assert report.ok, report.errors


@pytest.mark.parametrize(("args", "env", "expected"), [
    (["--language", "en"], {}, "row 2, column region"),
    (["--language", "kk"], {}, "2-жол, region бағаны"),
    ([], {"LANG": "en_GB.UTF-8", "LC_ALL": ""}, "row 2, column region"),
    ([], {"LC_ALL": "kk_KZ.UTF-8"}, "2-жол, region бағаны"),
    ([], {"LANG": "uk_UA.UTF-8", "LC_ALL": ""}, "рядок 2, стовпець region"),
])
def test_the_cli_speaks_the_language_asked_for(app, tmp_path, monkeypatch, args, env,
                                               expected):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "orgs.csv"
    path.write_bytes(table({**UA_ROW, "region": "Atlantis"}))
    result = app.test_cli_runner().invoke(args=["import-organisations", str(path), *args])
    assert result.exit_code != 0
    assert expected in result.output
