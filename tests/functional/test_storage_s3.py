"""The S3 backend of the shared storage, against moto's S3 server in this process (a real HTTP
endpoint, as MinIO or AWS would be): the same interface as the database backend, uploads
through one host read through another, and backups that carry the objects."""

import io
import socket
from datetime import date

import pytest
from sqlalchemy import text

from partnership.core import backup as backups
from partnership.core.storage import S3Storage, StoredFile, storage
from partnership.core.uploads import read_upload, store_upload
from partnership.extensions import db

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")

PDF = b"%PDF-1.4\n" + b"x" * 300_000 + b"\n%%EOF\n"


@pytest.fixture(scope="module")
def endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_settings(endpoint, request):
    bucket = f"partnership-{request.node.name.replace('_', '-')[:40].lower()}"
    settings = {"STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint,
                "S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": "test",
                "S3_SECRET_ACCESS_KEY": "test", "S3_PREFIX": "files/"}
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                 aws_access_key_id="test", aws_secret_access_key="test"
                 ).create_bucket(Bucket=bucket)
    return settings


def test_the_s3_backend_keeps_files_as_objects(make_app, s3_settings):
    app = make_app(**s3_settings)
    with app.app_context():
        shared = storage()
        assert isinstance(shared, S3Storage)
        info = shared.put("memoranda", "a.pdf", PDF, "application/pdf", with_unit=False)
        assert shared.exists("memoranda", "a.pdf") and not shared.exists("memoranda", "b.pdf")
        assert shared.get("memoranda", "a.pdf") == PDF
        pieces = list(shared.stream("memoranda", "a.pdf", chunk=65536))
        assert len(pieces) > 1 and b"".join(pieces) == PDF
        assert [(f.area, f.key, f.sha256) for f in shared.listing()] == [
            ("memoranda", "a.pdf", info.sha256)]
        assert db.session.query(StoredFile).count() == 0  # nothing in the database
        with pytest.raises(FileNotFoundError):
            shared.get("memoranda", "b.pdf")
        assert shared.delete("memoranda", "a.pdf", with_unit=False)
        assert not shared.exists("memoranda", "a.pdf")


def test_an_upload_through_one_host_reads_through_another_and_rolls_back(make_app, s3_settings,
                                                                         tmp_path):
    first = make_app(INSTANCE_PATH=str(tmp_path / "a"), **s3_settings)
    second = make_app(INSTANCE_PATH=str(tmp_path / "b"), **s3_settings)
    with first.app_context():
        kept = store_upload(io.BytesIO(PDF), "memoranda")
        db.session.commit()
        dropped = store_upload(io.BytesIO(PDF), "memoranda")
        db.session.execute(text("SELECT 1"))  # as the row that names it would, in a service
        db.session.rollback()  # that row never committed: the object goes too
    with second.app_context():
        assert read_upload("memoranda", kept.name) == PDF
        with pytest.raises(FileNotFoundError):
            read_upload("memoranda", dropped.name)


def test_a_backup_carries_the_objects_and_a_restore_puts_them_back(make_app, s3_settings,
                                                                   tmp_path):
    app = make_app(**s3_settings)
    with app.app_context():
        storage().put("memoranda", "scan.pdf", PDF, "application/pdf", with_unit=False)
        archive = tmp_path / "backup.tar"
        made = app.test_cli_runner().invoke(args=["backup", "-o", str(archive)])
        assert made.exit_code == 0, made.output
        manifest = backups.read_manifest(archive)
        assert manifest.storage == "s3" and list(manifest.files) == ["memoranda/scan.pdf"]
        assert backups.archived_file_hashes(archive, manifest) == manifest.files
        storage().delete("memoranda", "scan.pdf", with_unit=False)
        restored = app.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
        assert restored.exit_code == 0, restored.output
        assert storage().get("memoranda", "scan.pdf") == PDF
        drill = app.test_cli_runner().invoke(args=["restore-drill"])
        assert drill.exit_code == 0 and "stored files: 1 in the backup, 0 differ" in drill.output


@pytest.fixture
def unreachable_settings(s3_settings):
    """The same bucket's settings, but nothing listens at the endpoint (S3 down, a network
    cut): each attempt is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {**s3_settings, "S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "S3_CONNECT_TIMEOUT": 1, "S3_MAX_ATTEMPTS": 1}


def test_unreachable_storage_is_a_clear_error_not_a_500(make_app, unreachable_settings):
    from partnership.core.storage import StorageUnavailable

    app = make_app(**unreachable_settings)
    with app.app_context():
        with pytest.raises(StorageUnavailable):
            storage().get("memoranda", "a.pdf")
        with pytest.raises(StorageUnavailable):
            storage().put("memoranda", "a.pdf", PDF, "application/pdf", with_unit=False)
        with pytest.raises(StorageUnavailable):
            storage().exists("memoranda", "a.pdf")


def test_while_s3_is_down_a_scan_is_503_and_a_pdf_is_rendered_without_its_cache(
        make_app, s3_settings, unreachable_settings, tmp_path, monkeypatch):
    """A scan stored while S3 answered cannot be served while it does not: 503 with a retry
    hint (never a 500, never a wait of minutes). A memorandum's PDF is only cached there: it
    is rendered afresh. Signing with a scan while S3 is down keeps nothing half-written."""
    from partnership.core.storage import StorageUnavailable
    from partnership.memoranda import approvals, printing
    from partnership.memoranda.models import MemorandumState

    from ..conftest import log_in
    from .test_shared_storage import SCAN, _signed_memorandum

    up = make_app(INSTANCE_PATH=str(tmp_path / "up"), **s3_settings)
    down = make_app(INSTANCE_PATH=str(tmp_path / "down"), **unreachable_settings)
    with up.app_context():
        world, memorandum = _signed_memorandum()
        member, memorandum_id = world.ua_member, memorandum.id
    with down.app_context():
        client = down.test_client()
        assert log_in(client, db.session.merge(member)).status_code == 302
        scan = client.get(f"/memoranda/{memorandum_id}/scan")
        assert scan.status_code == 503 and int(scan.headers["Retry-After"]) > 0
        assert "Temporarily unavailable" in scan.get_data(as_text=True)
        rendered = []
        original = printing.render
        monkeypatch.setattr(printing, "render",
                            lambda *args: rendered.append(1) or original(*args))
        pdf = client.get(f"/memoranda/{memorandum_id}/pdf?languages=uk-kk-en&version=1")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and rendered

    with down.app_context():
        from ..factories_memoranda import World

        other = World(reference="UA-KZ-2026-0002")
        draft = other.memorandum()
        approvals.submit_for_review(other.ua_manager, draft)
        for actor in (other.ua_manager, other.kz_manager, other.officer):
            approvals.approve(actor, draft, 1)
        db.session.commit()
        draft_id = draft.id
        with pytest.raises(StorageUnavailable):
            approvals.sign(other.officer, draft, signed_on=date.today(), place="Астана",
                           signatories="Олена Коваль", scan=io.BytesIO(SCAN))
        db.session.rollback()
        assert db.session.get(type(draft), draft_id).state == MemorandumState.AGREED
