"""Registration and the profile ask for the name in Ukrainian, Kazakh and English; the blank ones
are suggested by transliteration, marked for checking, and nothing is saved until registered;
the city field offers the list of cities."""

from sqlalchemy import func, select

from partnership.extensions import db
from partnership.organisations.models import Organisation

from ..conftest import log_in, post_form
from ..factories import OrganisationFactory, UserFactory
from .test_registration import form


def test_the_registration_form_asks_for_every_name_and_offers_the_cities(client):
    page = client.get("/register").get_data(as_text=True)
    for name in ("name_uk", "name_kk", "name_en", "name_ru"):
        assert f'name="{name}"' in page
    assert 'name="suggest"' in page and 'list="profile-cities"' in page
    assert 'data-region="kz_karaganda"' in page and 'data-region="ua_kyiv_city"' in page


def test_suggest_fills_the_blank_names_marks_them_and_saves_nothing(client):
    response = post_form(client, "/register", form(
        country="KZ", registry_code="971 240 001 315", region="kz_mangystau", city="Ақтау",
        name_uk="", name_en="", name_kk="Ақтау қалалық оңалту орталығы",
        kind="rehabilitation_centre", suggest="Suggest the other names"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Актау калалик оналту орталиги"' in page
    assert 'value="Aqtau qalalyq oñaltu ortalyğy"' in page
    assert page.count("Suggested — please check") == 2
    assert 'value="Ақтау қалалық оңалту орталығы"' in page  # the typed name is kept
    assert "field__error" not in page  # nothing judged yet
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_a_typed_name_is_never_replaced_by_a_suggestion(client):
    response = post_form(client, "/register", form(
        name_kk="", name_en="Mykolaiv Children's Hospital", suggest="Suggest the other names"))
    page = response.get_data(as_text=True)
    assert 'value="Mykolaiv Children&#39;s Hospital"' in page
    assert 'value="Мыколайивська обласна дытяча ликарня"' in page
    assert page.count("Suggested — please check") == 1


def test_the_profile_edit_suggests_names_for_its_organisations_country(app, client):
    organisation = OrganisationFactory(name_uk="Київська міська лікарня", name_kk="",
                                       name_en="")
    manager = UserFactory(role="org_manager", organisation=organisation)
    log_in(client, manager)
    page = client.get(f"/organisations/{organisation.id}/edit").get_data(as_text=True)
    assert 'name="suggest"' in page
    data = {"kind": "hospital", "name_uk": "Київська міська лікарня", "name_kk": "",
            "name_en": "", "region": "ua_kyiv_city", "city": "Київ", "languages": ["uk"],
            "contact_name": "A", "contact_email": "a@b.example", "suggest": "x"}
    page = post_form(client, f"/organisations/{organisation.id}/edit", data).get_data(
        as_text=True)
    assert 'value="Kyivska miska likarnia"' in page
    db.session.refresh(organisation)
    assert organisation.name_en in ("", None)
