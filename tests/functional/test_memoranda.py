"""Memoranda services: templates, drafts and versions, comments, approvals, signature,
and the partnership's status following the memorandum."""

import io
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from partnership.core.access import AccessDenied, NotVisible
from partnership.core.models import AuditEvent
from partnership.core.services import ServiceError
from partnership.extensions import db
from partnership.memoranda import approvals, content, services
from partnership.memoranda.models import (
    MemorandumApproval,
    MemorandumState,
    MemorandumTemplate,
    MemorandumVersion,
)
from partnership.memoranda.template import load_template
from partnership.partnerships.models import PartnershipStatus

from ..factories_memoranda import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHIPPED = load_template().version


@pytest.fixture(autouse=True)
def english(app):
    """Service messages are translated; these tests read them in English (the source)."""
    with force_locale("en"):
        yield


@pytest.fixture
def world(app):
    return World()


def texts_of(memorandum, key):
    clause = next(c for c in services.latest(memorandum).clauses if c["key"] == key)
    return dict(clause["title"]), dict(clause["text"])


def edit(actor, memorandum, key="purpose", words=" Changed.", base=None):
    title, text = texts_of(memorandum, key)
    text = {lang: value + words for lang, value in text.items()}
    base = services.latest(memorandum).number if base is None else base
    created = services.edit_clause(actor, memorandum, base, key, title, text)
    db.session.commit()
    return created


def approve_all(world, memorandum):
    number = services.latest(memorandum).number
    for actor in (world.ua_manager, world.kz_manager, world.officer):
        approvals.approve(actor, memorandum, number)
    db.session.commit()


def test_the_shipped_template_is_stored_on_first_use(app):
    assert db.session.scalar(select(func.count(MemorandumTemplate.id))) == 0
    first = services.current_template()
    db.session.commit()
    # Version 2: the signing lines left clause 17 for the PDF's signature block.
    assert first.number == SHIPPED == 2 and len(first.content["clauses"]) == 17
    assert services.current_template().id == first.id


def test_a_template_change_makes_a_new_version_and_leaves_drafts_alone(world):
    memorandum = world.memorandum()
    before = services.latest(memorandum).clauses
    purpose = next(c for c in before if c["key"] == "purpose")
    changed = {lang: text + " Test." for lang, text in purpose["text"].items()}
    new = services.save_template(world.officer, SHIPPED, {}, {"purpose": changed}, "purpose")
    db.session.commit()
    assert new.number == SHIPPED + 1
    assert services.latest(memorandum).clauses == before
    assert services.latest(memorandum).template.number == SHIPPED


def test_a_template_change_is_validated_and_only_for_the_embassy(world):
    services.current_template()
    with pytest.raises(ServiceError, match="variable"):
        services.save_template(world.officer, SHIPPED, {}, {"purpose": {
            "uk": "{{ secret }}", "kk": "{{ secret }}", "en": "{{ secret }}"}}, "x")
    with pytest.raises(ServiceError, match="newer|saved template version"):
        services.save_template(world.officer, 7, {}, {}, "x")
    with pytest.raises(AccessDenied):
        services.save_template(world.ua_manager, SHIPPED, {}, {}, "x")


def test_a_memorandum_is_made_from_the_partnership(world):
    memorandum = world.memorandum()
    first = services.latest(memorandum)
    assert first.number == 1 and memorandum.state == MemorandumState.DRAFT
    values = first.variables["values"]
    assert values["uk"]["ua"]["name"] == "Миколаївська обласна дитяча лікарня"
    assert values["kk"]["kz"]["name"] == "«Шаңырақ» оңалту орталығы"
    assert values["en"]["kz"]["registry_code"] == world.kz.registry_code
    assert values["en"]["areas"] == "paediatric rehabilitation"
    assert values["uk"]["forms"].startswith("навчання")
    assert values["uk"]["prevailing_language"] == "англійською"
    assert world.partnership.status == PartnershipStatus.MOU_DRAFTING
    assert world.partnership.events[-1].to_status == "mou_drafting"
    with pytest.raises(ServiceError):
        services.create_memorandum(world.officer, world.partnership)


def test_members_and_strangers_cannot_make_one(world):
    with pytest.raises(NotVisible):
        services.create_memorandum(world.ua_member, world.partnership)
    with pytest.raises(NotVisible):
        services.create_memorandum(world.stranger, world.partnership)


def test_every_save_is_a_new_immutable_version(world):
    memorandum = world.memorandum()
    second = edit(world.kz_manager, memorandum)
    assert second.number == 2 and second.author_id == world.kz_manager.id
    first = services.version(memorandum, 1)
    assert not first.clauses[2]["text"]["en"].endswith("Changed.")
    assert second.clauses[2]["text"]["en"].endswith("Changed.")
    with pytest.raises(ServiceError, match="Nothing"):
        services.save_version(world.officer, memorandum, 2)


