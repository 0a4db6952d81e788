"""Test data of the programme: centres, groups and cases made through the services, so every
case is in a state the workflow can reach."""

from datetime import timedelta

from partnership.core.database import utcnow
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.models import Country, Kind
from partnership.programme import cases, centres, consents, placements
from partnership.programme.identity import Identity
from partnership.programme.models import CaseState

from .factories import OrganisationFactory, UserFactory

SURNAME = "Zhovtoblakytna"           # distinctive: searched for in every leak test
DOCUMENT = "ZX-4471-993Q"
FIRST_NAME = "Yevdokiia"

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def coordinator(**fields):
    return UserFactory(role=Role.PROGRAMME_COORDINATOR, **fields)


def centre_with_group(actor, capacity: int = 5, organisation=None, **group_fields):
    """A verified Kazakh rehabilitation centre enrolled in the programme, with one group."""
    organisation = organisation or OrganisationFactory(country=Country.KZ,
                                                       kind=Kind.REHABILITATION_CENTRE)
    centre = centres.enrol_centre(actor, organisation.id)
    today = utcnow().date()
    data = centres.GroupData(
        name=group_fields.get("name", "Spring group"),
        starts_on=group_fields.get("starts_on", today),
        ends_on=group_fields.get("ends_on", today + timedelta(days=21)),
        capacity=capacity, language="uk", focus="both", accompanying_staff="Psychologist")
    group = centres.save_group(actor, centre, data)
    db.session.commit()
    return centre, group


def person(**fields) -> Identity:
    values = dict(first_name=FIRST_NAME, surname=SURNAME, date_of_birth="2014-05-02",
                  documents=f"Birth certificate {DOCUMENT}", address="12 Example street, Kharkiv",
                  representative_name=f"Olena {SURNAME}", representative_contacts="+380 50 000",
                  accompanying_adult_given_name="Olena", accompanying_adult_surname=SURNAME)
    values.update(fields)
    return Identity(**values)


def case_data(**fields) -> cases.CaseData:
    values = dict(birth_year=utcnow().year - 10, sex="female", region="ua_kharkiv",
                  circumstances="parent_deceased", representative_type="surviving_parent",
                  needs="Psychological support", languages=["uk"],
                  accompanying_adult_relation="mother")
    values.update(fields)
    return cases.CaseData(**values)


def consent_data(**fields) -> consents.ConsentData:
    values = dict(relationship_to_child="mother", participation=True, travel=True,
                  sharing_with_centre=True, photos=False,
                  given_on=utcnow().date() - timedelta(days=1), child_assent=True)
    values.update(fields)
    return consents.ConsentData(**values)


def new_case(actor, identity: Identity | None = None, **data):
    case = cases.refer_case(actor, case_data(**data), identity or person())
    db.session.commit()
    return case


def to_assessment(actor, case, consent: bool = True, document: bytes | None = None):
    """Register and assess a case; record a full consent (with a document) when asked."""
    import io

    cases.change_state(actor, case, CaseState.REGISTERED)
    cases.change_state(actor, case, CaseState.ASSESSMENT)
    if consent:
        consents.record_consent(actor, case, consent_data(),
                                io.BytesIO(document) if document else None)
    db.session.commit()
    return case


def placed_case(actor, group, identity: Identity | None = None, document: bytes | None = None,
                **data):
    """A case with a full consent, placed in ``group`` (state placement_matched)."""
    case = to_assessment(actor, new_case(actor, identity, **data), document=document)
    placements.place_child(actor, case, group.id)
    db.session.commit()
    return case


def walk(actor, case, *states):
    for state in states:
        cases.change_state(actor, case, state)
    db.session.commit()
    return case
