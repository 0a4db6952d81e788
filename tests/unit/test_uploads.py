"""Uploads are checked by content and size, stored under random names in the shared storage."""

import io

import pytest
from flask_babel import force_locale

from partnership.core.services import ServiceError
from partnership.core.storage import storage
from partnership.core.uploads import (
    MAX_UPLOAD_BYTES,
    delete_upload,
    detect_kind,
    read_upload,
    store_upload,
)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def ctx(app):
    with app.app_context(), force_locale("en"):
        yield app


def test_kinds_are_told_by_content_not_by_name():
    assert detect_kind(PDF) == "pdf"
    assert detect_kind(PNG) == "png"
    assert detect_kind(JPEG) == "jpeg"
    assert detect_kind(b"<html><script>") is None
    assert detect_kind(b"PK\x03\x04 a zip named scan.pdf") is None


def test_a_pdf_is_stored_under_a_random_name_in_the_shared_storage(ctx, tmp_path):
    stored = store_upload(io.BytesIO(PDF), "memoranda")
    assert read_upload("memoranda", stored.name) == PDF
    assert stored.media_type == "application/pdf" and stored.size == len(PDF)
    assert stored.name.endswith(".pdf") and len(stored.name) > 30
    assert store_upload(io.BytesIO(PDF), "memoranda").name != stored.name
    assert not (tmp_path / "instance" / "uploads").exists()  # nothing on this host's disk


@pytest.mark.parametrize("data, kinds, message", [
    (b"", ("pdf",), "empty"),
    (PNG, ("pdf",), "not an accepted type"),
    (b"MZ\x90\x00 an executable", ("pdf", "png", "jpeg"), "not an accepted type"),
    (b"%PDF-1.4 cut short", ("pdf",), "incomplete"),
])
def test_bad_files_are_refused_and_nothing_is_kept(ctx, data, kinds, message):
    with pytest.raises(ServiceError) as refused:
        store_upload(io.BytesIO(data), "programme", kinds=kinds, field="document")
    assert message in str(refused.value.message)
    assert refused.value.field == "document"
    assert list(storage().listing()) == []


def test_a_file_over_ten_megabytes_is_refused(ctx):
    big = PDF[:-7] + b"\x00" * MAX_UPLOAD_BYTES + b"\n%%EOF\n"
    with pytest.raises(ServiceError) as refused:
        store_upload(io.BytesIO(big), "memoranda")
    assert "10 MB" in str(refused.value.message)


@pytest.mark.parametrize("name", ["../secret_key", "..", "", ".hidden", "a/b.pdf", "x\x00.pdf"])
def test_names_we_did_not_make_are_never_opened(ctx, name):
    with pytest.raises(FileNotFoundError):
        read_upload("memoranda", name)


def test_delete(ctx):
    stored = store_upload(io.BytesIO(JPEG), "programme", kinds=("jpeg",))
    assert delete_upload("programme", stored.name) is True
    assert delete_upload("programme", stored.name) is False