def test_add_remove_and_move_clauses(world):
    memorandum = world.memorandum()
    texts = {"uk": "Новий пункт.", "kk": "Жаңа тармақ.", "en": "A new clause."}
    added = services.add_clause(world.officer, memorandum, 1, "purpose", texts, texts)
    db.session.commit()
    keys = [c["key"] for c in added.clauses]
    assert len(keys) == 18 and keys[3].startswith("added-")
    moved = services.move_clause(world.officer, memorandum, 2, keys[3], "up")
    db.session.commit()
    assert [c["key"] for c in moved.clauses][2] == keys[3]
    with pytest.raises(ServiceError):
        services.move_clause(world.officer, memorandum, 3, "parties", "up")
    removed = services.remove_clause(world.officer, memorandum, 3, keys[3])
    db.session.commit()
    assert [c["key"] for c in removed.clauses] == [c["key"] for c in services.version(
        memorandum, 1).clauses]


def test_a_clause_with_an_unknown_variable_is_refused(world):
    memorandum = world.memorandum()
    title, text = texts_of(memorandum, "purpose")
    bad = {lang: "{{ config }}" for lang in text}
    with pytest.raises(ServiceError, match="unknown variables"):
        services.edit_clause(world.officer, memorandum, 1, "purpose", title, bad)


def test_an_old_base_version_is_a_conflict(world):
    memorandum = world.memorandum()
    edit(world.ua_manager, memorandum)
    with pytest.raises(services.EditConflict):
        edit(world.kz_manager, memorandum, base=1)


def test_members_read_and_comment_but_do_not_edit(world):
    memorandum = world.memorandum()
    assert services.get_memorandum(world.ua_member, memorandum.id).id == memorandum.id
    with pytest.raises(ServiceError):
        edit(world.ua_member, memorandum)
    comment = services.add_comment(world.ua_member, memorandum, "costs", "Хто платить?", 1)
    db.session.commit()
    assert comment.version_number == 1
    assert services.comments_of(memorandum)["costs"][0].body == "Хто платить?"
    with pytest.raises(ServiceError):
        services.add_comment(world.ua_member, memorandum, "no-such-clause", "x", 1)


def test_other_organisations_get_not_visible(world):
    memorandum = world.memorandum()
    with pytest.raises(NotVisible):
        services.get_memorandum(world.stranger, memorandum.id)
    with pytest.raises(NotVisible):
        services.add_comment(world.stranger, memorandum, "costs", "x", 1)
    with pytest.raises(NotVisible):
        approvals.approve(world.stranger, memorandum, 1)


def test_particulars_fill_the_text(world):
    memorandum = world.memorandum()
    particulars = dict(services.latest(memorandum).variables["particulars"])
    particulars["ua.signatory"] = {"uk": "Олена Коваль", "kk": "Олена Коваль",
                                   "en": "Olena Koval"}
    particulars["prevailing_language"] = "uk"
    created = services.save_particulars(world.ua_manager, memorandum, 1, particulars)
    db.session.commit()
    assert created.variables["values"]["en"]["ua"]["signatory"] == "Olena Koval"
    assert created.variables["values"]["kk"]["prevailing_language"] == "украин"
    rendered = dict((c["key"], body) for _n, c, _t, body
                    in content.rendered_clauses(created, "en"))
    assert "Olena Koval" in rendered["parties"]
    bad = dict(particulars, prevailing_language="ru")
    with pytest.raises(ServiceError):
        services.save_particulars(world.ua_manager, memorandum, 2, bad)


def test_three_approvals_of_the_same_version_agree_and_freeze(world):
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    assert world.partnership.status == PartnershipStatus.MOU_REVIEW
    approve_all(world, memorandum)
    assert memorandum.state == MemorandumState.AGREED
    assert world.partnership.status == PartnershipStatus.MOU_AGREED
    assert len(memorandum.text_hash) == 64 and memorandum.agreed_number == 1
    assert len(memorandum.verification_code) >= 20
    newest = services.latest(memorandum)
    assert memorandum.text_hash == content.text_hash(
        newest.variables["title"], newest.clauses, newest.variables["values"])
    with pytest.raises(ServiceError, match="frozen"):
        edit(world.officer, memorandum)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"memorandum.created", "memorandum.submit", "memorandum.approved",
            "memorandum.agree"} <= actions


