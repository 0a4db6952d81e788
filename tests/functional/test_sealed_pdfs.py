"""Issue 13, item 6: agreed and signed memorandum PDFs carry the platform's PAdES seal; the
public /verify page takes an uploaded PDF and says whether it is exactly the issued file, a
validly sealed copy, or neither; a signed scan's digital signatures are listed."""

import asyncio
import datetime
import io
import re

import pytest
from flask_babel import force_locale
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import func, select

from partnership.extensions import db
from partnership.memoranda import approvals, printing, seal, services, specimen
from partnership.memoranda.issued import IssuedPdf
from partnership.memoranda.pdf import render_pdf

from ..conftest import csrf_token, log_in
from ..factories_memoranda import World


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


@pytest.fixture
def world(app):
    return World()


def agree(world, memorandum):
    approvals.submit_for_review(world.ua_manager, memorandum)
    for actor in (world.ua_manager, world.kz_manager, world.officer):
        approvals.approve(actor, memorandum, services.latest(memorandum).number)
    db.session.commit()


def signed_in(app, user, secret=None):
    client = app.test_client()
    assert log_in(client, user, secret=secret).status_code == 302
    return client


def agreed_pdf(app, world):
    """The agreed memorandum's PDF as the officer downloads it."""
    memorandum = world.memorandum()
    agree(world, memorandum)
    client = signed_in(app, world.officer, world.officer_secret)
    response = client.get(f"/memoranda/{memorandum.id}/pdf?languages=uk-kk-en")
    assert response.status_code == 200
    return memorandum, client, response.data


def pdf_status(data: bytes):
    """pyHanko's own validation of the one embedded signature, trusting the platform's cert."""
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[seal.certificate()], allow_fetching=False)
    return validate_pdf_signature(signature, signer_validation_context=context)


def upload(client, data: bytes, name="copy.pdf", token=None):
    """POST the file as a browser does. The body is built here: the test client's own builder
    spools a large body to a temporary file it does not close (a ResourceWarning)."""
    token = token or csrf_token(client, "/verify")
    boundary = "----m13c-boundary-7d9a"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="document"; '
            f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n').encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return client.post("/verify", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# --- the seal ---------------------------------------------------------------------------------

def test_the_agreed_pdf_carries_a_valid_seal_and_one_changed_byte_breaks_it(app, world):
    _memorandum, _client, data = agreed_pdf(app, world)
    status = pdf_status(data)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == seal.SELF_SIGNED_NAME
    changed = bytearray(data)
    position = data.index(b"/Type /Page") + 2  # inside the signed page content
    changed[position] ^= 0x01
    assert not seal.check_seal(bytes(changed)).valid
    broken = pdf_status(bytes(changed))
    assert not (broken.intact and broken.valid)


def test_sealing_works_inside_a_running_event_loop(app):
    """pyHanko signs with asyncio; a caller that already runs an event loop (an async server,
    the browser tests' driver) still gets a sealed PDF, not "asyncio.run() cannot be called"."""
    unsealed = render_pdf(specimen.specimen(("uk", "en"), "draft"))

    async def inside_a_loop():
        return seal.seal(unsealed)

    sealed = asyncio.run(inside_a_loop())
    assert seal.check_seal(sealed).valid


def test_a_draft_pdf_is_not_sealed(app, world):
    memorandum = world.memorandum()
    client = signed_in(app, world.officer, world.officer_secret)
    data = client.get(f"/memoranda/{memorandum.id}/pdf?languages=uk-kk").data
    assert data.startswith(b"%PDF-")
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures == []
    assert db.session.scalar(select(func.count(IssuedPdf.id))) == 0


def test_the_cache_serves_the_sealed_bytes_and_records_them_once(app, world):
    memorandum, client, first = agreed_pdf(app, world)
    second = client.get(f"/memoranda/{memorandum.id}/pdf?languages=uk-kk-en").data
    assert second == first  # from the cache: a new seal would differ (its signing time)
    rows = db.session.scalars(select(IssuedPdf)).all()
    assert [(row.memorandum_id, row.version, row.languages) for row in rows] == [
        (memorandum.id, memorandum.agreed_number, "uk-kk-en")]
    version = services.version(memorandum, memorandum.agreed_number)
    assert "-s" + seal.fingerprint() in printing._cache_key(memorandum, version,
                                                             ("uk", "kk", "en"))


