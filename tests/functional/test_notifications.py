"""Notifications: preferences (immediately, digest, off; security always on), the daily
digest, the 180-day purge, deep links, the bell and the list in three languages."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from partnership.core.database import utcnow
from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.notifications import services
from partnership.notifications.models import (
    Category,
    Delivery,
    Mode,
    Notification,
    NotificationDigest,
)

from ..conftest import post_form
from ..factories import OrganisationFactory, UserFactory


def _mails_to(user) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == user.email)
                                   .order_by(OutboxEmail.id)))


def _tell(user, kind="items_expiring", **params):
    made = services.notify([user], kind, params or {"count": 2},
                           endpoint="notifications.index")
    db.session.commit()
    return made[0] if made else None


def _prefer(user, **modes):
    services.set_preferences(user, modes)
    db.session.commit()


# --- preferences -------------------------------------------------------------------------

def test_immediately_is_the_default_one_email_with_one_link(app):
    user = UserFactory(locale="en")
    notification = _tell(user)
    assert notification.delivery == Delivery.EMAILED
    [mail] = _mails_to(user)
    assert mail.subject == "Offers and needs that expire soon"
    assert "2 of your organisation's offers and needs expire" in mail.body
    assert mail.body.count("http") == 1
    assert f"/notifications/{notification.id}/open" in mail.body


def test_email_in_the_recipients_language(app):
    user = UserFactory(locale="kk")
    _tell(user)
    [mail] = _mails_to(user)
    assert mail.subject != "Offers and needs that expire soon"
    assert "30" in mail.body


def test_digest_mode_waits_for_the_digest(app):
    user = UserFactory(locale="uk")
    _prefer(user, organisation="digest")
    notification = _tell(user)
    assert notification.delivery == Delivery.DIGEST
    assert _mails_to(user) == []


def test_off_means_in_the_app_only(app):
    user = UserFactory()
    _prefer(user, organisation="off")
    notification = _tell(user)
    assert notification is not None and notification.delivery == Delivery.NONE
    assert _mails_to(user) == []
    assert services.unread_count(user) == 1


def test_security_is_always_on(app):
    user = UserFactory()
    with pytest.raises(services.ServiceError):
        services.set_preferences(user, {"security": "off"})
    db.session.rollback()
    _prefer(user, proposals="off")
    _tell(user, "second_factor_reset", x=1)
    assert len(_mails_to(user)) == 1
    assert services.preferences_of(user)[Category.SECURITY] == Mode.IMMEDIATELY


def test_preferences_page_saves_and_shows_security_disabled(app, client, login_as):
    user = login_as(Role.ORG_MANAGER, organisation=OrganisationFactory(), locale="en")
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "Account and security" in page and "disabled" in page
    assert "cannot be switched off" in page
    response = post_form(client, "/notifications/preferences", {
        "proposals": "digest", "partnerships": "off", "memoranda": "immediately",
        "organisation": "immediately", "programme": "immediately", "security": "off"})
    assert response.status_code == 302
    modes = services.preferences_of(user)
    assert modes[Category.PROPOSALS] == Mode.DIGEST
    assert modes[Category.PARTNERSHIPS] == Mode.OFF
    assert modes[Category.SECURITY] == Mode.IMMEDIATELY
    # A value no form offers is refused next to its field, not a 500.
    response = post_form(client, "/notifications/preferences", {
        "proposals": "sometimes", "partnerships": "off", "memoranda": "immediately",
        "organisation": "immediately", "programme": "immediately"})
    assert response.status_code == 200
    assert services.preferences_of(user)[Category.PROPOSALS] == Mode.DIGEST


def test_the_account_page_links_to_the_preferences(app, client, login_as):
    login_as(Role.ORG_MEMBER, locale="en")
    assert "/notifications/preferences" in client.get("/account").get_data(as_text=True)


# --- the digest ----------------------------------------------------------------------------

def test_the_digest_is_one_email_in_the_users_language_and_runs_once_a_day(app):
    reader = UserFactory(locale="uk")
    english = UserFactory(locale="en")
    for user in (reader, english):
        _prefer(user, organisation="digest", proposals="digest")
        _tell(user)
        _tell(user, "interest_received", partner={"uk": "Лікарня", "kk": "Аурухана",
                                                   "en": "The Hospital"})
    assert services.send_digests() == 2
    db.session.commit()
    [mail] = _mails_to(reader)
    assert "2" in mail.subject and "update" not in mail.subject  # Ukrainian
    assert "Лікарня" in mail.body and mail.body.count("http") == 1
    [mail_en] = _mails_to(english)
    assert mail_en.subject == "Your daily summary: 2 updates"
    assert "The Hospital is interested in a proposal" in mail_en.body
    # Again the same day: nothing more, even with something new waiting.
    _tell(reader)
    assert services.send_digests() == 0
    db.session.commit()
    assert len(_mails_to(reader)) == 1
    # The next day the new one goes out.
    assert services.send_digests(today=date.today() + timedelta(days=1)) == 1
    db.session.commit()
    assert len(_mails_to(reader)) == 2


def test_the_digest_command(app):
    user = UserFactory()
    _prefer(user, organisation="digest")
    _tell(user)
    runner = app.test_cli_runner()
    assert "1 digest(s)" in runner.invoke(args=["send-digests"]).output
    assert "0 digest(s)" in runner.invoke(args=["send-digests"]).output
    assert db.session.scalar(select(func.count(NotificationDigest.id))) == 1


# --- the purge -----------------------------------------------------------------------------

def test_notifications_older_than_180_days_are_purged(app):
    user = UserFactory()
    old, recent = _tell(user), _tell(user)
    old.created_at = utcnow() - timedelta(days=181)
    recent.created_at = utcnow() - timedelta(days=179)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-notifications"])
    assert "1 notification(s) deleted" in result.output
    assert list(db.session.scalars(select(Notification.id))) == [recent.id]


# --- deep links, the bell, the list --------------------------------------------------------

def test_open_marks_read_and_redirects(app, client, login_as):
    user = login_as(Role.ORG_MEMBER, locale="en")
    notification = _tell(user)
    response = client.get(f"/notifications/{notification.id}/open")
    assert response.status_code == 302 and response.location.endswith("/notifications")
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).read_at is not None


def test_someone_elses_notification_is_not_there(app, client, login_as):
    login_as(Role.ORG_MEMBER)
    theirs = _tell(UserFactory())
    assert client.get(f"/notifications/{theirs.id}/open").status_code == 404
    assert post_form(client, f"/notifications/{theirs.id}/read", {}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_a_link_to_what_the_user_may_no_longer_see_meets_the_targets_refusal(
        app, client, login_as):
    """The notification leads to a partnership the user's organisation is not part of (any
    more): opening it is allowed, the partnership page itself refuses (404)."""
    user = login_as(Role.ORG_MANAGER, organisation=OrganisationFactory())
    from ..factories_memoranda import World

    world = World()
    made = services.notify([user], "partnership_opened", {"partner": "X", "reference": "R"},
                           endpoint="partnerships.page",
                           link_args={"partnership_id": world.partnership.id})
    db.session.commit()
    response = client.get(f"/notifications/{made[0].id}/open")
    assert response.status_code == 302
    assert client.get(response.location).status_code == 404


def test_bell_counts_unread_and_mark_all_read(app, client, login_as):
    user = login_as(Role.ORG_MEMBER, locale="en")
    for _ in range(3):
        _tell(user)
    page = client.get("/").get_data(as_text=True)
    assert 'class="bell__count" aria-hidden="true">3<' in page
    assert "Notifications: 3 unread" in page
    first = db.session.scalars(select(Notification)).first()
    post_form(client, f"/notifications/{first.id}/read", {})
    assert "Notifications: 2 unread" in client.get("/").get_data(as_text=True)
    post_form(client, "/notifications/read-all", {})
    page = client.get("/").get_data(as_text=True)
    assert "bell__count" not in page and "Notifications: 0 unread" in page


def test_mark_all_read_touches_only_ones_own(app, client, login_as):
    user = login_as(Role.ORG_MEMBER)
    other = UserFactory()
    _tell(user), _tell(other)
    post_form(client, "/notifications/read-all", {})
    assert services.unread_count(user) == 0 and services.unread_count(other) == 1


@pytest.mark.parametrize("language, words", [
    ("en", ["Notifications", "Mark all read", "Offers and needs that expire soon"]),
    ("uk", ["Сповіщення", "Позначити всі прочитаними"]),
    ("kk", ["Хабарландырулар", "Барлығын оқылды деп белгілеу"]),
])
def test_the_list_in_each_language(app, client, login_as, language, words):
    user = login_as(Role.ORG_MEMBER, locale=language)
    _tell(user)
    page = client.get("/notifications").get_data(as_text=True)
    for word in words:
        assert word in page


def test_the_list_is_newest_first_and_paginated(app, client, login_as):
    user = login_as(Role.ORG_MEMBER, locale="en")
    for count in range(services.PER_PAGE + 2):
        n = _tell(user, count=count)
        n.created_at = utcnow() - timedelta(minutes=100 - count)
    db.session.commit()
    first = client.get("/notifications").get_data(as_text=True)
    assert f"{services.PER_PAGE + 1} of your organisation" in first
    assert "0 of your organisation" not in first.replace("10 of", "").replace("20 of", "")
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert "0 of your organisation" in second
    assert client.get("/notifications?page=abc").status_code == 200


def test_switching_language_rerenders(app, client, login_as):
    user = login_as(Role.ORG_MEMBER, locale="en")
    _tell(user, "interest_received", partner={"uk": "Лікарня", "kk": "Аурухана",
                                              "en": "The Hospital"})
    assert "The Hospital is interested" in client.get("/notifications").get_data(as_text=True)
    post_form(client, "/language", {"language": "uk", "next": "/notifications"})
    assert "Лікарня" in client.get("/notifications").get_data(as_text=True)
