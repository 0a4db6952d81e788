"""Issue 14 in the browser: the reasons name both items of a mutual benefit, say that an
interpreter is needed, and the need form offers "can be split" (uk, kk, en screenshots)."""

import pytest

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching.services import propose_matches
from partnership.organisations.models import Country, Direction, Form, Kind

from ..factories import ItemFactory, OrganisationFactory, UserFactory
from .conftest import screenshot, sign_in, t

pytestmark = pytest.mark.e2e


def test_reasons_and_the_need_form_in_three_languages(live_server, browser):
    ua = OrganisationFactory(kind=Kind.HOSPITAL, name_uk="Київський опіковий центр",
                             name_kk="Киев күйік орталығы", name_en="Kyiv Burns Centre",
                             languages=["uk"])
    kz = OrganisationFactory(country=Country.KZ, kind=Kind.HOSPITAL,
                             name_uk="Алматинська лікарня", name_kk="Алматы ауруханасы",
                             name_en="Almaty Hospital", languages=["kk"])
    ItemFactory(organisation=ua, direction=Direction.NEED, area="burns_care",
                form=Form.PATIENT_PLACEMENT, urgency="high", quantity=20, languages=["uk"],
                description="Лікування 20 дітей з опіками, пересадка шкіри")
    ItemFactory(organisation=kz, area="burns_care", form=Form.PATIENT_PLACEMENT, quantity=4,
                languages=["kk"], description="Күйік алған балаларды емдеу, тері трансплантациясы")
    ItemFactory(organisation=kz, direction=Direction.NEED, area="trauma_surgery",
                urgency="medium", languages=["kk"], description="Травматологтарды оқыту")
    ItemFactory(organisation=ua, area="trauma_surgery", form=Form.STAFF_EXCHANGE,
                languages=["uk"], description="Обмін травматологами")
    users = {"uk": UserFactory(role=Role.ORG_MANAGER, organisation=ua, locale="uk"),
             "kk": UserFactory(role=Role.ORG_MANAGER, organisation=kz, locale="kk"),
             "en": UserFactory(role=Role.ORG_MANAGER, organisation=ua, locale="en")}
    propose_matches()
    db.session.commit()
    base = live_server.live_url
    for lang, user in users.items():
        context, page = sign_in(browser, base, user, lang)
        page.goto(f"{base}/organisations/{user.organisation_id}/proposals")
        page.get_by_text(t("No shared working language: an interpreter is needed", lang)
                         ).first.wait_for()
        mutual = t("Mutual benefit in the same area: in return for %(offer)s, the side "
                   "with the need offers %(back)s, which the other side needs", lang)
        page.get_by_text(mutual.split("%(")[0].strip(), exact=False).first.wait_for()
        screenshot(page, f"x14-proposals-{lang}")
        page.goto(f"{base}/organisations/{user.organisation_id}/items/new/need")
        page.get_by_label(t("Can be split: several partners may each take a part", lang)
                          ).wait_for()
        page.get_by_label(t("Form of cooperation", lang)).select_option("patient_placement")
        screenshot(page, f"x14-need-form-{lang}")
        context.close()