def test_the_specimen_agreed_state_is_sealed_and_the_draft_is_not(app):
    with app.test_request_context():
        assert seal.check_seal(render_pdf(specimen.specimen(("uk", "en"), "agreed"))).valid
        assert not seal.check_seal(render_pdf(specimen.specimen(("uk", "en"), "draft"))).sealed


def test_production_without_a_configured_key_refuses_to_seal(make_app):
    app = make_app(ENV_NAME="production", PUBLIC_BASE_URL="https://partnership.example.org")
    with app.app_context(), pytest.raises(seal.SealUnavailable):
        seal.key_files()


def test_a_configured_key_and_certificate_are_used(make_app, tmp_path):
    made = seal._self_signed(tmp_path / "elsewhere")
    app = make_app(MEMORANDUM_SIGNING_KEY=str(made.key), MEMORANDUM_SIGNING_CERT=str(made.cert))
    with app.test_request_context():
        assert seal.key_files().cert == made.cert
        sealed = seal.seal(render_pdf(specimen.specimen(("kk", "en"), "draft")))
        assert seal.check_seal(sealed).valid
        assert not (app.instance_path and (tmp_path / "instance" / "signing").exists())


# --- the /verify upload -----------------------------------------------------------------------

def test_the_upload_recognises_exactly_the_issued_file(app, world):
    memorandum, _client, data = agreed_pdf(app, world)
    page = text(upload(app.test_client(), data))
    assert "exactly a memorandum PDF the platform issued" in page
    assert memorandum.partnership.reference in page
    assert f"/verify/{memorandum.verification_code}" in page
    assert "Partnership platform (development seal)" in page  # its seal listed as a signature


def test_a_sealed_copy_not_on_record_is_a_validly_sealed_copy(app, world):
    with app.test_request_context():
        data = render_pdf(specimen.specimen(("uk", "kk", "en"), "agreed"))
    page = text(upload(app.test_client(), data))
    assert "carries the platform’s intact seal" in page
    assert "exactly a memorandum PDF" not in page


def test_a_changed_byte_or_an_unsealed_pdf_is_neither(app, world):
    _memorandum, _client, data = agreed_pdf(app, world)
    changed = bytearray(data)
    changed[data.index(b"/Type /Page") + 2] ^= 0x01
    with app.test_request_context():
        draft = render_pdf(specimen.specimen(("uk", "en"), "draft"))
    for candidate in (bytes(changed), draft, data + b"\n% appended\n"):
        page = text(upload(app.test_client(), candidate))
        assert "neither a PDF the platform issued nor a copy" in page


@pytest.mark.parametrize("junk", [b"%PDF-1.7\n" + b"\x00\xff" * 500, b"%PDF-", b"%PDF-1.4\n%%EOF",
                                  b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n"
                                  b"trailer << /Root 1 0 R /Size 999999999 >>\n%%EOF"])
def test_junk_that_looks_like_a_pdf_is_neither_never_an_error(app, junk):
    response = upload(app.test_client(), junk)
    assert response.status_code == 200
    assert "neither a PDF the platform issued" in text(response)


def test_a_non_pdf_an_empty_file_and_an_oversized_one_are_refused(app):
    client = app.test_client()
    response = upload(client, b"\x89PNG\r\n\x1a\n" + b"0" * 100, "scan.png")
    assert response.status_code == 422 and "This file is not a PDF." in text(response)
    response = upload(client, b"", "empty.pdf")
    assert response.status_code == 422
    response = upload(client, b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "big.pdf")
    assert response.status_code == 422 and "larger than 10 MB" in text(response)


