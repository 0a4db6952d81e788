"""The administrator's user management and audit log."""

import pytest
from sqlalchemy import select

from partnership.auth import services
from partnership.auth.models import User
from partnership.core.access import AccessDenied
from partnership.core.models import AppendOnlyError, AuditEvent
from partnership.core.roles import Role
from partnership.extensions import db

from ..conftest import post_form
from ..factories import UserFactory


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_role_change_is_audited_with_before_and_after(client, login_as):
    admin = login_as(Role.ADMIN)
    member = UserFactory(role=Role.ORG_MEMBER)
    response = post_form(client, f"/admin/users/{member.id}", {
        "full_name": member.full_name, "role": "org_manager", "active": "y"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.role == Role.ORG_MANAGER
    (event,) = events("user.role_changed")
    assert event.actor_id == admin.id and event.actor_role == "admin"
    assert event.details == {"before": "org_member", "after": "org_manager"}
    assert event.object_type == "app_user" and event.object_id == str(member.id)
    assert event.client_address == "127.0.0.1"


def test_admin_cannot_lock_themselves_out(client, login_as):
    admin = login_as(Role.ADMIN)
    response = post_form(client, f"/admin/users/{admin.id}",
                         {"full_name": admin.full_name, "role": "org_member", "active": "y"},
                         follow_redirects=True)
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN
    assert response.status_code == 200


def test_duplicate_e_mail_is_refused_next_to_the_field_keeping_input(client, login_as):
    login_as(Role.ADMIN)
    UserFactory(email="taken@example.org")
    response = post_form(client, "/admin/users/new", {
        "email": "Taken@example.org", "full_name": "Typed Name", "role": "org_member",
        "locale": "en"}, headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already exists" in html and 'value="Typed Name"' in html


def test_services_check_the_actor_not_only_the_views(app):
    officer = UserFactory(role=Role.EMBASSY_OFFICER)
    target = UserFactory()
    with pytest.raises(AccessDenied):
        services.update_user(officer, target, Role.ADMIN, True, "x")
    with pytest.raises(AccessDenied):
        services.create_user(officer, "n@example.org", Role.ADMIN)


def test_audit_log_is_append_only_in_the_orm(app):
    services.create_admin("root@example.org", "a long admin passphrase")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent))
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent)))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()


def test_audit_log_is_append_only_in_the_database(app):
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DatabaseError

    services.create_admin("root@example.org", "a long admin passphrase")
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(update(AuditEvent).values(action="tampered"))
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(delete(AuditEvent))
    db.session.rollback()


def test_log_ins_and_failures_appear_in_the_audit_page(client, login_as):
    UserFactory(email="target@example.org")
    post_form(client, "/login", {"email": "target@example.org", "password": "wrong wrong wrong"})
    login_as(Role.ADMIN)
    html = client.get("/admin/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "auth.login_failed" in html and "auth.login" in html
    assert "wrong wrong wrong" not in html  # no password ever recorded


def test_user_list_search_and_pages(client, login_as):
    login_as(Role.ADMIN)
    for n in range(55):
        UserFactory(email=f"bulk{n:02d}@example.org")
    html = client.get("/admin/users?q=bulk").get_data(as_text=True)
    assert html.count("bulk") >= 50 and 'rel="next"' in html
    assert db.session.scalar(select(User).where(User.email == "bulk54@example.org"))