def test_an_edit_after_an_approval_withdraws_it(world):
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    approvals.approve(world.ua_manager, memorandum, 1)
    approvals.approve(world.kz_manager, memorandum, 1)
    db.session.commit()
    edit(world.officer, memorandum)
    assert approvals.current_approvals(memorandum) == {}
    assert approvals.withdrawn_approvals(memorandum) == 2
    with pytest.raises(ServiceError, match="saved after"):
        approvals.approve(world.officer, memorandum, 1)
    approvals.approve(world.officer, memorandum, 2)
    assert memorandum.state == MemorandumState.IN_REVIEW


def test_approvals_by_the_wrong_party_are_refused(world):
    memorandum = world.memorandum()
    with pytest.raises(ServiceError, match="in review"):
        approvals.approve(world.ua_manager, memorandum, 1)
    approvals.submit_for_review(world.ua_manager, memorandum)
    with pytest.raises(ServiceError, match="Only a manager"):
        approvals.approve(world.ua_member, memorandum, 1)
    approvals.approve(world.ua_manager, memorandum, 1)
    with pytest.raises(ServiceError, match="already approved"):
        approvals.approve(world.ua_manager, memorandum, 1)
    assert db.session.scalar(select(func.count(MemorandumApproval.id))) == 1


def test_signing_records_the_scan_and_follows_the_partnership(world):
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    approve_all(world, memorandum)
    with pytest.raises(AccessDenied):
        approvals.sign(world.ua_manager, memorandum, signed_on=date.today(), place="Астана",
                       signatories="x", scan=io.BytesIO(PDF))
    with pytest.raises(ServiceError, match="accepted type"):
        approvals.sign(world.officer, memorandum, signed_on=date.today(), place="Астана",
                       signatories="x", scan=io.BytesIO(b"GIF89a not a pdf"))
    approvals.sign(world.officer, memorandum, signed_on=date.today(), place="Астана",
                   signatories="Олена Коваль\nАйгерім Сапарова", scan=io.BytesIO(PDF))
    db.session.commit()
    assert memorandum.state == MemorandumState.SIGNED and memorandum.scan_size == len(PDF)
    assert world.partnership.status == PartnershipStatus.SIGNED
    assert approvals.scan_file(world.ua_member, memorandum).read() == PDF
    with pytest.raises(NotVisible):
        approvals.scan_file(world.stranger, memorandum)


def test_supersede_starts_a_new_draft_from_the_text(world):
    memorandum = world.memorandum()
    edit(world.officer, memorandum)
    approvals.submit_for_review(world.ua_manager, memorandum)
    approve_all(world, memorandum)
    new = approvals.supersede(world.officer, memorandum)
    db.session.commit()
    assert memorandum.state == MemorandumState.SUPERSEDED
    assert new.state == MemorandumState.DRAFT
    assert services.latest(new).clauses == services.latest(memorandum).clauses
    assert world.partnership.status == PartnershipStatus.MOU_DRAFTING


def test_terminate_needs_a_reason_and_the_embassy(world):
    memorandum = world.memorandum()
    with pytest.raises(AccessDenied):
        approvals.terminate(world.ua_manager, memorandum, "x")
    with pytest.raises(ServiceError):
        approvals.terminate(world.officer, memorandum, " ")
    approvals.terminate(world.officer, memorandum, "Сторони відмовились")
    assert memorandum.state == MemorandumState.TERMINATED
    with pytest.raises(ServiceError, match="not possible"):
        approvals.submit_for_review(world.ua_manager, memorandum)


def test_the_database_refuses_two_versions_with_one_number(world):
    memorandum = world.memorandum()
    first = services.latest(memorandum)
    db.session.add(MemorandumVersion(memorandum_id=memorandum.id, number=1,
                                     template_id=first.template_id, clauses=[],
                                     variables={}))
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_demo_memoranda_show_each_state(app):
    from partnership.core.roles import Role
    from partnership.memoranda.demo import seed_demo_memoranda
    from partnership.memoranda.models import Memorandum
    from partnership.organisations.models import Country, Status

    from ..factories import OrganisationFactory, UserFactory

    UserFactory(role=Role.EMBASSY_OFFICER)
    for _ in range(4):
        OrganisationFactory(status=Status.VERIFIED)
        OrganisationFactory(country=Country.KZ, status=Status.VERIFIED)
    seed_demo_memoranda()
    db.session.commit()
    found = {m.state: m for m in db.session.scalars(select(Memorandum))}
    assert set(found) == {"draft", "in_review", "agreed", "signed"}
    assert found["signed"].partnership.status == PartnershipStatus.SIGNED
    assert approvals.scan_file(UserFactory(role=Role.EMBASSY_OFFICER), found["signed"]
                               ).read().startswith(b"%PDF")
    assert len(approvals.current_approvals(found["in_review"])) == 1
