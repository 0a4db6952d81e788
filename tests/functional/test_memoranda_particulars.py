"""Issue 13, items 2 and 4: particulars per language and right by default (cities from the list,
names in each column's language, no "м. м."), and the signature block printed once, while texts
agreed on the older template print exactly as before."""

import hashlib
import html
import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from partnership.extensions import db
from partnership.matching.models import Match
from partnership.memoranda import approvals, content, printing, services
from partnership.memoranda.models import (
    Memorandum,
    MemorandumState,
    MemorandumTemplate,
    MemorandumVersion,
)
from partnership.organisations.models import Country, Direction
from partnership.partnerships.models import Partnership

from ..conftest import log_in, post_form
from ..factories import ItemFactory, OrganisationFactory
from ..factories_memoranda import World

V1 = json.loads((Path(__file__).parent.parent / "data" / "memorandum_template_v1.json")
                .read_text("utf-8"))
LANGS = ("uk", "kk", "en")


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def karaganda_world() -> World:
    """The World's partnership, its Kazakh side a Karaganda clinic typed in Kazakh, with no
    Ukrainian name in its profile."""
    world = World()
    world.kz.city, world.kz.region, world.kz.name_uk = "Қарағанды", "kz_karaganda", None
    world.ua.city = "м. Миколаїв"
    db.session.commit()
    return world


def pdf_columns(data: bytes, columns: int) -> list[str]:
    """The text of each language column of the clause pages (by x position), one string each."""
    reader = PdfReader(io.BytesIO(data))
    found = [[] for _ in range(columns)]
    margin = 14 / 25.4 * 72  # pdf.css: 14 mm left and right
    for page in reader.pages:
        step = (float(page.mediabox.width) - 2 * margin) / columns

        def visit(text, cm, tm, _font, _size, step=step):
            x = tm[4] * cm[0] + cm[4]
            if text.strip():
                found[min(columns - 1, max(0, int((x - margin) / step)))].append(text)
        page.extract_text(visitor_text=visit)
    return [re.sub(r"\s+", " ", "".join(parts)) for parts in found]


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = re.sub("\u2010\n", "", text)
    return re.sub(r"\s+", " ", text)


def agree(world, memorandum):
    approvals.submit_for_review(world.ua_manager, memorandum)
    number = services.latest(memorandum).number
    for actor in (world.ua_manager, world.kz_manager, world.officer):
        approvals.approve(actor, memorandum, number)
    db.session.commit()


def fill(world, memorandum, **changes):
    newest = services.latest(memorandum)
    particulars = json.loads(json.dumps(newest.variables["particulars"]))
    particulars.update(changes)
    services.save_particulars(world.ua_manager, memorandum, newest.number, particulars)
    db.session.commit()


SIGNATORIES = {
    "ua.signatory": {"uk": "Ірина Бойко", "kk": "Ирина Бойко", "en": "Iryna Boiko"},
    "ua.position": {"uk": "генеральна директорка", "kk": "бас директор",
                    "en": "Director General"},
    "kz.signatory": {"uk": "Айгерім Сапарова", "kk": "Әйгерім Сапарова",
                     "en": "Aigerim Saparova"},
    "kz.position": {"uk": "директор", "kk": "директор", "en": "Director"},
    "place": {"uk": "м. Астана", "kk": "Астана қ.", "en": "Astana city"},
}


# --- defaults ------------------------------------------------------------------------------

def test_new_particulars_take_each_city_from_the_list_in_each_language(app):
    world = karaganda_world()
    particulars = services.latest(world.memorandum()).variables["particulars"]
    assert particulars["kz.city"] == {"uk": "Караганда", "kk": "Қарағанды", "en": "Karaganda"}
    assert particulars["ua.city"] == {"uk": "Миколаїв", "kk": "Николаев", "en": "Mykolaiv"}


