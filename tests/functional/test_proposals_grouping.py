"""The proposals page: what waits for the organisation's answer first, then the proposals
grouped by the organisation's own need (then offer), the three best of each group shown and the
rest on the group's own page behind "more"."""

import re

from partnership.core.roles import Role
from partnership.matching.models import MatchStatus
from partnership.organisations.models import Country

from ..factories import OrganisationFactory
from .test_my_work import _match, _need, _offer


def _positions(html: str, ids) -> list[int]:
    return [html.index(f'id="match-{i}"') for i in ids]


def test_waiting_first_then_grouped_by_need_best_three_first(client, login_as):
    ours = OrganisationFactory()
    partners = [OrganisationFactory(country=Country.KZ) for _ in range(7)]
    need_a, need_b = _need(ours, area="psychotherapy"), _need(ours, area="cardiology")
    offer = _offer(ours)
    scores = [0.91, 0.88, 0.83, 0.8, 0.72]
    group_a = [_match(need_a, _offer(p), score=s) for p, s in zip(partners, scores, strict=False)]
    group_b = [_match(need_b, _offer(partners[5]), score=0.95)]
    ours_offered = [_match(_need(partners[6]), offer, score=0.99)]
    waiting = _match(need_b, _offer(partners[6]), MatchStatus.INTEREST_OFFER, score=0.5)
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    html = client.get(f"/organisations/{ours.id}/proposals").get_data(as_text=True)
    # the proposal waiting for our answer is on top, with its button, whatever its score
    top = html.index('id="waiting"')
    assert top < html.index(f'id="match-{waiting.id}"') < html.index(f'id="item-{need_b.id}"')
    waiting_section = html[top:html.index(f'id="item-{need_b.id}"')]
    assert f'action="/matches/{waiting.id}/interest"' in waiting_section
    # needs before offers; the group with the best proposal first
    assert (html.index(f'id="item-{need_b.id}"') < html.index(f'id="item-{need_a.id}"')
            < html.index(f'id="item-{offer.id}"'))
    # within a group the best three, best first; the fourth and fifth behind "more"
    section_a = html[html.index(f'id="item-{need_a.id}"'):html.index(f'id="item-{offer.id}"')]
    positions = _positions(section_a, [m.id for m in group_a[:3]])
    assert positions == sorted(positions)
    assert f'id="match-{group_a[3].id}"' not in html
    assert f'id="match-{group_a[4].id}"' not in html
    more = re.search(r'<p class="proposal-group__more"><a href="([^"]+)">2 more proposals</a>',
                     section_a)
    assert more and positions[2] < more.start()
    # every card shown appears once
    for match in [*group_a[:3], *group_b, *ours_offered, waiting]:
        assert len(re.findall(f'id="match-{match.id}"', html)) == 1
    # "more" opens the need's group on its own: all five, best first, and nothing else
    whole = client.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    positions = _positions(whole, [m.id for m in group_a])
    assert positions == sorted(positions)
    assert "All 5 proposals for this need of yours" in whole
    for match in [*group_b, *ours_offered, waiting]:
        assert f'id="match-{match.id}"' not in whole
    assert 'class="proposal-group__more"' not in whole


def test_acting_on_a_group_of_its_own_returns_to_it(client, login_as):
    ours = OrganisationFactory()
    need = _need(ours)
    matches = [_match(need, _offer(OrganisationFactory(country=Country.KZ)), score=s)
               for s in (0.9, 0.8, 0.7, 0.6)]
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    page = f"/organisations/{ours.id}/proposals?item={need.id}"
    html = client.get(page).get_data(as_text=True)
    form = html[html.index(f'action="/matches/{matches[3].id}/interest"'):]
    form = form[:form.index("</form>")]
    assert f'name="item" value="{need.id}"' in form
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post(f"/matches/{matches[3].id}/interest",
                           data={"csrf_token": token, "item": str(need.id)})
    assert response.status_code == 302 and response.location.endswith(page)
    # the whole page's forms carry no item, and come back to the whole page
    html = client.get(f"/organisations/{ours.id}/proposals").get_data(as_text=True)
    assert 'name="item"' not in html
    response = client.post(f"/matches/{matches[0].id}/interest", data={"csrf_token": token})
    assert response.location.endswith(f"/organisations/{ours.id}/proposals")


