"""Withdrawing a need asks first, in the user's language, naming the need: "Cancel" keeps it,
"OK" withdraws it."""

import pytest

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations.models import Direction, Item, ItemStatus

from ..factories import ItemFactory, OrganisationFactory, UserFactory
from .conftest import sign_in, t

pytestmark = pytest.mark.e2e


def test_withdrawing_a_need_asks_first(live_server, browser):
    organisation = OrganisationFactory(name_uk="Миколаївська дитяча лікарня")
    need = ItemFactory(organisation=organisation, direction=Direction.NEED, urgency="high",
                       area="cardiology", description="Ехокардіограф для дитячого відділення")
    manager = UserFactory(role=Role.ORG_MANAGER, organisation=organisation, locale="uk")
    db.session.commit()
    base = live_server.live_url
    context, page = sign_in(browser, base, manager, "uk")
    page.goto(f"{base}/organisations/{organisation.id}/manage")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name=t("Withdraw", "uk")).click()
    page.wait_for_timeout(300)
    assert "Ехокардіограф для дитячого відділення" in asked[0]
    assert "Відкликати «" in asked[0]
    db.session.expire_all()
    assert db.session.get(Item, need.id).status == ItemStatus.ACTIVE      # kept

    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name=t("Withdraw", "uk")).click()
    page.wait_for_load_state()
    page.get_by_text(t("Withdrawn", "uk")).first.wait_for()
    db.session.expire_all()
    assert db.session.get(Item, need.id).status == ItemStatus.WITHDRAWN
    context.close()