def test_a_name_missing_from_the_profile_is_transliterated_not_copied_from_another_language(
        app):
    world = karaganda_world()
    values = services.latest(world.memorandum()).variables["values"]
    assert values["uk"]["kz"]["name"] != world.kz.name_kk
    assert not re.search("[әғқңөұүһ]", values["uk"]["kz"]["name"])
    assert values["kk"]["kz"]["name"] == world.kz.name_kk
    assert values["en"]["kz"]["name"] == world.kz.name_en


def test_a_city_not_in_the_list_keeps_its_name_and_is_transliterated_elsewhere(app):
    world = World()
    world.ua.city, world.ua.region = "Бобринець", "ua_kirovohrad"
    db.session.commit()
    particulars = services.latest(world.memorandum()).variables["particulars"]
    assert particulars["ua.city"] == {"uk": "Бобринець", "kk": "Бобрынець", "en": "Bobrynets"}


# --- printed ---------------------------------------------------------------------------------

def test_the_agreed_pdf_prints_names_and_cities_in_each_columns_language_without_m_m(app):
    world = karaganda_world()
    memorandum = world.memorandum()
    fill(world, memorandum, **SIGNATORIES)
    agree(world, memorandum)
    data, _cached = printing.pdf_bytes(world.officer, memorandum,
                                       services.latest(memorandum), LANGS)
    uk, kk, en = pdf_columns(data, 3)
    assert "Karaganda" in en and "Қарағанды" not in en and "Караганда" not in en
    assert "Караганда" in uk and "Қарағанды" not in uk
    assert "Қарағанды" in kk
    assert world.kz.name_kk not in uk and world.kz.name_en in en
    text = pdf_text(data)
    assert "м. м." not in text and "қ. қ." not in text and "м. Астана" in text
    assert "Astana city" not in text and "Астана қ. қ" not in text


def test_the_signature_block_appears_once_with_names_positions_place_and_date(app):
    world = karaganda_world()
    memorandum = world.memorandum()
    fill(world, memorandum, **SIGNATORIES)
    agree(world, memorandum)
    data = printing.render(memorandum, services.latest(memorandum), LANGS)
    text = pdf_text(data)
    for phrase in ("For the Ukrainian Party", "За Українську Сторону", "Украина Тарапы үшін",
                   "For the Kazakh Party", "За Казахстанську Сторону", "Қазақстан Тарапы үшін"):
        assert text.count(phrase.upper()) == 1, phrase  # the block's label (set in capitals)
        assert text.count(phrase + ":") == 0, phrase     # clause 17's own signing lines
    for name in ("Iryna Boiko", "Ірина Бойко", "Әйгерім Сапарова", "Aigerim Saparova"):
        assert text.count(name) == 2, name  # the parties clause and the signature block
    assert "Director General" in text and "Генеральна директорка" in text
    assert "м. Астана, «___»" in text and "Astana, ___" in text and "Астана қ., 20___" in text
    assert text.count("____________ " + "Iryna Boiko") == 0  # no signing line in clause 17


def test_a_signed_pdf_carries_the_signing_date_in_each_language(app):
    world = karaganda_world()
    memorandum = world.memorandum()
    fill(world, memorandum, **SIGNATORIES)
    agree(world, memorandum)
    memorandum.state, memorandum.signed_on = MemorandumState.SIGNED, date(2026, 11, 20)
    db.session.commit()
    text = pdf_text(printing.render(memorandum, services.latest(memorandum), LANGS))
    assert "м. Астана, 20 листопада 2026 року" in text
    assert "Астана қ., 2026 жылғы 20 қараша" in text
    assert "Astana, 20 November 2026" in text


# --- older template versions --------------------------------------------------------------------

# What the build before this change printed for ``old_agreed_memorandum`` (computed on main at
# 6fcd926 with the same helper): the text hash recorded on agreement and the SHA-256 of the PDF's
# text. Texts agreed on template version 1 must keep printing exactly this.
OLD_TEXT_HASH = "0447150190a1c37f9372a7a5666a023ec66edc4f06ee6adc1bfa6797b8b43b6c"
OLD_PDF_TEXT_SHA256 = "3e06d454f289cedc2d932a06e093cfc003994509275148a148549dcf6dad4bb6"


