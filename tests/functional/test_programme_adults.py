"""The accompanying adult, as the centre sees them: given name, the surname's initial and the
relation, never the child's surname (issue 10). Records kept before the adult was structured
are converted by a command when the split is safe, and otherwise wait on the coordinator's
review list, while the centre sees the relation only. The edit page opens nothing on GET."""

import pytest
from sqlalchemy import select

from partnership.core.models import AuditEvent
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.programme import adults, crypto, identity
from partnership.programme.models import ChildCase

from .. import factories_programme as fp
from ..conftest import log_in, post_form
from ..factories import UserFactory

# (child's first name, child's surname, adult's given name, adult's surname, relation,
#  what the centre sees, the adult's name as once typed in one field)
EXAMPLES = [
    ("Дарина", "Вигадана-Друга", "Ніна", "Вигадана", "бабуся", "Ніна В.", "Ніна Вигадана"),
    ("Олег", "Шевчук", "Марія", "Шевчук", "мати", "Марія Ш.", "Марія (Шевчук)"),
    ("Ірина", "Бондар", "Olena", "Bondar", "тітка", "Olena B.", "Olena Bondar"),
]
IDS = ["double-barrelled", "brackets", "latin"]


def _staff_pages(app, centre, case) -> str:
    staff = UserFactory(role=Role.CENTRE_STAFF, organisation_id=centre.organisation_id)
    client = app.test_client()
    assert log_in(client, staff).status_code == 302
    pages = [client.get("/programme/my-centre"),
             client.get(f"/programme/my-centre/children/{case.id}")]
    assert [p.status_code for p in pages] == [200, 200]
    return " ".join(p.get_data(as_text=True) for p in pages)


def _absent(page: str, *words: str) -> None:
    for word in words:
        assert word.casefold() not in page.casefold(), word


@pytest.mark.parametrize(("first", "surname", "given", "adult_surname", "relation", "shown",
                          "_typed"), EXAMPLES, ids=IDS)
def test_the_centre_sees_given_name_initial_and_relation_only(
        client, login_as, app, first, surname, given, adult_surname, relation, shown, _typed):
    coordinator = login_as(Role.PROGRAMME_COORDINATOR)
    centre, group = fp.centre_with_group(coordinator)
    response = post_form(client, "/programme/cases/new", {
        "birth_year": str(fp.case_data().birth_year), "sex": "female", "region": "ua_kharkiv",
        "circumstances": "parent_deceased", "representative_type": "relative",
        "languages": "uk", "accompanying_adult_relation": relation, "first_name": first,
        "surname": surname, "accompanying_adult_given_name": given,
        "accompanying_adult_surname": adult_surname})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    case = db.session.scalars(select(ChildCase)).one()
    fp.to_assessment(coordinator, case)
    from partnership.programme import placements

    placements.place_child(coordinator, case, group.id)
    db.session.commit()
    page = _staff_pages(app, centre, case)
    assert first in page and shown in page and relation in page
    _absent(page, surname, adult_surname, *surname.split("-"))


def _legacy_case(coordinator, group, first, surname, typed, relation):
    """A case as the previous version kept it: the adult's name in one free-text field, and
    the review flag the migration sets on such a record."""
    case = fp.placed_case(coordinator, group,
                          fp.person(first_name=first, surname=surname,
                                    representative_name="Представник"),
                          accompanying_adult_relation=relation)
    record = crypto.decrypt(case.identity.ciphertext)
    for key in ("accompanying_adult_given_name", "accompanying_adult_surname"):
        record.pop(key, None)
    record["accompanying_adult_name"] = typed
    case.identity.ciphertext, case.identity.key_id = crypto.encrypt(record)
    case.adult_name_to_review = True
    case.has_accompanying_adult = True
    db.session.commit()
    return case


@pytest.mark.parametrize(("first", "surname", "_given", "adult_surname", "relation", "_shown",
                          "typed"), EXAMPLES, ids=IDS)
def test_an_unreviewed_old_record_shows_the_centre_the_relation_only(
        app, first, surname, _given, adult_surname, relation, _shown, typed):
    coordinator = fp.coordinator()
    centre, group = fp.centre_with_group(coordinator)
    case = _legacy_case(coordinator, group, first, surname, typed, relation)
    page = _staff_pages(app, centre, case)
    assert first in page and relation in page
    _absent(page, surname, adult_surname, typed, *surname.split("-"))


