"""Demo organisations: the hand-written set, and generated ones for load tests."""

import json
import random
from datetime import date, timedelta
from importlib import resources

from sqlalchemy import insert, select

from ..core.database import utcnow
from ..extensions import db
from . import fulltext, registry
from .items import description_key
from .models import (
    Country,
    Dimension,
    Direction,
    Form,
    Item,
    ItemStatus,
    Kind,
    Organisation,
    Status,
    Urgency,
)
from .search import search_key
from .taxonomy import areas


def hand_written() -> list[dict]:
    """The organisations of ``data/demo_organisations.json``."""
    text = resources.files("partnership").joinpath("data/demo_organisations.json").read_text(
        "utf-8")
    return json.loads(text)["organisations"]


def load_hand_written(today: date | None = None) -> dict[str, Organisation]:
    """Create the hand-written organisations and their items; return them by key."""
    today = today or date.today()
    created = {}
    for index, entry in enumerate(hand_written()):
        entry = dict(entry)
        key = entry.pop("key")
        item_entries = entry.pop("items", [])
        status = Status(entry.pop("status", "verified"))
        organisation = Organisation(
            status=status, created_at=utcnow(),
            verified_at=utcnow() if status == Status.VERIFIED else None, **entry)
        organisation.search_key = search_key(organisation.name_uk, organisation.name_kk,
                                             organisation.name_en, organisation.name_ru,
                                             organisation.city, organisation.description)
        db.session.add(organisation)
        db.session.flush()
        for number, item in enumerate(item_entries):
            # Spread expiry dates so the reminder list and renewals have something to show.
            days = 20 + (index * 37 + number * 53) % 400
            db.session.add(Item(
                organisation_id=organisation.id, direction=Direction(item["direction"]),
                area=item["area"], dimension=Dimension(item["dimension"]),
                form=Form(item["form"]), description=item["description"],
                description_key=description_key(item["description"]),
                quantity=item.get("quantity"),
                urgency=Urgency(item["urgency"]) if item.get("urgency") else None,
                languages=item.get("languages") or organisation.languages,
                valid_until=today + timedelta(days=days), status=ItemStatus.ACTIVE,
                created_at=utcnow()))
        created[key] = organisation
    db.session.flush()
    return created


UA_CITIES = [("Київ", "ua_kyiv_city"), ("Львів", "ua_lviv"), ("Одеса", "ua_odesa"),
             ("Харків", "ua_kharkiv"), ("Дніпро", "ua_dnipropetrovsk"),
             ("Миколаїв", "ua_mykolaiv"), ("Чернігів", "ua_chernihiv"),
             ("Вінниця", "ua_vinnytsia"), ("Полтава", "ua_poltava"), ("Рівне", "ua_rivne")]
KZ_CITIES = [("Астана", "kz_astana"), ("Алматы", "kz_almaty_city"), ("Шымкент", "kz_shymkent"),
             ("Қарағанды", "kz_karaganda"), ("Ақтөбе", "kz_aktobe"), ("Павлодар", "kz_pavlodar"),
             ("Ақтау", "kz_mangystau"), ("Атырау", "kz_atyrau"), ("Орал", "kz_west_kazakhstan"),
             ("Өскемен", "kz_east_kazakhstan")]
KIND_WORDS = {
    Kind.HOSPITAL: ("лікарня", "ауруханасы", "Hospital"),
    Kind.CHILDRENS_HOSPITAL: ("дитяча лікарня", "балалар ауруханасы", "Children's Hospital"),
    Kind.REHABILITATION_CENTRE: ("реабілітаційний центр", "оңалту орталығы",
                                 "Rehabilitation Centre"),
    Kind.CLINIC: ("поліклініка", "емханасы", "Polyclinic"),
    Kind.UNIVERSITY: ("медичний університет", "медицина университеті", "Medical University"),
}


def _registry_code(rng: random.Random, country: Country, taken: set[str]) -> str:
    while True:
        if country == Country.UA:
            first = f"{rng.randrange(10**6, 10**7):07d}"
            code = first + str(registry.edrpou_check_digit(first))
        else:
            first = (f"{rng.randrange(0, 100):02d}{rng.randrange(1, 13):02d}4"
                     f"{rng.randrange(0, 10**6):06d}")
            digit = registry.bin_check_digit(first)
            if digit is None:
                continue
            code = first + str(digit)
        if code not in taken and registry.is_valid(country, code):
            taken.add(code)
            return code


def generate(count: int, seed: int, items_per_organisation: int = 10,
             today: date | None = None) -> int:
    """Add ``count`` generated, verified, public organisations with items (deterministic)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    today = today or date.today()
    taken = set(db.session.scalars(select(Organisation.registry_code)))
    codes = list(areas())
    forms, dimensions, urgencies = list(Form), list(Dimension), list(Urgency)
    organisation_rows = []
    for number in range(count):
        country = Country.UA if number % 2 == 0 else Country.KZ
        kind = rng.choice(list(KIND_WORDS))
        city, region = rng.choice(UA_CITIES if country == Country.UA else KZ_CITIES)
        uk, kk, en = KIND_WORDS[kind]
        serial = f"№{number + 1}"
        names = {"name_uk": f"{city}: {uk} {serial}", "name_kk": f"{city} {kk} {serial}",
                 "name_en": f"{en} {serial}, {city}"}
        description = f"{en} {serial}: generated for load tests."
        organisation_rows.append({
            "country": country, "kind": kind, "registry_code": _registry_code(rng, country, taken),
            **names, "name_ru": None, "region": region, "city": city,
            "languages": ["uk", "en"] if country == Country.UA else ["kk", "ru"],
            "beds": rng.randrange(50, 900), "staff": rng.randrange(80, 2500),
            "description": description, "contact_name": "", "contact_email": "",
            "contact_phone": "", "website": "", "status": Status.VERIFIED, "status_reason": "",
            "on_agreed_list": rng.random() < 0.8, "open_to_cooperation": True,
            "public_listing": True, "created_at": utcnow(), "updated_at": utcnow(),
            "verified_at": utcnow(),
            "search_key": search_key(*names.values(), city, description)})
    ids = db.session.scalars(insert(Organisation).returning(Organisation.id),
                             organisation_rows).all()
    item_rows = []
    for organisation_id, row in zip(ids, organisation_rows, strict=True):
        for number in range(items_per_organisation):
            direction = Direction.NEED if number % 2 else Direction.OFFER
            area = rng.choice(codes)
            text = f"{areas()[area].labels['en']} ({row['name_en']}, {number})"
            item_rows.append({
                "organisation_id": organisation_id, "direction": direction, "area": area,
                "dimension": rng.choice(dimensions), "form": rng.choice(forms),
                "description": text, "description_key": description_key(text),
                "quantity": rng.randrange(1, 40),
                "urgency": rng.choice(urgencies) if direction == Direction.NEED else None,
                "languages": row["languages"],
                "valid_until": today + timedelta(days=rng.randrange(30, 365)),
                "status": ItemStatus.ACTIVE, "created_at": utcnow(), "updated_at": utcnow()})
    for start in range(0, len(item_rows), 5000):
        db.session.execute(insert(Item), item_rows[start:start + 5000])
    # Bulk inserts pass by the session's change tracking: the search index is written here.
    fulltext.reindex(db.session, ids)
    return len(ids)