def old_agreed_memorandum():
    """A memorandum agreed on template version 1 as an older build stored it (fixed names,
    codes, dates and verification code, so its PDF text is the same on every run)."""
    ua = OrganisationFactory(registry_code="00032129", name_uk="Обласна лікарня",
                             name_kk="Облыстық аурухана", name_en="Regional Hospital",
                             city="Миколаїв", region="ua_mykolaiv")
    kz = OrganisationFactory(country=Country.KZ, registry_code="990340005977",
                             name_uk="Центр «Шаңырақ»", name_kk="«Шаңырақ» орталығы",
                             name_en="Shanyrak Centre", city="Астана")
    need = ItemFactory(organisation=ua, direction=Direction.NEED, area="paediatric_rehabilitation")
    offer = ItemFactory(organisation=kz, area="paediatric_rehabilitation")
    partnership = Partnership(reference="UA-KZ-2026-0042", ukrainian_organisation_id=ua.id,
                              kazakh_organisation_id=kz.id)
    db.session.add(partnership)
    db.session.flush()
    db.session.add(Match(need_id=need.id, offer_id=offer.id, need_organisation_id=ua.id,
                         offer_organisation_id=kz.id, score=0.9, need_version=need.updated_at,
                         offer_version=offer.updated_at, partnership_id=partnership.id,
                         status="vetted"))
    template = MemorandumTemplate(number=1, content={k: V1[k] for k in
                                                     ("title", "variables", "clauses")},
                                  note="shipped with the application")
    db.session.add(template)
    db.session.flush()
    particulars = {name: {"uk": f"{name} укр", "kk": f"{name} қаз", "en": f"{name} en"}
                   for name in content.PER_LANGUAGE}
    particulars.update({"ua.city": {"uk": "Миколаїв", "kk": "Николаев", "en": "Mykolaiv"},
                        "kz.city": {"uk": "Астана", "kk": "Астана", "en": "Astana"},
                        "place": {"uk": "Астана", "kk": "Астана", "en": "Astana"},
                        "term_years": "5", "prevailing_language": "en"})
    values = {}
    for lang in LANGS:
        context = {"ua": {"name": ua.name(lang), "registry_code": ua.registry_code},
                   "kz": {"name": kz.name(lang), "registry_code": kz.registry_code}}
        for name in content.PER_LANGUAGE:
            side, _dot, field = name.partition(".")
            if field:
                context[side][field] = particulars[name][lang]
            else:
                context[name] = particulars[name][lang]
        context.update(term_years="5", prevailing_language=content.PREVAILING["en"][lang],
                       date=content.DATE_BLANK[lang])
        values[lang] = context
    memorandum = Memorandum(partnership=partnership, template=template,
                            state=MemorandumState.AGREED, agreed_number=1,
                            agreed_at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
                            verification_code="OldAgreedMemorandum0001")
    db.session.add(memorandum)
    db.session.flush()
    variables = {"title": V1["title"], "particulars": particulars, "values": values}
    version = MemorandumVersion(memorandum_id=memorandum.id, number=1, template_id=template.id,
                                note="Made from template version 1", clauses=V1["clauses"],
                                variables=variables)
    db.session.add(version)
    memorandum.text_hash = content.text_hash(V1["title"], V1["clauses"], values)
    db.session.commit()
    return memorandum, version


def test_a_text_agreed_on_template_version_1_prints_exactly_as_before(app):
    memorandum, version = old_agreed_memorandum()
    text = pdf_text(printing.render(memorandum, version, LANGS))
    assert memorandum.text_hash == OLD_TEXT_HASH
    assert hashlib.sha256(text.encode()).hexdigest() == OLD_PDF_TEXT_SHA256
    # clause 17's signing lines and the block's, as before
    assert text.count("For the Ukrainian Party:") == 1
    assert text.count("FOR THE UKRAINIAN PARTY") == 1