# --- the conversion rule ------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "child_surname", "split"), [
    ("Ніна Вигадана", "Вигадана-Друга", ("Ніна", "Вигадана")),
    ("Olena Bondar", "Bondar", ("Olena", "Bondar")),
    ("Мар'яна Коваль", "Коваль", ("Мар'яна", "Коваль")),
    ("  Ніна   Вигадана ", "Вигадана", ("Ніна", "Вигадана")),
    ("Марія (Шевчук)", "Шевчук", None),            # brackets
    ("Olena Bondar", "Бондар", None),               # Latin name, Cyrillic child
    ("Ніна Вигадана-Друга", "Вигадана-Друга", None),  # hyphen
    ("Вигадана Ніна", "Вигадана-Друга", None),      # surname first: the first word is the child's
    ("Ковальчук Олена", "Мельник", None),          # surname first: a surname's ending
    ("Бондаренко Olena", "Бондаренко", None),       # two scripts
    ("Ніна Vигадана", "Вигадана", None),            # two scripts in one word
    ("Ніна Петрівна Вигадана", "Вигадана", None),   # three words
    ("Ніна", "Вигадана", None),                     # one word
    ("НІНА ВИГАДАНА", "Вигадана", None),            # capitals: which is the surname?
    ("ніна вигадана", "Вигадана", None),
    ("Ніна, Вигадана", "Вигадана", None),
    ("Ніна 2 Вигадана", "Вигадана", None),
    ("", "Вигадана", None),
])
def test_only_a_plain_two_word_name_is_split(typed, child_surname, split):
    assert adults.split_safely(typed, child_surname) == split


def test_the_conversion_command_splits_the_safe_and_lists_the_rest(app):
    coordinator = fp.coordinator()
    centre, group = fp.centre_with_group(coordinator)
    made = {typed: _legacy_case(coordinator, group, first, surname, typed, relation)
            for first, surname, _g, _s, relation, _shown, typed in EXAMPLES}
    plain = fp.placed_case(coordinator, group)  # structured already: nothing to do
    result = app.test_cli_runner().invoke(args=["convert-accompanying-adults"])
    assert result.exit_code == 0, result.output
    assert "1 converted" in result.output and "2 left for review" in result.output
    for word in ("Ніна", "Вигадана", "Марія", "Шевчук", "Olena", "Bondar"):
        assert word not in result.output
    db.session.expire_all()
    converted = made["Ніна Вигадана"]
    record = crypto.decrypt(converted.identity.ciphertext)
    assert (record["accompanying_adult_given_name"], record["accompanying_adult_surname"],
            record.get("accompanying_adult_name", "")) == ("Ніна", "Вигадана", "")
    assert converted.adult_name_to_review is False and converted.has_accompanying_adult
    assert [c.adult_name_to_review for c in (made["Марія (Шевчук)"], made["Olena Bondar"],
                                             plain)] == [True, True, False]
    assert crypto.decrypt(made["Olena Bondar"].identity.ciphertext)[
        "accompanying_adult_name"] == "Olena Bondar"  # kept for the coordinator to split
    assert {c.id for c in adults.adults_to_review(coordinator)} == {
        made["Марія (Шевчук)"].id, made["Olena Bondar"].id}
    page = _staff_pages(app, centre, converted)
    assert "Ніна В." in page and "Вигадана" not in page
    again = app.test_cli_runner().invoke(args=["convert-accompanying-adults"])
    assert "0 converted" in again.output and "2 left for review" in again.output
    details = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert "Ніна" not in details and "Шевчук" not in details


