"""The demo data of the programme: the demo centre staff member's centre, two groups and a
dozen fictional cases across every state, consistent with the workflow's rules."""

from sqlalchemy import func, select

from partnership.extensions import db
from partnership.programme import cases
from partnership.programme.models import CaseState, Centre, ChildCase, Group, Placement


def test_seed_demo_fills_the_programme(make_app):
    app = make_app(ENV_NAME="development")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        centre = db.session.scalars(select(Centre)).one()
        from partnership.auth.models import User
        from partnership.core.roles import Role

        staff = db.session.scalar(select(User).where(User.role == Role.CENTRE_STAFF))
        assert centre.organisation_id == staff.organisation_id
        assert len(centre.groups) == 2
        all_cases = db.session.scalars(select(ChildCase)).all()
        assert len(all_cases) >= 12
        assert {c.state for c in all_cases} == set(CaseState)
        for group in db.session.scalars(select(Group)):
            open_count = db.session.scalar(select(func.count(Placement.id)).where(
                Placement.group_id == group.id, Placement.ended_at.is_(None)))
            assert group.placed_count == open_count <= group.capacity
        for case in all_cases:
            facts = cases.facts(case)
            if case.state in (CaseState.PLACEMENT_MATCHED, CaseState.TRAVEL_READY,
                              CaseState.IN_PROGRAMME):
                assert facts.placed and facts.sharing_consent
            assert case.identity is not None
        assert any(c.notes for c in all_cases) and any(c.follow_ups for c in all_cases)


def test_the_demo_centre_sees_no_surname_of_its_children(make_app):
    """The demo's double-barrelled child: the centre sees «Галина Т.», neither surname."""
    from partnership.auth.models import User
    from partnership.auth.passwords import hash_password
    from partnership.core.roles import Role
    from partnership.programme import care, crypto
    from partnership.programme.demo import CHILDREN

    from ..conftest import log_in
    from ..factories import DEFAULT_PASSWORD

    app = make_app(ENV_NAME="development")
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
        staff = db.session.scalar(select(User).where(User.role == Role.CENTRE_STAFF))
        staff.password_hash = hash_password(DEFAULT_PASSWORD)
        db.session.commit()
        client = app.test_client()
        assert log_in(client, staff).status_code == 302
        placements = care.my_children(staff)
        assert placements
        surnames = {row[1] for row in CHILDREN} | {row[9][1] for row in CHILDREN if row[9]}
        pages = ""
        for placement in placements:
            record = crypto.decrypt(placement.case.identity.ciphertext)
            pages += client.get(f"/programme/my-centre/children/{placement.case_id}"
                                ).get_data(as_text=True)
            assert record["accompanying_adult_given_name"] in pages
        assert "Галина Т." in pages
        for surname in surnames:
            for part in surname.split("-"):
                assert part not in pages, part
