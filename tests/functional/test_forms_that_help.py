"""Forms that help (GOV.UK's patterns): an error summary linking to each field, every field
judged in one round (the registry code included, with the exact reason), regions of the chosen
country only, and nothing typed lost but the passwords, which the form says."""

import re
from html import unescape

import pytest
from flask_babel import force_locale, gettext

from partnership.core.roles import Role

from ..conftest import log_in, post_form
from ..factories import OrganisationFactory, UserFactory
from .test_registration import form

KZ = {"country": "KZ", "region": "kz_mangystau", "name_kk": "Ақтау оңалту орталығы",
      "kind": "rehabilitation_centre"}


def page_of(response) -> str:
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def summary_of(html: str) -> list[tuple[str, str]]:
    """The error summary's (link target, message) pairs, in order."""
    found = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    assert found, "no error summary"
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', found.group(0))


def test_the_summary_links_to_each_field_in_the_order_of_the_page(client):
    html = page_of(post_form(client, "/register", form(
        country="", registry_code="1436 057", name_uk="", city="", languages=[],
        contact_email="not an address", manager_email="", confirm="something else")))
    assert "There is a problem" in html
    targets = [target for target, _message in summary_of(html)]
    # (the name in the country's language cannot be asked for before the country is chosen)
    assert targets == ["country-0", "registry_code", "city", "languages-0", "contact_email",
                       "manager_email", "confirm"]
    for target in targets:  # each link leads to a field on the page
        assert f'id="{target}"' in html
    assert re.search(r"<title>Error: Register an organisation", html)


def test_a_page_without_errors_has_no_summary_and_no_error_title(client):
    html = page_of(client.get("/register"))
    assert "error-summary" not in html and "<title>Error:" not in html


@pytest.mark.parametrize("language", ["uk", "kk"])
def test_the_summary_and_the_title_are_translated(client, language):
    html = page_of(post_form(client, "/register", form(city=""),
                             headers={"Accept-Language": language}))
    with force_locale(language):
        title, prefix = gettext("There is a problem"), gettext("Error:")
    assert title != "There is a problem" and prefix != "Error:"
    assert title in html and f"<title>{prefix} " in html


def test_other_forms_get_the_summary_too(client):
    user = UserFactory(role=Role.ORG_MANAGER, organisation=OrganisationFactory())
    log_in(client, user)
    html = page_of(post_form(client, "/account/password", {
        "current_password": "", "password": "", "confirm": ""}))
    assert [target for target, _ in summary_of(html)] == ["current_password", "password",
                                                          "confirm"]


# One round: each case breaks the registry code AND other fields the form checks by shape;
# every problem, the code's exact reason included, comes back at once.
REGISTRY_REASONS = [
    ({"registry_code": "14360571"}, "The last digit of this EDRPOU code is not its valid "
                                    "check digit"),
    ({"registry_code": "1436057"}, "An EDRPOU code has 8 digits; this one has 7."),
    ({"registry_code": "14З60570"}, "A registry code has digits only"),
    ({"registry_code": "971240001315"}, "This looks like a Kazakh BIN (12 digits), but the "
                                        "country is Ukraine"),
    ({**KZ, "registry_code": "14360570"}, "this looks like a Ukrainian EDRPOU code (8 digits), "
                                          "but the country is Kazakhstan"),
    ({**KZ, "registry_code": "971240001316"}, "The last digit of this BIN is not its valid "
                                              "check digit"),
    ({**KZ, "registry_code": "971340001315"}, "Digits 3 and 4 of a BIN are the month of "
                                              "registration (01 to 12); here they are 13."),
    ({**KZ, "registry_code": "97124000131"}, "A BIN has 12 digits; this one has 11."),
    ({**KZ, "registry_code": "971270001315"}, "The fifth digit of an organisation's BIN is 4, "
                                              "5 or 6; here it is 7."),
    ({"country": "", "registry_code": "123456"}, "A registry code has 8 digits (EDRPOU) or 12 "
                                                 "digits (BIN); this one has 6."),
]


@pytest.mark.parametrize(("overrides", "reason"), REGISTRY_REASONS)
def test_the_registry_code_is_judged_with_every_other_field(client, overrides, reason):
    html = page_of(post_form(client, "/register", form(
        **overrides, contact_name="", website="hospital", beds="many",
        confirm="not the same")))
    messages = dict(summary_of(html))
    assert reason in messages["registry_code"]
    assert messages["contact_name"] == "Name the contact person."
    assert "http://" in messages["website"]
    assert "is not a whole number" in messages["beds"]
    assert messages["confirm"] == "The passwords differ."


