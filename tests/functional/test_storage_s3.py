"""The S3 backend of the shared storage, against moto's S3 server in this process (a real HTTP
endpoint, as MinIO or AWS would be): the same interface as the database backend, uploads
through one host read through another, and backups that carry the objects."""

import io
import socket

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
