"""One rule, one place: what registration and the item forms refuse, the import refuses, in the
same words.

Each case breaks one rule: once in the web form (the page must show the message next to the
field), once in an import row (the report must name the same column with the same message).
"""

import csv
import io
import re
from datetime import date, timedelta
from html import unescape

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.imports import import_items, import_organisations
from partnership.organisations.models import Item, Organisation

from ..conftest import log_in, post_form
from ..factories import OrganisationFactory, UserFactory
from .test_registration import form as registration_form

UKRAINIAN = {"Accept-Language": "uk"}  # the page and the import in the same language

ROW = {"registry_code": "14360570", "country": "UA", "kind": "childrens_hospital",
       "name_uk": "Миколаївська обласна дитяча лікарня", "name_kk": "",
       "name_en": "Mykolaiv Regional Children's Hospital", "name_ru": "",
       "region": "ua_mykolaiv", "city": "Миколаїв", "languages": "uk en", "beds": "420",
       "staff": "900", "description": "Багатопрофільна дитяча лікарня.",
       "contact_name": "Олена Коваль", "contact_email": "partners@mykolaiv-child.example",
       "contact_phone": "+380 512 00 00 00", "website": "https://mykolaiv-child.example"}
KZ = {"country": "KZ", "registry_code": "971240001315", "region": "kz_mangystau",
      "name_kk": "Ақтау оңалту орталығы", "kind": "rehabilitation_centre"}

# (case, the field broken, its value in the form, its value in the row); a dict changes
# several fields at once, the same in both (the form's languages are a list).
REGISTRATION_RULES = [
    ("ukrainian business", "kind", {"kind": "business"}),
    ("ukrainian charity", "kind", {"kind": "charity"}),
    ("unknown kind", "kind", {"kind": "spaceport"}),
    ("unknown country", "country", {"country": "RU"}),
    ("no country", "country", {"country": ""}),
    ("EDRPOU check digit", "registry_code", {"registry_code": "14360571"}),
    ("EDRPOU length", "registry_code", {"registry_code": "1436057"}),
    ("BIN check digit", "registry_code", {**KZ, "registry_code": "971240001316"}),
    ("EDRPOU given for Kazakhstan", "registry_code", {**KZ, "registry_code": "14360570"}),
    ("no registry code", "registry_code", {"registry_code": ""}),
    ("Ukrainian name missing", "name_uk", {"name_uk": ""}),
    ("Kazakh name missing", "name_kk", {**KZ, "name_kk": ""}),
    ("name too long", "name_en", {"name_en": "N" * 301}),
    ("region of the other country", "region", {"region": "kz_astana"}),
    ("Ukrainian region for Kazakhstan", "region", {**KZ, "region": "ua_lviv"}),
    ("unknown region", "region", {"region": "ua_atlantis"}),
    ("no city", "city", {"city": ""}),
    ("city too long", "city", {"city": "C" * 121}),
    ("no language", "languages", {"languages": []}),
    ("unknown language", "languages", {"languages": ["tlh"]}),
    ("beds not a number", "beds", {"beds": "many"}),
    ("beds below zero", "beds", {"beds": "-5"}),
    ("staff too many", "staff", {"staff": "1000001"}),
    ("description too long", "description", {"description": "D" * 5001}),
    ("no contact person", "contact_name", {"contact_name": ""}),
    ("contact person too long", "contact_name", {"contact_name": "P" * 201}),
    ("no contact e-mail", "contact_email", {"contact_email": ""}),
    ("contact e-mail malformed", "contact_email", {"contact_email": "not-an-address"}),
    ("contact e-mail without a domain", "contact_email", {"contact_email": "a@b"}),
    ("phone too long", "contact_phone", {"contact_phone": "1" * 41}),
    ("website not http", "website", {"website": "ftp://mykolaiv-child.example"}),
    ("website too long", "website", {"website": "https://a.example/" + "x" * 300}),
]


