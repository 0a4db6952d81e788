"""The proposals pages kept rendered between requests (matching/page_cache.py): served again while
nothing they show changed, never after a change (whoever made it and however), never with the
form token or the buttons of another person."""

import re

from sqlalchemy import event, update

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching import changes
from partnership.matching.models import Match, MatchStatus
from partnership.matching.page_cache import CSRF_MARK, LOOKUPS
from partnership.matching.services import propose_matches
from partnership.organisations.models import Country

from ..conftest import CSRF_RE, log_in, post_form, tokens_apart
from ..factories import OrganisationFactory, UserFactory
from .test_my_work import _match, _need, _offer


def hits() -> float:
    return LOOKUPS.labels("hit")._value.get()


def _pair(score=0.7):
    """Our organisation with one need, a Kazakh partner's offer for it, and its manager."""
    ours = OrganisationFactory(name_en="Lviv Rehabilitation Centre")
    partner = OrganisationFactory(country=Country.KZ, name_en="Almaty Burns Hospital")
    match = _match(_need(ours, area="burns_care"), _offer(partner, area="burns_care"),
                   score=score)
    return ours, partner, match


def _page(client, organisation) -> str:
    response = client.get(f"/organisations/{organisation.id}/proposals")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_page_asked_again_is_served_from_the_cache_without_reading_the_proposals(
        client, login_as):
    ours, _partner, match = _pair()
    card = f'id="match-{match.id}"'   # read now: the listener below hears this test's reads too
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    first = _page(client, ours)
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    before = hits()
    again = _page(client, ours)
    assert hits() == before + 1
    assert tokens_apart(again) == tokens_apart(first) and card in again
    assert not [s for s in statements if re.search(r"FROM (match|item)\b", s)]


def test_a_decision_of_the_partner_shows_at_once(app, client, login_as):
    ours, partner, match = _pair()
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    assert 'id="waiting"' not in _page(client, ours)
    theirs = app.test_client()
    log_in(theirs, UserFactory(role=Role.ORG_MANAGER.value, organisation_id=partner.id))
    token = _card_token(_page(theirs, partner), match)
    assert theirs.post(f"/matches/{match.id}/interest",
                       data={"csrf_token": token}).status_code == 302
    html = _page(client, ours)
    assert 'id="waiting"' in html
    assert html.index('id="waiting"') < html.index(f'id="match-{match.id}"')


def test_a_matching_run_shows_its_new_proposals_at_once(client, login_as):
    """A run inserts its rows past the session (``bulk.insert_rows``) and says so."""
    ours = OrganisationFactory()
    _need(ours, area="paediatric_rehabilitation", quantity=8, languages=["uk", "en"],
          description="training of paediatric rehabilitation therapists")
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    assert 'class="match-card"' not in _page(client, ours)
    partner = OrganisationFactory(country=Country.KZ, name_en="Astana Rehabilitation")
    _offer(partner, area="paediatric_rehabilitation", quantity=10, languages=["en", "ru"],
           description="paediatric rehabilitation therapists training course")
    # the partner's new offer changed the directory's data, not yet any proposal
    assert 'class="match-card"' not in _page(client, ours)
    summary = propose_matches()
    db.session.commit()
    assert summary.created >= 1
    html = _page(client, ours)
    assert "Astana Rehabilitation" in html and 'class="match-card"' in html


def test_a_statement_on_the_proposals_table_counts_as_a_change(client, login_as):
    """A run's updates and closings are statements the session executes, not flushed rows."""
    ours, _partner, match = _pair()
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    assert f'id="match-{match.id}"' in _page(client, ours)
    db.session.execute(update(Match).where(Match.id == match.id)
                       .values(status=MatchStatus.WITHDRAWN))
    db.session.commit()
    assert f'id="match-{match.id}"' not in _page(client, ours)


def test_a_renamed_partner_shows_at_once(client, login_as):
    ours, partner, _match_ = _pair()
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    assert "Almaty Burns Hospital" in _page(client, ours)
    partner.name_en = "Almaty City Burns Hospital"
    db.session.commit()
    assert "Almaty City Burns Hospital" in _page(client, ours)


def _card_token(html: str, match) -> str:
    """The form token in the card's own form (the header's forms have theirs)."""
    return CSRF_RE.search(html, html.index(f'id="match-{match.id}"')).group(1)


def test_each_colleague_gets_a_page_with_their_own_form_token(app, client, login_as):
    ours, _partner, match = _pair()
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    mine = _page(client, ours)
    colleague = app.test_client()
    log_in(colleague, UserFactory(role=Role.ORG_MANAGER.value, organisation_id=ours.id))
    before = hits()
    theirs = _page(colleague, ours)
    assert hits() == before + 1
    token = _card_token(theirs, match)
    assert token != _card_token(mine, match)
    assert CSRF_MARK not in theirs and CSRF_MARK not in mine
    # the token in the card served from the cache is the colleague's own: their answer goes
    assert colleague.post(f"/matches/{match.id}/interest",
                          data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == MatchStatus.INTEREST_NEED


def test_a_member_after_a_manager_sees_no_buttons(app, client, login_as):
    ours, _partner, match = _pair()
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    assert f'action="/matches/{match.id}/interest"' in _page(client, ours)
    member = app.test_client()
    log_in(member, UserFactory(role=Role.ORG_MEMBER.value, organisation_id=ours.id))
    html = _page(member, ours)
    assert f'id="match-{match.id}"' in html
    assert f'action="/matches/{match.id}/interest"' not in html


def test_each_language_has_its_own_page(client, login_as):
    ours, _partner, _match_ = _pair()
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    assert "Your need" in _page(client, ours)
    post_form(client, "/language", {"language": "uk"})
    html = _page(client, ours)
    assert "Ваша потреба" in html and "Your need" not in html


def test_a_change_counts_once_when_committed_and_not_at_all_when_rolled_back(app):
    _ours, _partner, match = _pair()
    start = changes.generation(db.session.connection())
    match.score = 0.71
    db.session.flush()
    db.session.rollback()
    assert changes.generation(db.session.connection()) == start
    db.session.get(Match, match.id).score = 0.72
    db.session.commit()
    assert changes.generation(db.session.connection()) == start + 1
