"""Demo data of the programme: the demo centre staff member's rehabilitation centre with two
groups, and thirteen fictional children across the case states. Every name is invented."""

from datetime import date, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..core.database import utcnow
from ..core.roles import Role
from ..extensions import db
from . import cases, centres, consents, placements
from .care import add_progress_note
from .identity import Identity
from .models import CaseState

# (first name, surname, birth year, sex, region, circumstances, representative, languages,
#  needs, accompanying adult (given name, surname), relation, target state)
CHILDREN = (
    ("Софія", "Вигадана", 2014, "female", "ua_kharkiv", "parent_deceased", "surviving_parent",
     ["uk", "ru"], "Психологічна підтримка після втрати батька; порушення сну.",
     ("Олена", "Вигадана"), "мати", CaseState.IN_PROGRAMME),
    # Double-barrelled: the centre sees «Галина Т.», neither surname.
    ("Максим", "Тестовий-Гордієнко", 2012, "male", "ua_donetsk", "parent_missing", "relative",
     ["uk"], "Реабілітація після травми ноги; підтримка психолога.",
     ("Галина", "Тестова"), "бабуся (опікунка)", CaseState.IN_PROGRAMME),
    ("Анна", "Примірна", 2015, "female", "ua_zaporizhzhia", "both", "guardianship_authority",
     ["uk", "en"], "Арт-терапія; адаптація в групі.", ("Ірина", "Волонтерська"),
     "волонтерка програми", CaseState.TRAVEL_READY),
    ("Давид", "Зразковий", 2013, "male", "ua_mykolaiv", "parent_deceased", "foster_family",
     ["uk", "ru"], "Підтримка психолога; фізична активність.", (), "",
     CaseState.PLACEMENT_MATCHED),
    ("Марія", "Уявна", 2016, "female", "ua_kherson", "parent_missing", "relative",
     ["uk"], "Потребує оцінки психолога.", (), "", CaseState.ASSESSMENT),
    ("Іван", "Вигаданий", 2011, "male", "ua_sumy", "parent_deceased", "surviving_parent",
     ["uk"], "", (), "", CaseState.REGISTERED),
    ("Олеся", "Навчальна", 2017, "female", "ua_kharkiv", "both", "institution",
     ["uk"], "", (), "", CaseState.REFERRED),
    ("Назар", "Демонстраційний", 2012, "male", "ua_chernihiv", "parent_deceased",
     "surviving_parent", ["uk", "en"], "Реабілітація після контузії.",
     ("Тетяна", "Демонстраційна"),
     "мати", CaseState.COMPLETED),
    ("Вероніка", "Пробна", 2014, "female", "ua_dnipropetrovsk", "parent_missing", "relative",
     ["uk"], "Психологічна підтримка.", ("Людмила", "Пробна"), "тітка", CaseState.FOLLOW_UP),
    ("Артем", "Умовний", 2010, "male", "ua_kyiv_oblast", "parent_deceased", "foster_family",
     ["uk"], "Фізична реабілітація.", ("Сергій", "Умовний"), "прийомний батько", CaseState.CLOSED),
    ("Христина", "Зразкова", 2015, "female", "ua_odesa", "parent_missing", "surviving_parent",
     ["uk"], "", (), "", CaseState.ON_HOLD),
    ("Богдан", "Тестовий-Другий", 2013, "male", "ua_kharkiv", "parent_deceased", "relative",
     ["uk"], "", (), "", CaseState.WITHDRAWN),
    ("Дарина", "Вигадана-Друга", 2016, "female", "ua_donetsk", "both", "relative",
     ["uk", "ru"], "Психологічна підтримка.", ("Ніна", "Вигадана"), "бабуся",
     CaseState.CONSENT_WITHDRAWN),
)

ROUTE = (CaseState.REGISTERED, CaseState.ASSESSMENT, CaseState.PLACEMENT_MATCHED,
         CaseState.TRAVEL_READY, CaseState.IN_PROGRAMME, CaseState.COMPLETED,
         CaseState.FOLLOW_UP, CaseState.CLOSED)
NOTES = ("Дитина добре адаптувалася до групи, охоче бере участь у заняттях.",
         "Сон покращився; продовжуємо індивідуальні сесії з психологом.")


def _users() -> tuple[User | None, User | None]:
    coordinator = db.session.scalar(select(User).where(
        User.role == Role.PROGRAMME_COORDINATOR).order_by(User.id))
    staff = db.session.scalar(select(User).where(
        User.role == Role.CENTRE_STAFF, User.organisation_id.is_not(None)).order_by(User.id))
    return coordinator, staff


def seed_demo_programme() -> int:
    """The centre, two groups and the children; how many cases were made. Caller commits."""
    coordinator, staff = _users()
    if coordinator is None or staff is None:
        return 0
    centre = centres.enrol_centre(coordinator, staff.organisation_id)
    today = utcnow().date()
    groups = [
        centres.save_group(coordinator, centre, centres.GroupData(
            "«Сонячна» — весна", today - timedelta(days=10), today + timedelta(days=18), 8, "uk",
            "both", "Психолог Айгуль Нурланова; перекладачка Олена Кравець"), None),
        centres.save_group(coordinator, centre, centres.GroupData(
            "«Берізка» — літо", today + timedelta(days=40), today + timedelta(days=68), 6, "uk",
            "psychological", "Психолог Марат Жумабаев"), None),
    ]
    made = 0
    for index, row in enumerate(CHILDREN):
        (first, surname, year, sex, region, circumstances, representative, languages, needs,
         adult, relation, target) = row
        person = Identity(first_name=first, surname=surname,
                          date_of_birth=date(year, 1 + index % 12, 3 + index).isoformat(),
                          documents=f"Свідоцтво про народження I-ДЕ № {700100 + index}",
                          address="вигадана адреса, демонстраційні дані",
                          representative_name=f"Представник {surname}",
                          representative_contacts="+380 00 000 00 00",
                          accompanying_adult_given_name=adult[0] if adult else "",
                          accompanying_adult_surname=adult[1] if adult else "")
        case = cases.refer_case(coordinator, cases.CaseData(
            year, sex, region, circumstances, representative, needs, languages, relation), person)
        made += 1
        _walk(coordinator, staff, case, target, groups[index % 2 if index > 3 else 0], index)
        case.created_at = utcnow() - timedelta(days=20 * index)
    return made


def _walk(coordinator, staff, case, target, group, index) -> None:
    if target == CaseState.REFERRED:
        return
    if target in (CaseState.ON_HOLD, CaseState.WITHDRAWN):
        cases.change_state(coordinator, case, CaseState.REGISTERED)
        cases.change_state(coordinator, case, target, "")
        return
    consent = None
    if target != CaseState.REGISTERED:
        consent = consents.record_consent(coordinator, case, consents.ConsentData(
            "законний представник", True, True, True, index % 3 == 0,
            utcnow().date() - timedelta(days=30), True))
    for state in ROUTE:
        if state == CaseState.PLACEMENT_MATCHED:
            placements.place_child(coordinator, case, group.id)
        else:
            cases.change_state(coordinator, case, state)
        if state == CaseState.IN_PROGRAMME and target == CaseState.IN_PROGRAMME:
            for text in NOTES[: 1 + index % 2]:
                add_progress_note(staff, case.id, text)
        if state == target or (target == CaseState.CONSENT_WITHDRAWN
                               and state == CaseState.PLACEMENT_MATCHED):
            break
    if target == CaseState.CONSENT_WITHDRAWN:
        consents.withdraw_consent(coordinator, consent)
