"""Stateless app hosts: uploads and cached PDFs live in storage every host shares (the database
by default), consent documents encrypted with the identity keys; ``migrate-uploads`` moves
files kept on a host's disk; backups restore, and the restore drill finds a difference."""

import io
from datetime import date
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, select, text

from partnership.core import backup as backups
from partnership.core.storage import DatabaseStorage, PieceReader, StoredFile, storage
from partnership.core.uploads import read_upload
from partnership.extensions import db
from partnership.memoranda import approvals
from partnership.programme import crypto
from partnership.programme.models import Consent

from .. import factories_programme as fp
from ..conftest import log_in
from ..factories_memoranda import World

# A scan big enough to be streamed in several pieces.
SCAN = b"%PDF-1.4\n" + bytes(range(256)) * 9000 + b"\n%%EOF\n"


@pytest.fixture
def hosts(make_app, tmp_path):
    """Two app hosts: one database, one set of identity keys and one seal (as production
    configures them), instance folders of their own."""
    from partnership.memoranda.seal import _self_signed

    keys = Fernet.generate_key().decode()
    seal = _self_signed(tmp_path / "seal")
    shared = {"PROGRAMME_IDENTITY_KEYS": keys, "MEMORANDUM_SIGNING_KEY": str(seal.key),
              "MEMORANDUM_SIGNING_CERT": str(seal.cert)}
    first = make_app(INSTANCE_PATH=str(tmp_path / "host-a"), **shared)
    second = make_app(INSTANCE_PATH=str(tmp_path / "host-b"), **shared)
    return first, second


def _signed_memorandum():
    world = World()
    memorandum = world.memorandum()
    approvals.submit_for_review(world.ua_manager, memorandum)
    for actor in (world.ua_manager, world.kz_manager, world.officer):
        approvals.approve(actor, memorandum, 1)
    approvals.sign(world.officer, memorandum, signed_on=date.today(), place="Астана",
                   signatories="Олена Коваль", scan=io.BytesIO(SCAN))
    db.session.commit()
    return world, memorandum


def test_a_scan_uploaded_through_one_host_downloads_through_the_other(hosts, tmp_path):
    first, second = hosts
    with first.app_context():
        world, memorandum = _signed_memorandum()
        member, memorandum_id = world.ua_member, memorandum.id
    assert not (tmp_path / "host-a" / "uploads").exists()
    with second.app_context():
        client = second.test_client()
        assert log_in(client, db.session.merge(member)).status_code == 302
        response = client.get(f"/memoranda/{memorandum_id}/scan")
        assert response.status_code == 200 and response.data == SCAN
        assert response.headers["Content-Disposition"].startswith("attachment")


def test_a_pdf_cached_by_one_host_is_served_by_the_other(hosts, monkeypatch):
    from partnership.memoranda import printing

    first, second = hosts
    with first.app_context():
        world, memorandum = _signed_memorandum()
        member, memorandum_id = world.ua_member, memorandum.id
        client = first.test_client()
        assert log_in(client, db.session.merge(member)).status_code == 302
        path = f"/memoranda/{memorandum_id}/pdf?languages=uk-kk-en&version=1"
        rendered = client.get(path)
        assert rendered.status_code == 200 and rendered.data.startswith(b"%PDF")
    monkeypatch.setattr(printing, "render", lambda *a: pytest.fail("rendered again"))
    with second.app_context():
        client = second.test_client()
        assert log_in(client, db.session.merge(member)).status_code == 302
        assert client.get(path).data == rendered.data


def test_a_consent_document_is_stored_encrypted_and_served_by_the_other_host(hosts):
    first, second = hosts
    with first.app_context():
        actor = fp.coordinator()
        case = fp.to_assessment(actor, fp.new_case(actor), consent=False)
        from partnership.programme import consents

        document = fp.PDF[:-6] + f"{fp.SURNAME} signature".encode() + b"\n%%EOF\n"
        consent = consents.record_consent(actor, case, fp.consent_data(), io.BytesIO(document))
        db.session.commit()
        consent_id, name = consent.id, consent.document_name
        raw = db.session.scalar(select(StoredFile.data).where(StoredFile.key == name))
        assert fp.SURNAME.encode() not in raw and not raw.startswith(b"%PDF")
        assert crypto.decrypt_document(raw) == document
    with second.app_context():
        data, media_type, extension = consents.consent_document(db.session.merge(actor),
                                                                db.session.get(Consent,
                                                                               consent_id))
        assert data == document and media_type == "application/pdf" and extension == ".pdf"