def test_the_migration_puts_every_named_adult_on_the_review_list(app):
    """0008 on a database holding cases: named adults with an identity are flagged."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    downgrade(revision="0007")
    try:
        with db.engine.begin() as connection:
            meta = sa.MetaData()
            case = sa.Table("child_case", meta, autoload_with=connection)
            ident = sa.Table("child_identity", meta, autoload_with=connection)
            now = fp.utcnow()
            for number, (named, has_identity) in enumerate(
                    [(True, True), (False, True), (True, False)], start=1):
                connection.execute(case.insert().values(
                    id=number, code=f"PF-TEST-000{number}", birth_year=2015, sex="female",
                    region="ua_kharkiv", circumstances="both", representative_type="relative",
                    needs="", languages=["uk"], has_accompanying_adult=named,
                    accompanying_adult_relation="бабуся", state="referred", created_at=now,
                    updated_at=now))
                if has_identity:
                    ciphertext, key_id = crypto.encrypt(
                        {"first_name": "Дарина", "surname": "Вигадана-Друга",
                         "accompanying_adult_name": "Ніна Вигадана" if named else ""})
                    connection.execute(ident.insert().values(
                        case_id=number, ciphertext=ciphertext, key_id=key_id, updated_at=now))
    finally:
        upgrade()
    db.session.expire_all()
    flags = dict(db.session.execute(select(ChildCase.id, ChildCase.adult_name_to_review)).all())
    assert flags == {1: True, 2: False, 3: False}
    result = app.test_cli_runner().invoke(args=["convert-accompanying-adults"])
    assert "1 converted" in result.output, result.output
    record = identity.read_identity(fp.coordinator(), db.session.get(ChildCase, 1))
    assert (record.accompanying_adult_given_name, record.accompanying_adult_surname) == (
        "Ніна", "Вигадана")


# --- the coordinator's review list --------------------------------------------------------

def test_the_coordinator_reviews_an_old_record(client, login_as, app):
    coordinator = login_as(Role.PROGRAMME_COORDINATOR)
    centre, group = fp.centre_with_group(coordinator)
    case = _legacy_case(coordinator, group, "Олег", "Шевчук", "Марія (Шевчук)", "мати")
    other = fp.placed_case(coordinator, group)
    listing = client.get("/programme/accompanying-adults").get_data(as_text=True)
    assert case.code in listing and other.code not in listing
    assert "Шевчук" not in listing  # the list opens nothing
    assert "/programme/accompanying-adults" in client.get(
        f"/programme/cases/{case.id}").get_data(as_text=True)
    assert "/programme/accompanying-adults" in client.get("/programme/cases").get_data(
        as_text=True)
    opened = post_form(client, f"/programme/cases/{case.id}/accompanying-adult", {"open": "1"})
    assert opened.status_code == 200 and "Марія (Шевчук)" in opened.get_data(as_text=True)
    purposes = [e.details["purpose"] for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "programme.identity_read"))]
    assert purposes == ["adult_review"]
    refused = post_form(client, f"/programme/cases/{case.id}/accompanying-adult", {
        "save": "1", "given_name": "Марія Шевчук", "surname": "Шевчук"})
    assert refused.status_code == 200
    assert "Write only the given name" in refused.get_data(as_text=True)
    saved = post_form(client, f"/programme/cases/{case.id}/accompanying-adult", {
        "save": "1", "given_name": "Марія", "surname": "Шевчук"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert case.adult_name_to_review is False
    assert case.code not in client.get("/programme/accompanying-adults").get_data(as_text=True)
    page = _staff_pages(app, centre, case)
    assert "Марія Ш." in page and "Шевчук" not in page


@pytest.mark.parametrize("role", ["centre_staff", "own_centre_staff", "embassy_officer",
                                  "org_manager", "admin"])
def test_only_the_coordinator_reviews(client, login_as, app, role):
    coordinator = fp.coordinator()
    centre, group = fp.centre_with_group(coordinator)
    case = _legacy_case(coordinator, group, "Олег", "Шевчук", "Марія (Шевчук)", "мати")
    if role == "own_centre_staff":
        log_in(client, UserFactory(role=Role.CENTRE_STAFF,
                                   organisation_id=centre.organisation_id))
    else:
        login_as(role)
    assert client.get("/programme/accompanying-adults").status_code == 403
    for data in ({"open": "1"}, {"save": "1", "given_name": "X", "surname": "Y"}):
        response = post_form(client, f"/programme/cases/{case.id}/accompanying-adult", data)
        assert response.status_code == 404
        assert "Шевчук" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert case.adult_name_to_review is True


# --- the identity form --------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "message"), [
    ({"accompanying_adult_given_name": "Ніна Вигадана", "accompanying_adult_surname": "В"},
     "Write only the given name"),
    ({"accompanying_adult_given_name": "Ніна", "accompanying_adult_surname": ""},
     "Give both the given name and the surname"),
    ({"accompanying_adult_given_name": "", "accompanying_adult_surname": "Вигадана"},
     "Give both the given name and the surname"),
    ({"first_name": "Дарина Вигадана"}, "Write only the given name"),
])
def test_the_form_keeps_names_in_their_fields(client, login_as, fields, message):
    login_as(Role.PROGRAMME_COORDINATOR)
    response = post_form(client, "/programme/cases/new", {
        "birth_year": str(fp.case_data().birth_year), "sex": "female", "region": "ua_kharkiv",
        "circumstances": "parent_deceased", "representative_type": "relative",
        "languages": "uk", "first_name": "Дарина", "surname": "Вигадана-Друга", **fields})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(ChildCase)).all() == []


# --- the edit page opens nothing on GET ---------------------------------------------------

def _identity_reads() -> list[str]:
    return [e.details["purpose"] for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "programme.identity_read").order_by(AuditEvent.id))]


def test_the_edit_page_decrypts_nothing_on_get(client, login_as, monkeypatch):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    case = fp.new_case(user)
    opened = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda *a, **k: opened.append(1) or real(*a, **k))
    page = client.get(f"/programme/cases/{case.id}/edit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for secret in (fp.SURNAME, fp.FIRST_NAME, fp.DOCUMENT, "2014-05-02", "Example street",
                   "+380 50 000", "Olena"):
        assert secret not in text, secret
    assert opened == [] and _identity_reads() == []
    assert f"/programme/cases/{case.id}/edit/identity" in text  # the deliberate step


def test_case_data_are_corrected_without_opening_the_identity(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    case = fp.new_case(user)
    response = post_form(client, f"/programme/cases/{case.id}/edit", {
        "birth_year": str(case.birth_year), "sex": "female", "region": "ua_sumy",
        "circumstances": "parent_missing", "representative_type": "relative",
        "languages": ["uk", "en"], "accompanying_adult_relation": "бабуся"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (case.region, case.accompanying_adult_relation) == ("ua_sumy", "бабуся")
    assert _identity_reads() == []
    person = identity.read_identity(user, case)
    assert (person.surname, person.accompanying_adult_given_name,
            person.accompanying_adult_surname) == (fp.SURNAME, "Olena", fp.SURNAME)


def test_opening_the_identity_for_editing_is_a_recorded_post(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    case = fp.new_case(user)
    path = f"/programme/cases/{case.id}/edit/identity"
    assert client.get(path).status_code == 405
    page = post_form(client, path, {"open": "1"}).get_data(as_text=True)
    assert f'value="{fp.SURNAME}"' in page and 'value="2014-05-02"' in page
    assert 'value="Olena"' in page
    assert _identity_reads() == ["edit"]
    response = post_form(client, path, {
        "birth_year": str(case.birth_year), "sex": "female", "region": "ua_sumy",
        "circumstances": "parent_missing", "representative_type": "relative",
        "languages": ["uk"], "first_name": fp.FIRST_NAME, "surname": "Newsurname",
        "accompanying_adult_given_name": "", "accompanying_adult_surname": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert case.has_accompanying_adult is False and case.region == "ua_sumy"
    assert identity.read_identity(user, case).surname == "Newsurname"


# --- free text the centre sees ------------------------------------------------------------

@pytest.mark.parametrize(("field", "text"), [
    ("needs", "Підтримка психолога; бабуся Вигадана поруч"),
    ("needs", "Support after the loss of father Ivan Vyhadanyi-Druhyi"),
    ("accompanying_adult_relation", "бабуся Ніна Вигадана"),
    ("accompanying_adult_relation", "aunt (Bondar)"),
])
def test_free_text_the_centre_sees_refuses_a_known_surname(client, login_as, field, text):
    login_as(Role.PROGRAMME_COORDINATOR)
    form = {"birth_year": str(fp.case_data().birth_year), "sex": "female",
            "region": "ua_kharkiv", "circumstances": "parent_deceased",
            "representative_type": "relative", "languages": "uk", "first_name": "Дарина",
            "surname": "Vyhadanyi-Druhyi", "accompanying_adult_given_name": "Ніна",
            "accompanying_adult_surname": "Вигадана"}
    if "Bondar" in text:
        form["accompanying_adult_surname"] = "Bondar"
    response = post_form(client, "/programme/cases/new", {**form, field: text})
    assert response.status_code == 200
    assert "The centre sees this text" in response.get_data(as_text=True)
    assert db.session.scalars(select(ChildCase)).all() == []
    assert post_form(client, "/programme/cases/new", form).status_code == 302


def test_correcting_case_data_refuses_the_childs_surname_too(client, login_as):
    user = login_as(Role.PROGRAMME_COORDINATOR)
    case = fp.new_case(user)
    response = post_form(client, f"/programme/cases/{case.id}/edit", {
        "birth_year": str(case.birth_year), "sex": "female", "region": "ua_kharkiv",
        "circumstances": "parent_missing", "representative_type": "relative",
        "languages": ["uk"], "needs": f"Lives with aunt {fp.SURNAME.upper()}"})
    assert response.status_code == 200
    assert "The centre sees this text" in response.get_data(as_text=True)
    assert fp.SURNAME not in response.get_data(as_text=True)
    db.session.expire_all()
    assert case.needs == "Psychological support"
    assert _identity_reads() == []  # checked inside the service: nothing opened, nothing shown


def test_no_opening_for_review_without_the_csrf_token(client, login_as):
    coordinator = login_as(Role.PROGRAMME_COORDINATOR)
    group = fp.centre_with_group(coordinator)[1]
    case = _legacy_case(coordinator, group, "Олег", "Шевчук", "Марія (Шевчук)", "мати")
    for data in ({"open": "1"}, {"save": "1", "given_name": "Марія", "surname": "Шевчук"}):
        response = client.post(f"/programme/cases/{case.id}/accompanying-adult", data=data)
        assert response.status_code in (302, 400)  # the global CSRF check answers 400
        assert "Шевчук" not in response.get_data(as_text=True)
    assert _identity_reads() == []
    db.session.expire_all()
    assert case.adult_name_to_review is True