def test_the_shipped_template_no_longer_signs_in_clause_17_and_version_1_did():
    shipped = json.loads((Path(printing.__file__).parent.parent / "data" /
                          "memorandum_template.json").read_text("utf-8"))
    assert shipped["version"] == 2
    assert not content.signs_in_clauses(shipped["clauses"])
    assert content.signs_in_clauses(V1["clauses"])
    assert [c["key"] for c in shipped["clauses"]] == [c["key"] for c in V1["clauses"]]
    assert shipped["clauses"][:-1] == V1["clauses"][:-1]
    for lang in LANGS:
        assert V1["clauses"][-1]["text"][lang].startswith(shipped["clauses"][-1]["text"][lang])


# --- the form --------------------------------------------------------------------------------

def signed_in(app, user):
    client = app.test_client()
    log_in(client, user)
    return client


def form_values(page: str) -> dict:
    """Every text input and textarea of the particulars form with its value."""
    found = dict(re.findall(r'<input[^>]*name="((?:ua|kz|areas|forms|place)_[a-z_]+)"[^>]*'
                            r'value="([^"]*)"', page))
    found.update(re.findall(r'<textarea[^>]*name="((?:ua|kz|areas|forms)_[a-z_]+)"[^>]*>\r?\n?'
                            r'([^<]*)</textarea>', page))
    return {key: html.unescape(value) for key, value in found.items()}


def test_the_form_has_one_row_per_particular_with_its_languages_and_the_city_list(app):
    world = karaganda_world()
    memorandum = world.memorandum()
    page = signed_in(app, world.ua_manager).get(
        f"/memoranda/{memorandum.id}/particulars").get_data(as_text=True)
    assert page.count('class="panel particular"') == len(content.PER_LANGUAGE)
    values = form_values(page)
    assert len(values) == len(content.PER_LANGUAGE) * 3
    assert (values["kz_city_uk"], values["kz_city_kk"], values["kz_city_en"]) == (
        "Караганда", "Қарағанды", "Karaganda")
    assert 'list="cities-en"' in page and '<option value="Karaganda">' in page
    assert '<option value="Қарағанды">' in page and '<option value="Караганда">' in page
    assert 'name="preview"' in page
    # the Kazakh clinic has no Ukrainian name: the page says so
    assert "These names are missing from the organisations" in page
    assert "Shanyrak Rehabilitation Centre — Ukrainian" in page


def test_the_preview_shows_the_clauses_with_the_typed_values_and_saves_nothing(app):
    world = karaganda_world()
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_manager)
    data = form_values(client.get(f"/memoranda/{memorandum.id}/particulars").get_data(
        as_text=True))
    data.update({"ua_signatory_en": "Iryna Boiko", "place_uk": "м. Астана",
                 "term_years": "3", "prevailing_language": "en", "base_version": "1",
                 "preview": "Preview the text"})
    response = post_form(client, f"/memoranda/{memorandum.id}/particulars", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "represented by Iryna Boiko" in page, re.findall(r"field__error[^<]*<", page)
    assert "for a term of 3 years" in page
    assert "Учинено в м. Астана" in page and "м. м." not in page
    assert 'value="Iryna Boiko"' in page  # the form keeps what was typed
    assert services.latest(memorandum).number == 1


def test_another_languages_letters_in_a_column_are_refused_every_field_at_once(app):
    world = karaganda_world()
    memorandum = world.memorandum()
    client = signed_in(app, world.ua_manager)
    data = form_values(client.get(f"/memoranda/{memorandum.id}/particulars").get_data(
        as_text=True))
    data.update({"kz_city_en": "Қарағанды", "kz_city_uk": "Қарағанды",
                 "ua_signatory_kk": "Євгенія Бойко", "ua_signatory_uk": "Євгенія Бойко",
                 "term_years": "5", "prevailing_language": "en", "base_version": "1"})
    response = post_form(client, f"/memoranda/{memorandum.id}/particulars", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and services.latest(memorandum).number == 1
    assert "This holds Cyrillic letters: write the English text here." in page
    assert "This holds Kazakh letters: write the Ukrainian text here." in page
    assert "This holds Ukrainian letters: write the Kazakh text here." in page