def test_rotation_reencrypts_consent_documents(app):
    from partnership.programme import consents

    actor = fp.coordinator()
    case = fp.to_assessment(actor, fp.new_case(actor), consent=False)
    consent = consents.record_consent(actor, case, fp.consent_data(), io.BytesIO(fp.PDF))
    db.session.commit()
    before = read_upload("programme", consent.document_name)
    result = app.test_cli_runner().invoke(args=["rotate-identity-key"])
    assert result.exit_code == 0, result.output
    assert "1 consent document(s)" in result.output
    db.session.expire_all()
    after = read_upload("programme", consent.document_name)
    assert after != before and crypto.under_newest_key(after)
    newest_only = Fernet(crypto.identity_keys()[0].encode())
    assert newest_only.decrypt(after) == fp.PDF
    again = app.test_cli_runner().invoke(args=["rotate-identity-key", "--reencrypt-only"])
    assert "0 consent document(s)" in again.output


def test_the_database_backend_streams_in_pieces(app):
    shared = DatabaseStorage()
    shared.put("memoranda", "big.pdf", SCAN, "application/pdf")
    db.session.commit()
    pieces = list(shared.stream("memoranda", "big.pdf", chunk=100_000))
    assert len(pieces) == len(SCAN) // 100_000 + 1 and b"".join(pieces) == SCAN
    assert PieceReader(iter(pieces)).read() == SCAN
    with pytest.raises(FileNotFoundError):
        shared.stream("memoranda", "none.pdf")
    assert shared.delete("memoranda", "big.pdf") and not shared.exists("memoranda", "big.pdf")


# --- migrate-uploads ------------------------------------------------------------------------

def test_migrate_uploads_moves_verifies_and_is_idempotent(app):
    instance = Path(app.instance_path)
    scans = instance / "uploads" / "memoranda"
    documents = instance / "uploads" / "programme"
    pdfs = instance / "cache" / "memoranda"
    packages = instance / "cache" / "catalogues" / "abc123"
    for folder in (scans, documents, pdfs, packages):
        folder.mkdir(parents=True)
    (scans / "scan-1.pdf").write_bytes(SCAN)
    (documents / "doc-1.png").write_bytes(fp.PNG)
    (pdfs / "v1-t1-draft-uk-en.pdf").write_bytes(b"%PDF-cached")
    (pdfs / "tmpx.part").write_bytes(b"half")
    (packages / "catalogue.pdf").write_bytes(b"%PDF-catalogue")
    result = app.test_cli_runner().invoke(args=["migrate-uploads"])
    assert result.exit_code == 0, result.output
    assert "memoranda: 1 moved, 0 already stored, 0 failed" in result.output
    assert "programme: 1 moved" in result.output and "catalogues: 1 moved" in result.output
    assert read_upload("memoranda", "scan-1.pdf") == SCAN
    stored_document = read_upload("programme", "doc-1.png")
    assert stored_document != fp.PNG and crypto.decrypt_document(stored_document) == fp.PNG
    assert storage().get("catalogues", "abc123/catalogue.pdf") == b"%PDF-catalogue"
    assert not (scans / "scan-1.pdf").exists() and not (documents / "doc-1.png").exists()
    assert (pdfs / "tmpx.part").exists()  # a half-written file is left alone
    # Run again after a copy came back (a restored host folder): counted, verified, removed.
    (scans / "scan-1.pdf").write_bytes(SCAN)
    again = app.test_cli_runner().invoke(args=["migrate-uploads"])
    assert again.exit_code == 0, again.output
    assert "memoranda: 0 moved, 1 already stored, 0 failed" in again.output
    assert not (scans / "scan-1.pdf").exists()
    # Another file under a stored name is refused and kept.
    (scans / "scan-1.pdf").write_bytes(SCAN + b"changed")
    refused = app.test_cli_runner().invoke(args=["migrate-uploads"])
    assert refused.exit_code != 0 and "differs from the stored file" in refused.output
    assert (scans / "scan-1.pdf").exists() and read_upload("memoranda", "scan-1.pdf") == SCAN


