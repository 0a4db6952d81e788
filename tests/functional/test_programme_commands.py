"""Commands: identity key rotation, retention of identity records, and the database backup
that must not hold a child's name in plain text."""

import io
import sqlite3
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask_babel import force_locale
from sqlalchemy import select, text

from partnership.core.backup import read_manifest
from partnership.core.database import utcnow
from partnership.core.storage import storage
from partnership.core.uploads import read_upload, upload_exists
from partnership.extensions import db
from partnership.programme import crypto, identity
from partnership.programme.models import CaseState, ChildCase, ChildIdentity, Consent

from .. import factories_programme as fp


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result


# --- rotation -----------------------------------------------------------------------------

def test_rotation_adds_a_key_and_reencrypts_every_record(app):
    actor = fp.coordinator()
    made = [fp.new_case(actor, fp.person(surname=f"Surname{i}")) for i in range(3)]
    old_key = crypto.identity_keys()[0]
    before = {row.id: bytes(row.ciphertext) for row in db.session.scalars(select(ChildIdentity))}
    result = run(app, "rotate-identity-key")
    assert result.exit_code == 0, result.output
    assert "3 identity record(s) re-encrypted" in result.output
    keys = crypto.identity_keys()
    assert len(keys) == 2 and keys[1] == old_key
    assert oct(crypto.key_file().stat().st_mode & 0o777) == "0o600"
    db.session.expire_all()
    rows = db.session.scalars(select(ChildIdentity)).all()
    assert {row.key_id for row in rows} == {crypto.key_id(keys[0])}
    assert all(bytes(row.ciphertext) != before[row.id] for row in rows)
    # The new key alone now reads every record: the old one could be retired.
    crypto.write_key_file(crypto.key_file(), keys[:1])
    for i, case in enumerate(made):
        assert identity.read_identity(actor, db.session.get(ChildCase, case.id)).surname == \
            f"Surname{i}"
    again = run(app, "rotate-identity-key", "--reencrypt-only")
    assert "0 identity record(s) re-encrypted" in again.output


def test_rotation_with_keys_in_the_environment(make_app):
    old = Fernet.generate_key().decode()
    app = make_app(PROGRAMME_IDENTITY_KEYS=old)
    with app.app_context():
        actor = fp.coordinator()
        case = fp.new_case(actor)
        refused = run(app, "rotate-identity-key")
        assert refused.exit_code != 0 and "--print-new-key" in refused.output
        new = run(app, "rotate-identity-key", "--print-new-key").output.strip()
        Fernet(new.encode())  # a valid key
        app.config["PROGRAMME_IDENTITY_KEYS"] = f"{new},{old}"
        result = run(app, "rotate-identity-key", "--reencrypt-only")
        assert result.exit_code == 0 and "1 identity record(s)" in result.output
        db.session.expire_all()
        row = db.session.get(ChildCase, case.id).identity
        assert row.key_id == crypto.key_id(new)
        assert Fernet(new.encode()).decrypt(row.ciphertext)
        app.config["PROGRAMME_IDENTITY_KEYS"] = new  # old key retired: still readable
        assert identity.read_identity(actor, db.session.get(ChildCase, case.id)).surname \
            == fp.SURNAME


def test_a_record_under_a_removed_key_is_refused_clearly(app):
    actor = fp.coordinator()
    case = fp.new_case(actor)
    crypto.write_key_file(crypto.key_file(), [Fernet.generate_key().decode()])
    with force_locale("en"), pytest.raises(crypto.IdentityKeysMissing,
                                           match="no longer configured"):
        identity.read_identity(actor, case)


# --- retention ----------------------------------------------------------------------------

def _closed(actor, group, days_ago: int):
    case = fp.placed_case(actor, group, document=fp.PDF)
    fp.walk(actor, case, CaseState.WITHDRAWN, CaseState.CLOSED)
    case.closed_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return case


