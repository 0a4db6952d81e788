"""Upgrading a database that already has data keeps the data (SQLite batch migrations)."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from partnership import create_app
from partnership.extensions import db

from ..conftest import POSTGRES_URL, base_config


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the batch-copy path exists on SQLite only")
def test_upgrade_from_0001_keeps_users_sessions_and_audit(tmp_path):
    app = create_app(base_config(tmp_path, f"sqlite:///{tmp_path / 'old.db'}"))
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO app_user (email, full_name, role, active, created_at) "
                "VALUES ('a@b.example', 'A', 'admin', 1, '2026-01-01 00:00:00')"))
            connection.execute(text(
                "INSERT INTO audit_event (at, actor_id, action, details) "
                "VALUES ('2026-01-01 00:00:00', 1, 'user.created', '{}')"))
            connection.execute(text(
                "INSERT INTO auth_session (id, user_id, data, created_at, last_seen_at) "
                "VALUES ('x', 1, '{}', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM app_user")).scalar() == 1
            assert connection.execute(text("SELECT count(*) FROM audit_event")).scalar() == 1
            assert connection.execute(text("SELECT count(*) FROM auth_session")).scalar() == 1
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="an upgrade from a fresh SQLite file")
def test_upgrade_to_0015_adds_a_template_version_without_signing_lines(tmp_path):
    """A database holding template version 1 gets version 2 without the signing lines in its
    last clause; version 1 (and every memorandum made from it) stays as it was."""
    import json
    from pathlib import Path

    from partnership.memoranda.content import signs_in_clauses

    old = json.loads((Path(__file__).parent.parent / "data" / "memorandum_template_v1.json")
                     .read_text("utf-8"))
    stored = {key: old[key] for key in ("title", "variables", "clauses")}
    app = create_app(base_config(tmp_path, f"sqlite:///{tmp_path / 'old.db'}"))
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO memorandum_template (number, content, note, created_at) "
                "VALUES (1, :content, 'shipped', '2026-01-01 00:00:00')"),
                {"content": json.dumps(stored, ensure_ascii=False)})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT number, content FROM memorandum_template ORDER BY number")).all()
        db.engine.dispose()
    assert [row.number for row in rows] == [1, 2]
    first, second = (json.loads(row.content) for row in rows)
    assert first == stored and signs_in_clauses(first["clauses"])
    assert not signs_in_clauses(second["clauses"])
    assert second["clauses"][:-1] == stored["clauses"][:-1]
    assert second["clauses"][-1]["text"]["en"].startswith("Done at {{ place }} on {{ date }}")


@pytest.mark.skipif(bool(POSTGRES_URL), reason="an upgrade from a fresh SQLite file")
def test_upgrade_to_0029_fills_the_listing_of_each_search_document(tmp_path):
    """Documents written before 0029 get whether their organisation is listed and its country
    from the organisation, so a search after the upgrade lists what the directory lists."""
    app = create_app(base_config(tmp_path, f"sqlite:///{tmp_path / 'old.db'}"))
    with app.app_context():
        upgrade(revision="0028")
        with db.engine.begin() as connection:
            for number, (country, status, public) in enumerate(
                    [("UA", "verified", True), ("KZ", "verified", False),
                     ("KZ", "pending", True), ("KZ", "verified", True)], start=1):
                connection.execute(text(
                    "INSERT INTO organisation (id, kind, country, registry_code, name_uk, "
                    "name_kk, name_ru, name_en, region, city, languages, description, "
                    "contact_name, contact_email, contact_phone, website, status, "
                    "status_reason, public_listing, on_agreed_list, open_to_cooperation, "
                    "search_key, created_at, updated_at) "
                    "VALUES (:id, 'hospital', :country, :code, 'Лікарня', '', '', 'Hospital', "
                    "'ua_kyiv_city', 'Київ', '[\"uk\"]', '', 'Х', 'x@x.example', '', '', "
                    ":status, '', :public, :agreed, TRUE, '', '2026-01-01 00:00:00', "
                    "'2026-01-01 00:00:00')"),
                    {"id": number, "country": country, "code": f"{number:08d}",
                     "status": status, "public": public, "agreed": False})
                connection.execute(text(
                    "INSERT INTO search_document (organisation_id, names, place, body, fuzzy) "
                    "VALUES (:id, 'hospit', '', '', '')"), {"id": number})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT organisation_id, listed, country FROM search_document "
                "ORDER BY organisation_id")).all()
        db.engine.dispose()
    assert [(row[0], bool(row[1]), row[2]) for row in rows] == [
        (1, True, "UA"), (2, False, "KZ"), (3, False, "KZ"), (4, True, "KZ")]