def test_migrate_uploads_keeps_the_local_copy_when_the_read_back_differs(app, monkeypatch):
    scans = Path(app.instance_path) / "uploads" / "memoranda"
    scans.mkdir(parents=True)
    (scans / "scan-2.pdf").write_bytes(SCAN)
    monkeypatch.setattr(DatabaseStorage, "get", lambda self, area, key: b"corrupted")
    result = app.test_cli_runner().invoke(args=["migrate-uploads"])
    assert result.exit_code != 0 and "read back with another SHA-256" in result.output
    assert (scans / "scan-2.pdf").read_bytes() == SCAN
    monkeypatch.undo()
    assert not storage().exists("memoranda", "scan-2.pdf")


# --- backup, restore, drill ----------------------------------------------------------------

def _some_data():
    actor = fp.coordinator()
    case = fp.to_assessment(actor, fp.new_case(actor), consent=False)
    from partnership.programme import consents

    consents.record_consent(actor, case, fp.consent_data(), io.BytesIO(fp.PDF))
    storage().put("memoranda", "scan-9.pdf", SCAN, "application/pdf")
    db.session.commit()


def test_backup_and_restore_round_trip(app, tmp_path):
    _some_data()
    archive = tmp_path / "backup.tar"
    made = app.test_cli_runner().invoke(args=["backup", "-o", str(archive)])
    assert made.exit_code == 0, made.output
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    manifest = backups.read_manifest(archive)
    assert manifest.tables["stored_file"] == 2 and len(manifest.files) == 2
    # Everything changes after the backup: a file goes, a row is added.
    storage().delete("memoranda", "scan-9.pdf")
    fp.new_case(fp.coordinator())
    db.session.commit()
    assert backups.row_counts(db.engine.url) != manifest.tables
    refused = app.test_cli_runner().invoke(args=["restore", str(archive)], input="n\n")
    assert refused.exit_code != 0
    restored = app.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "all as in the manifest" in restored.output
    db.session.remove()
    assert backups.row_counts(db.engine.url) == manifest.tables
    assert storage().get("memoranda", "scan-9.pdf") == SCAN
    assert app.test_cli_runner().invoke(args=["backup", "-o", str(archive)]).exit_code != 0


def test_the_restore_drill_passes_and_prints_a_table(app):
    _some_data()
    result = app.test_cli_runner().invoke(args=["restore-drill"])
    assert result.exit_code == 0, result.output
    assert "stored_file" in result.output and "Drill passed" in result.output
    assert "stored files: 2 in the backup, 0 differ" in result.output


def test_the_restore_drill_fails_on_a_difference(app, monkeypatch):
    _some_data()
    original = backups.restore_backup

    def restore_and_lose_a_row(archive, target_url, **kwargs):
        manifest = original(archive, target_url, **kwargs)
        engine = create_engine(target_url)
        with engine.begin() as connection:
            connection.execute(text("UPDATE stored_file SET data = :data WHERE key = :key"),
                               {"data": b"%PDF-tampered", "key": "scan-9.pdf"})
            connection.execute(text("DELETE FROM alembic_version"))
        engine.dispose()
        return manifest

    monkeypatch.setattr(backups, "restore_backup", restore_and_lose_a_row)
    result = app.test_cli_runner().invoke(args=["restore-drill"])
    assert result.exit_code != 0
    assert "alembic_version" in result.output and "<- differs" in result.output
    assert "file memoranda/scan-9.pdf" in result.output


def test_postgresql_tools_missing_is_a_clear_error(app, monkeypatch, tmp_path):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    with pytest.raises(backups.BackupError, match="pg_dump is not installed"):
        backups._tool("pg_dump")