def table(*rows: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def in_row(change: dict) -> dict:
    return {k: " ".join(v) if isinstance(v, list) else v for k, v in change.items()}


def form_error(response, field: str) -> str:
    """The message the page shows next to ``field``."""
    html = response.get_data(as_text=True)
    found = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', html, re.S)
    assert found, f"no error shown for {field}"
    return unescape(found.group(1))


def import_errors(report, column: str) -> list[str]:
    return [e.message for e in report.errors if e.row == 2 and e.column == column]


@pytest.mark.parametrize(("case", "field", "change"), REGISTRATION_RULES,
                         ids=[case for case, _f, _c in REGISTRATION_RULES])
def test_what_registration_refuses_the_import_refuses_in_the_same_words(
        client, case, field, change):
    response = post_form(client, "/register", registration_form(**change), headers=UKRAINIAN)
    assert response.status_code == 200
    shown = form_error(response, field)
    assert db.session.scalar(select(func.count(Organisation.id))) == 0

    with force_locale("uk"):
        report = import_organisations(None, table({**ROW, **in_row(change)}), "orgs.csv")
    assert not report.ok
    [message] = import_errors(report, field)
    assert message.startswith(shown), report.errors
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_the_unbroken_row_and_form_pass(client):
    """The cases above break one rule each: without it, both paths accept."""
    report = import_organisations(None, table(ROW), "orgs.csv", dry_run=True)
    assert report.ok, report.errors
    db.session.rollback()
    assert post_form(client, "/register", registration_form()).status_code == 302


ITEM_FORM = {"area": "paediatric_rehabilitation", "form": "training",
             "dimension": "professional", "description": "Навчання 10 реабілітологів",
             "quantity": "10", "urgency": "high", "languages": ["uk", "en"],
             "valid_until": ""}
ITEM_ROW = {"registry_code": "14360570", "direction": "need", **in_row(ITEM_FORM)}
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()

ITEM_RULES = [
    ("unknown area", "area", {"area": "astrology"}),
    ("no area", "area", {"area": ""}),
    ("unknown dimension", "dimension", {"dimension": "spiritual"}),
    ("unknown form", "form", {"form": "telepathy"}),
    ("unknown urgency", "urgency", {"urgency": "yesterday"}),
    ("no description", "description", {"description": ""}),
    ("blank description", "description", {"description": "   "}),
    ("description too long", "description", {"description": "D" * 3001}),
    ("quantity not a number", "quantity", {"quantity": "ten"}),
    ("quantity zero", "quantity", {"quantity": "0"}),
    ("quantity too large", "quantity", {"quantity": "1000001"}),
    ("no language", "languages", {"languages": []}),
    ("unknown language", "languages", {"languages": ["tlh"]}),
]
# A past "valid until" is refused by the form but accepted by the import, as history
# (tests/functional/test_import_friction.py).


@pytest.mark.parametrize(("case", "field", "change"), ITEM_RULES,
                         ids=[case for case, _f, _c in ITEM_RULES])
def test_what_the_item_form_refuses_the_import_refuses_in_the_same_words(
        client, case, field, change):
    organisation = OrganisationFactory(registry_code="14360570")
    log_in(client, UserFactory(role=Role.ORG_MANAGER, organisation=organisation))
    response = post_form(client, f"/organisations/{organisation.id}/items/new/need",
                         {**ITEM_FORM, **change}, headers=UKRAINIAN)
    assert response.status_code == 200
    shown = form_error(response, field)
    assert db.session.scalar(select(func.count(Item.id))) == 0

    with force_locale("uk"):
        report = import_items(None, table({**ITEM_ROW, **in_row(change)}), "items.csv")
    # The import adds, for a value spelled wrongly, the nearest allowed value and the list.
    [message] = import_errors(report, field)
    assert message.startswith(shown), report.errors
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_the_unbroken_item_passes_both_ways(client):
    organisation = OrganisationFactory(registry_code="14360570")
    report = import_items(None, table(ITEM_ROW), "items.csv", dry_run=True)
    assert report.ok, report.errors
    db.session.rollback()
    log_in(client, UserFactory(role=Role.ORG_MANAGER, organisation=organisation))
    response = post_form(client, f"/organisations/{organisation.id}/items/new/need", ITEM_FORM)
    assert response.status_code == 302
