"""A memorandum version as a printed document: the data the PDF renderer takes, a clear file
name, and a cache of rendered files keyed by what the bytes depend on."""

import hashlib
import logging
import re
from contextlib import suppress

from flask_babel import force_locale
from sqlalchemy import select

from ..core import unit_of_work
from ..core.access import NotVisible
from ..core.audit import record
from ..core.links import external_url
from ..core.services import ServiceError
from ..core.storage import StorageUnavailable, storage
from ..extensions import db
from ..partnerships import services as partnerships
from . import content, lockstep
from .labels import LANGUAGE_SETS
from .models import Memorandum, MemorandumState, MemorandumTemplate, MemorandumVersion

log = logging.getLogger(__name__)

# The states whose PDFs carry the platform's seal (the same as pdf.SEALED_STATES).
SEALED_STATES = (MemorandumState.AGREED, MemorandumState.SIGNED)

CACHE_AREA = "memoranda-pdf"  # rendered PDFs in the shared storage (core/storage.py)
LANGUAGES_RE = re.compile(r"^(uk|kk|en)(?:[-,|](uk|kk|en)){1,2}$")


def parse_languages(value: str | None) -> tuple[str, ...]:
    """"uk-kk-en", "uk,kk" or "kk|en" -> a tuple of two or three distinct languages."""
    value = (value or "uk-kk-en").strip().lower()
    if not LANGUAGES_RE.match(value):
        raise ServiceError(_message_languages())
    languages = tuple(re.split(r"[-,|]", value))
    if len(set(languages)) != len(languages):
        raise ServiceError(_message_languages())
    return languages


def _message_languages() -> str:
    from flask_babel import gettext as _

    return _("Choose two or three different languages: %(choices)s.",
             choices=", ".join(LANGUAGE_SETS))


def printed(memorandum: Memorandum, version: MemorandumVersion, languages: tuple[str, ...]):
    """The PDF renderer's input for one version in the chosen languages."""
    from .pdf import PrintedClause, PrintedMemorandum, PrintedParty

    partnership = memorandum.partnership
    values = version.variables["values"]

    def party(country: str, organisation, side: str) -> PrintedParty:
        # Names and registry codes as stored in the version (what was agreed and hashed),
        # not the organisation's current ones: the same version always prints the same.
        stored = values[languages[0]][side]
        return PrintedParty(country=country,
                            name={lang: values[lang][side]["name"] for lang in languages},
                            registry_code=stored.get("registry_code", organisation.registry_code),
                            city={lang: values[lang][side]["city"] for lang in languages},
                            signatory={lang: values[lang][side].get("signatory", "")
                                       for lang in languages},
                            position={lang: _capitalised(values[lang][side].get("position", ""))
                                      for lang in languages})

    state = printed_state(memorandum, version)
    agreed = memorandum.agreed_number == version.number
    # Languages out of step are marked in a draft's columns (an agreed version has none).
    lagging = {} if agreed else lockstep.by_key(version)
    clauses = []
    for number, clause in enumerate(version.clauses, 1):
        rendered = {lang: content.rendered_clause(clause, values[lang], lang)
                    for lang in languages}
        behind = lagging.get(clause["key"])
        clauses.append(PrintedClause(
            number=number, title={lang: rendered[lang][0].unescape() for lang in languages},
            body={lang: rendered[lang][1] for lang in languages},
            needs_update={lang: behind.revised for lang in behind.languages
                          if lang in languages} if behind else {}))
    particulars_behind: dict[str, list[str]] = {}
    if not agreed:
        from .services import particular_label

        for item in lockstep.by_key(version, lockstep.PARTICULAR).values():
            for lang in item.languages:
                if lang in languages:
                    with force_locale(lang):
                        particulars_behind.setdefault(lang, []).append(
                            particular_label(item.key))
    signed_on = memorandum.signed_on if state == MemorandumState.SIGNED else None
    return PrintedMemorandum(
        reference=partnership.reference, version=version.number, state=state,
        languages=languages,
        title={lang: content.rendered_title(version, lang).unescape() for lang in languages},
        ukrainian_party=party("UA", partnership.ukrainian_organisation, "ua"),
        kazakh_party=party("KZ", partnership.kazakh_organisation, "kz"),
        clauses=clauses,
        text_hash=memorandum.text_hash if agreed else None,
        verify_url=verify_url(memorandum) if agreed else None,
        date=(memorandum.signed_on if state == MemorandumState.SIGNED
              else memorandum.agreed_at.date() if agreed else None),
        particulars_need_update=particulars_behind,
        named_signatures=not content.signs_in_clauses(version.clauses),
        signing_place={lang: content.signing_place(values[lang], lang, signed_on)
                       for lang in languages})