def test_retention_erases_what_it_must_and_nothing_else(app):
    app.config["PROGRAMME_RETENTION_DAYS"] = 365
    actor = fp.coordinator()
    group = fp.centre_with_group(actor, capacity=5)[1]
    old = _closed(actor, group, days_ago=400)
    recent = _closed(actor, group, days_ago=100)
    open_case = fp.placed_case(actor, group, document=fp.PDF)
    files = {c.id: c.consents[0].document_name for c in (old, recent, open_case)}

    dry = run(app, "purge-programme-identities", "--dry-run")
    assert dry.exit_code == 0 and old.code in dry.output and recent.code not in dry.output
    db.session.expire_all()
    assert db.session.get(ChildCase, old.id).identity is not None
    assert upload_exists("programme", files[old.id])

    result = run(app, "purge-programme-identities")
    assert result.exit_code == 0, result.output
    assert "1 case(s) erased (1 document(s))" in result.output
    db.session.expire_all()
    erased = db.session.get(ChildCase, old.id)
    assert erased.identity is None and erased.identity_erased_at is not None
    assert (erased.birth_year, erased.region, erased.state) == (
        old.birth_year, "ua_kharkiv", CaseState.CLOSED)         # statistics stay
    assert db.session.scalar(select(Consent).where(Consent.case_id == old.id)).document_name \
        is None
    with pytest.raises(FileNotFoundError):
        read_upload("programme", files[old.id])
    for keep in (recent, open_case):
        kept = db.session.get(ChildCase, keep.id)
        assert kept.identity is not None and kept.identity_erased_at is None
        assert upload_exists("programme", files[keep.id])
    assert db.session.scalar(select(ChildIdentity).where(ChildIdentity.case_id == old.id)) \
        is None
    # Erased once: the next run finds nothing.
    assert "0 case(s) erased" in run(app, "purge-programme-identities").output


# --- backup -------------------------------------------------------------------------------

def _needles() -> list[bytes]:
    found = []
    for value in (fp.SURNAME, fp.DOCUMENT, "Шевчишина", "АА-775533"):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            found.append(value.encode(encoding))
    return found


def test_database_file_and_backup_hold_no_name_in_plain_text(app, tmp_path):
    actor = fp.coordinator()
    group = fp.centre_with_group(actor)[1]
    fp.placed_case(actor, group)
    fp.new_case(actor, fp.person(surname="Шевчишина", documents="Паспорт АА-775533"))
    fp.placed_case(actor, group, fp.person(surname=fp.SURNAME + "-Second"), document=fp.PNG)
    target = tmp_path / "copy.tar"
    result = run(app, "backup", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert read_manifest(target).tables["child_identity"] == 3
    blobs = {"backup": target.read_bytes()}
    if db.engine.dialect.name == "sqlite":
        path = Path(db.engine.url.database)
        with db.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        blobs["database"] = path.read_bytes()
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            blobs["wal"] = wal.read_bytes()
        assert b"child_identity" in blobs["backup"]  # it is a real copy
        with tarfile.open(target) as archive:
            archive.extract("database.sqlite", tmp_path, filter="data")
        copied = sqlite3.connect(tmp_path / "database.sqlite")
        assert copied.execute("SELECT count(*) FROM child_identity").fetchone()[0] == 3
        copied.close()
    for name, blob in blobs.items():
        for needle in _needles():
            assert needle not in blob, f"{needle!r} in the {name}"
    assert run(app, "backup", "-o", str(target)).exit_code != 0  # never overwrites


def test_uploads_folder_holds_random_names_only(app):
    actor = fp.coordinator()
    case = fp.to_assessment(actor, fp.new_case(actor), consent=False)
    from partnership.programme import consents

    consents.record_consent(actor, case, fp.consent_data(), io.BytesIO(fp.PDF))
    db.session.commit()
    names = [found.key for found in storage().listing("programme")]
    assert names == [case.consents[0].document_name]
    assert all(fp.SURNAME not in name for name in names)