def test_a_group_link_that_no_longer_fits_shows_the_whole_page(client, login_as):
    """An item of another organisation, one with no proposals, or nonsense: the whole page."""
    ours = OrganisationFactory()
    need = _need(ours)
    match = _match(need, _offer(OrganisationFactory(country=Country.KZ)))
    stranger = _need(OrganisationFactory())
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    for item in (stranger.id, _need(ours).id, "x", "-4", "99999999999999999999"):
        response = client.get(f"/organisations/{ours.id}/proposals?item={item}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f'id="match-{match.id}"' in html and "All 1 proposal" not in html


def test_no_more_link_when_a_group_has_three_or_fewer(client, login_as):
    ours = OrganisationFactory()
    need = _need(ours)
    for _ in range(3):
        _match(need, _offer(OrganisationFactory(country=Country.KZ)))
    login_as(Role.ORG_MEMBER.value, organisation_id=ours.id)
    html = client.get(f"/organisations/{ours.id}/proposals").get_data(as_text=True)
    assert 'class="proposal-group__more"' not in html
    assert 'id="waiting"' not in html


def test_the_cards_forms_carry_the_sessions_token_and_work(client, login_as):
    """Each card's buttons post with the page's own CSRF token (one per page, not a form each)."""
    ours = OrganisationFactory()
    partner = OrganisationFactory(country=Country.KZ)
    match = _match(_need(ours), _offer(partner), score=0.9)
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    html = client.get(f"/organisations/{ours.id}/proposals").get_data(as_text=True)
    form = html[html.index(f'action="/matches/{match.id}/interest"'):]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form[:form.index("</form>")]).group(1)
    assert client.post(f"/matches/{match.id}/interest", data={"csrf_token": "forged"}
                       ).status_code == 400
    response = client.post(f"/matches/{match.id}/interest", data={"csrf_token": token})
    assert response.status_code == 302
    assert "interest is recorded" in client.get(response.location).get_data(as_text=True)


def test_a_link_to_one_proposal_shows_its_group_whole(client, login_as):
    """"My work" links to one new proposal: past its group's three best, it is still there."""
    ours = OrganisationFactory()
    need, other_need = _need(ours), _need(ours, area="cardiology")
    group = [_match(need, _offer(OrganisationFactory(country=Country.KZ)), score=s)
             for s in (0.9, 0.8, 0.7, 0.6, 0.55)]
    others = [_match(other_need, _offer(OrganisationFactory(country=Country.KZ)), score=s)
              for s in (0.9, 0.8, 0.7, 0.6)]
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    html = client.get(f"/organisations/{ours.id}/proposals?match={group[4].id}"
                      ).get_data(as_text=True)
    for match in [*group, *others[:3]]:
        assert f'id="match-{match.id}"' in html
    assert f'id="match-{others[3].id}"' not in html   # the other group keeps its three
    assert "1 more proposal" in html


def test_an_organisation_not_yet_verified_is_told_when_proposals_come(client, login_as):
    from partnership.organisations.models import Status

    pending = OrganisationFactory(status=Status.PENDING)
    login_as(Role.ORG_MANAGER.value, organisation_id=pending.id, locale="en")
    html = client.get(f"/organisations/{pending.id}/proposals").get_data(as_text=True)
    assert "Proposals appear once the embassy has verified your organisation." in html
    verified = OrganisationFactory()
    login_as(Role.ORG_MANAGER.value, organisation_id=verified.id, locale="en")
    html = client.get(f"/organisations/{verified.id}/proposals").get_data(as_text=True)
    assert "Proposals appear once the embassy" not in html


def test_each_card_has_the_buttons_of_its_own_side_and_state(client, login_as):
    """The page works out the buttons once per (side, state): proposals on both sides and in
    different states each keep their own."""
    ours, kz = OrganisationFactory(), OrganisationFactory(country=Country.KZ)
    need, offer = _need(ours), _offer(ours)
    proposed = _match(need, _offer(kz), score=0.9)
    they_want = _match(need, _offer(OrganisationFactory(country=Country.KZ)),
                       MatchStatus.INTEREST_OFFER, score=0.8)
    we_said = _match(_need(kz), offer, MatchStatus.INTEREST_OFFER, score=0.7)   # ours: offer
    login_as(Role.ORG_MANAGER.value, organisation_id=ours.id)
    html = client.get(f"/organisations/{ours.id}/proposals").get_data(as_text=True)
    for match in (proposed, they_want):
        assert f'action="/matches/{match.id}/interest"' in html
        assert f'action="/matches/{match.id}/decline"' in html
    # our own interest is given: no second "interested" button, declining is still possible
    assert f'action="/matches/{we_said.id}/interest"' not in html
    assert f'action="/matches/{we_said.id}/decline"' in html