def _capitalised(position: str) -> str:
    """"ректор" -> "Ректор": a position heads its line in the signature block."""
    return position[:1].upper() + position[1:]


def verify_url(memorandum: Memorandum) -> str:
    """The absolute address of the memorandum's verification page (printed with the QR code)."""
    return external_url("memoranda.verify", code=memorandum.verification_code)


def printed_state(memorandum: Memorandum, version: MemorandumVersion) -> str:
    """The state a version prints with: the agreed version carries the memorandum's state
    (agreed, signed, superseded ...); any other version is a draft."""
    if memorandum.agreed_number == version.number:
        return str(memorandum.state)
    if memorandum.state in (MemorandumState.DRAFT, MemorandumState.IN_REVIEW):
        return str(memorandum.state)
    return str(MemorandumState.DRAFT)


def file_name(memorandum: Memorandum, version: MemorandumVersion,
              languages: tuple[str, ...]) -> str:
    """memorandum-UA-KZ-2026-0001-v3-uk-kk-en.pdf"""
    return (f"memorandum-{memorandum.partnership.reference}-v{version.number}-"
            f"{'-'.join(languages)}.pdf")


def _cache_key(memorandum: Memorandum, version: MemorandumVersion,
               languages: tuple[str, ...]) -> str:
    """The cache key of a version's PDF in the shared storage. The bytes depend on the
    version, the template version, the languages, the state (a draft has a watermark; an agreed
    one the hash and QR code; a signed one its date) and, for the agreed version, the base URL
    of the verification link it prints."""
    template_number = db.session.scalar(select(MemorandumTemplate.number).where(
        MemorandumTemplate.id == version.template_id))
    state = printed_state(memorandum, version)
    link = ""
    if memorandum.agreed_number == version.number and memorandum.verification_code:
        link = "-" + hashlib.sha256(verify_url(memorandum).encode()).hexdigest()[:16]
    if state in SEALED_STATES and link:
        from .seal import fingerprint

        link += "-s" + fingerprint()  # another seal certificate, another file
    name = f"v{version.id}-t{template_number}-{state}{link}-{'-'.join(languages)}.pdf"
    return name


def pdf_bytes(actor, memorandum: Memorandum, version: MemorandumVersion,
              languages: tuple[str, ...]) -> tuple[bytes, bool]:
    """The PDF of a version (from the cache when it is there) and whether it was cached."""
    if not partnerships.can_view(actor, memorandum.partnership):
        raise NotVisible()
    key = _cache_key(memorandum, version, languages)
    cache_answers = True
    try:
        return storage().get(CACHE_AREA, key), True
    except FileNotFoundError:
        pass
    except StorageUnavailable as error:  # the cache is a saving, not a need: render it here
        log.warning("PDF cache unavailable (%s): rendering memorandum %s", error, memorandum.id)
        cache_answers = False
    data = render(memorandum, version, languages)
    state = printed_state(memorandum, version)
    if state in SEALED_STATES and memorandum.agreed_number == version.number:
        from .issued import remember

        remember(memorandum, version.number, languages, state, data)  # for /verify uploads
    # Kept at once (this is a GET), where every app host finds it.
    if cache_answers:
        with suppress(StorageUnavailable):
            storage().put(CACHE_AREA, key, data, "application/pdf", with_unit=False)
    unit_of_work.keep_read(record("memorandum.rendered", actor=actor, obj=memorandum,
                                  version=version.number, languages="-".join(languages)))
    return data, False


def render(memorandum: Memorandum, version: MemorandumVersion,
           languages: tuple[str, ...]) -> bytes:
    """Render without the cache (the command line and the benchmark use it too)."""
    from .pdf import render_pdf

    return render_pdf(printed(memorandum, version, languages))


def by_code(code: str) -> Memorandum:
    """The agreed (or signed, superseded, terminated after agreement) memorandum with this
    public verification code, or NotVisible."""
    if not code or len(code) > 40:
        raise NotVisible()
    found = db.session.scalar(select(Memorandum).where(Memorandum.verification_code == code))
    if found is None:
        raise NotVisible()
    return found