def test_the_rules_joining_fields_come_with_the_shape_errors(client):
    html = page_of(post_form(client, "/register", form(
        region="kz_astana", name_uk="", kind="business", manager_email="nobody",
        password="password1234", confirm="password1234")))
    messages = dict(summary_of(html))
    assert set(messages) == {"kind", "name_uk", "region", "manager_email", "password"}
    assert messages["manager_email"] == ("Enter an e-mail address in the right form, like "
                                         "name@example.com.")
    assert messages["region"] == "Choose a region of the organisation's country."
    assert "too common" in messages["password"]


def test_one_message_per_field(client):
    html = page_of(post_form(client, "/register", form(registry_code="", contact_email="")))
    messages = summary_of(html)
    assert [target for target, _ in messages].count("registry_code") == 1
    assert [target for target, _ in messages].count("contact_email") == 1


def test_the_profile_form_judges_every_field_in_one_round(client):
    organisation = OrganisationFactory(country="UA", region="ua_mykolaiv")
    user = UserFactory(role=Role.ORG_MANAGER, organisation=organisation)
    log_in(client, user)
    html = page_of(post_form(client, f"/organisations/{organisation.id}/edit", {
        "kind": "business", "name_uk": "", "name_en": "X", "region": "kz_astana",
        "city": "Миколаїв", "languages": ["uk"], "beds": "lots", "contact_name": "",
        "contact_email": "x@x.example", "website": "x"}))
    assert {target for target, _ in summary_of(html)} == {
        "kind", "name_uk", "region", "beds", "contact_name", "website"}


# Regions: no default, grouped per country, the other country's refused by the server.

def region_select(html: str) -> str:
    return re.search(r'<select[^>]*name="region".*?</select>', html, re.S).group(0)


def test_no_region_is_chosen_before_the_person_chooses_one(client):
    select = region_select(page_of(client.get("/register")))
    assert select.index('<option value="">') < select.index("<optgroup")  # shown first
    assert "selected" not in select  # so the browser shows the empty choice
    assert '<optgroup label="Ukraine">' in select and '<optgroup label="Kazakhstan">' in select
    assert 'data-country="KZ" value="kz_mangystau"' in select or \
        'value="kz_mangystau" data-country="KZ"' in select


def test_a_kazakh_clinic_without_a_region_is_asked_for_one(client):
    html = page_of(post_form(client, "/register", form(**{**KZ, "region": ""},
                                                       registry_code="971240001315")))
    assert dict(summary_of(html))["region"] == "Choose the organisation's region."


def test_a_region_of_the_other_country_is_refused_and_kept_to_correct(client):
    html = page_of(post_form(client, "/register", form(**{**KZ, "region": "ua_lviv"},
                                                       registry_code="971240001315")))
    assert dict(summary_of(html))["region"] == "Choose a region of the organisation's country."
    assert re.search(r'<option [^>]*selected[^>]*value="ua_lviv"|<option [^>]*value="ua_lviv"'
                     r'[^>]*selected', region_select(html))


def test_the_profile_offers_only_its_own_country_s_regions(client):
    organisation = OrganisationFactory(country="KZ", region="kz_mangystau")
    log_in(client, UserFactory(role=Role.ORG_MANAGER, organisation=organisation))
    select = region_select(page_of(client.get(f"/organisations/{organisation.id}/edit")))
    assert "kz_astana" in select and "ua_vinnytsia" not in select and "ua_" not in select


# Nothing typed is lost but the passwords, and the form says so.

NOTICE = "For your security, enter the password again."


def test_after_errors_the_passwords_are_cleared_and_the_form_says_so(client):
    html = page_of(post_form(client, "/register", form(city="")))
    assert NOTICE in html
    for name in ("password", "confirm"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert "value=" not in field or 'value=""' in field
    assert 'value="olena@mykolaiv-child.example"' in html and 'value="Олена Коваль"' in html
    assert 'value="14360570"' in html and "Багатопрофільна дитяча лікарня." in html


def test_an_empty_form_has_no_password_notice(client):
    assert NOTICE not in page_of(client.get("/register"))