def test_the_upload_needs_the_csrf_token(app):
    client = app.test_client()
    response = client.post("/verify", data={"document": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code in (400, 422)
    assert "neither" not in text(response) and "exactly" not in text(response)


def test_the_upload_is_rate_limited(make_app):
    app = make_app(RATE_LIMIT_VERIFY_UPLOAD="2 per minute")
    client = app.test_client()
    token = csrf_token(client, "/verify")
    codes = [upload(client, b"%PDF-1.4\n%%EOF", token=token).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_verification_page_links_to_the_upload(app, world):
    memorandum, _client, _data = agreed_pdf(app, world)
    page = app.test_client().get(f"/verify/{memorandum.verification_code}").get_data(as_text=True)
    assert 'href="/verify"' in page


# --- the signed scan --------------------------------------------------------------------------

def digitally_signed_pdf(tmp_path, name: str) -> bytes:
    """A PDF signed with pyHanko by a certificate of someone other than the platform."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    (tmp_path / "k.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    signer = signers.SimpleSigner.load(str(tmp_path / "k.pem"), str(tmp_path / "c.pem"))
    from pypdf import PdfWriter

    blank = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(blank)
    output = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(blank.getvalue())),
                     signers.PdfSignatureMetadata(field_name="Signature1"), signer=signer,
                     output=output)
    return output.getvalue()


def test_a_signed_scan_with_digital_signatures_lists_its_signers(app, world, tmp_path):
    memorandum = world.memorandum()
    agree(world, memorandum)
    scan = digitally_signed_pdf(tmp_path, "Зухра Әбенова")
    client = signed_in(app, world.officer, world.officer_secret)
    response = client.post(f"/memoranda/{memorandum.id}/sign", data={
        "csrf_token": csrf_token(client, f"/memoranda/{memorandum.id}/sign"),
        "signed_on": datetime.date.today().isoformat(), "place": "Astana",
        "signatories": "Zukhra Abenova, Director", "scan": (io.BytesIO(scan), "signed.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    page = text(response)
    assert "digital signatures by: Common Name: Зухра Әбенова" in page  # the flash
    assert "Digital signatures in the scan" in page and "is not checked" in page
    # the same file on the public page: neither ours, but its signer is listed
    public = text(upload(app.test_client(), scan))
    assert "neither a PDF the platform issued" in public and "Зухра Әбенова" in public


def test_a_scan_without_signatures_lists_none_and_a_non_pdf_scan_is_refused(app, world):
    memorandum = world.memorandum()
    agree(world, memorandum)
    client = signed_in(app, world.officer, world.officer_secret)
    path = f"/memoranda/{memorandum.id}/sign"
    form = {"signed_on": datetime.date.today().isoformat(), "place": "Astana",
            "signatories": "Zukhra Abenova, Director"}
    refused = client.post(path, data={"csrf_token": csrf_token(client, path), **form,
                                      "scan": (io.BytesIO(b"\x89PNG\r\n\x1a\n0000"), "s.png")},
                          content_type="multipart/form-data")
    assert "not an accepted type (PDF)" in text(refused)
    with app.test_request_context():
        plain = render_pdf(specimen.specimen(("uk", "en"), "draft"))
    page = text(client.post(path, data={"csrf_token": csrf_token(client, path), **form,
                                        "scan": (io.BytesIO(plain), "s.pdf")},
                            content_type="multipart/form-data", follow_redirects=True))
    assert "The signature is recorded" in page and "Digital signatures in the scan" not in page


def test_without_the_platform_key_an_agreed_pdf_waits_with_a_503_never_unsealed(
        app, world, monkeypatch, caplog):
    """Production without MEMORANDUM_SIGNING_KEY/CERT: the agreed text is not issued unsealed
    and the reader gets a 'try later' page, not a 500; the log names the settings."""
    memorandum = world.memorandum()
    agree(world, memorandum)
    client = signed_in(app, world.officer, world.officer_secret)
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    monkeypatch.setitem(app.config, "MEMORANDUM_SIGNING_KEY", None)
    monkeypatch.setitem(app.config, "MEMORANDUM_SIGNING_CERT", None)
    response = client.get(f"/memoranda/{memorandum.id}/pdf?languages=uk-kk-en")
    assert response.status_code == 503
    assert "Temporarily unavailable" in text(response)
    assert not response.data.startswith(b"%PDF")
    assert "MEMORANDUM_SIGNING_KEY" in caplog.text
