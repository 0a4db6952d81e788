"""A specimen memorandum: the shipped template filled in for two fictional institutions.

Used by the PDF tests, the PDF benchmark and ``render-memorandum --specimen``-style tools: it
needs neither a database nor a partnership. The parties are invented but shaped like real ones
(a Ukrainian municipal hospital, a Kazakh state rehabilitation centre), and their names carry the
letters a font must have: Ukrainian ї є ґ, Kazakh ә ғ қ ң ө ұ ү һ і.
"""

import dataclasses
import datetime
import hashlib

from . import workflow
from .content import signing_place, signs_in_clauses
from .models import MemorandumState
from .pdf import PrintedClause, PrintedMemorandum, PrintedParty
from .template import LANGUAGES, load_template, render

REFERENCE = "UA-KZ-2026-0001"
VERIFY_URL = "https://partnership.example.org/verify/Qm7tK2xWv9pLr4Nc"
DATE = datetime.date(2026, 5, 15)

UKRAINIAN = PrintedParty(
    country="UA",
    name={"uk": "Комунальне некомерційне підприємство «Подільський обласний центр хірургії "
                "та реабілітації» Хмельницької обласної ради",
          "kk": "Хмельницкий облыстық кеңесінің «Подолье облыстық хирургия және оңалту "
                "орталығы» коммуналдық коммерциялық емес кәсіпорны",
          "en": "Podillia Regional Centre for Surgery and Rehabilitation, a municipal "
                "non-profit enterprise of Khmelnytskyi Regional Council"},
    registry_code="01994178",
    city={"uk": "Хмельницький", "kk": "Хмельницкий", "en": "Khmelnytskyi"})

KAZAKH = PrintedParty(
    country="KZ",
    name={"uk": "Державне комунальне підприємство на праві господарського відання "
                "«Кокшетауський регіональний центр реабілітації дітей» Управління охорони "
                "здоров’я Акмолинської області",
          "kk": "Ақмола облысы денсаулық сақтау басқармасының шаруашылық жүргізу құқығындағы "
                "«Көкшетау өңірлік балаларды оңалту орталығы» мемлекеттік коммуналдық "
                "кәсіпорны",
          "en": "Kokshetau Regional Children’s Rehabilitation Centre, a state municipal "
                "enterprise of the Health Department of Akmola Region"},
    registry_code="070540015424",
    city={"uk": "Кокшетау", "kk": "Көкшетау", "en": "Kokshetau"})

PEOPLE = {
    "ua": {"signatory": {"uk": "Ігор Ґалаґан", "kk": "Игорь Галаган", "en": "Ihor Halahan"},
           "position": {"uk": "генеральний директор", "kk": "бас директор",
                        "en": "Director General"},
           "coordinator": {"uk": "Олена Кравчук, завідувачка відділу міжнародного "
                                 "співробітництва",
                           "kk": "Олена Кравчук, халықаралық ынтымақтастық бөлімінің "
                                 "меңгерушісі",
                           "en": "Olena Kravchuk, Head of International Cooperation"}},
    "kz": {"signatory": {"uk": "Зухра Абенова", "kk": "Зуһра Әбенова", "en": "Zukhra Abenova"},
           "position": {"uk": "директор", "kk": "директор", "en": "Director"},
           "coordinator": {"uk": "Даулет Сеїткалі, завідувач відділення реабілітації",
                           "kk": "Дәулет Сейітқали, оңалту бөлімшесінің меңгерушісі",
                           "en": "Daulet Seitkali, Head of the Rehabilitation Department"}},
}
TERMS = {
    "areas": {"uk": "фізична та реабілітаційна медицина, дитяча ортопедія, протезування",
              "kk": "физикалық және оңалту медицинасы, балалар ортопедиясы, протездеу",
              "en": "physical and rehabilitation medicine, paediatric orthopaedics, "
                    "prosthetics"},
    "forms": {"uk": "обмін фахівцями, стажування, телеконсультації, спільні конференції",
              "kk": "мамандар алмасу, тағылымдамалар, телеконсультациялар, бірлескен "
                    "конференциялар",
              "en": "exchange of specialists, internships, teleconsultations, "
                    "joint conferences"},
    "prevailing_language": {"uk": "англійською", "kk": "ағылшын", "en": "English"},
    "place": {"uk": "Астана", "kk": "Астана", "en": "Astana"},
    "date": {"uk": "15 травня 2026 року", "kk": "2026 жылғы 15 мамырда", "en": "15 May 2026"},
    "undated": {"uk": "«___» ____________ 20__ року", "kk": "20__ жылғы «___» ____________",
                "en": "____ ____________ 20__"},
}


def context(language: str, dated: bool) -> dict:
    """The template's variables in one language."""
    def side(party: PrintedParty, key: str) -> dict:
        people = PEOPLE[key]
        return {"name": party.name[language], "registry_code": party.registry_code,
                "city": party.city[language],
                **{field: values[language] for field, values in people.items()}}
    return {"ua": side(UKRAINIAN, "ua"), "kz": side(KAZAKH, "kz"), "term_years": 5,
            **{name: TERMS[name][language]
               for name in ("areas", "forms", "prevailing_language", "place")},
            "date": TERMS["date" if dated else "undated"][language]}


def specimen(languages=("uk", "kk", "en"), state: str = "draft") -> PrintedMemorandum:
    """The shipped template filled in for the fictional parties, in the given languages and
    state (agreed and signed specimens carry a hash, a verification address and a date)."""
    languages = tuple(languages)
    template = load_template()
    agreed = state in workflow.FROZEN
    contexts = {language: context(language, agreed) for language in LANGUAGES}
    clauses = [PrintedClause(
        number=number,
        title={language: clause.title[language] for language in LANGUAGES},
        body={language: render(clause.text[language], contexts[language])
              for language in LANGUAGES})
        for number, clause in enumerate(template.clauses, start=1)]
    title = {language: render(template.title[language], contexts[language]).unescape()
             for language in LANGUAGES}
    text_hash = hashlib.sha256("\n".join(
        str(clause.body[language]) for clause in clauses for language in LANGUAGES
    ).encode("utf-8")).hexdigest() if agreed else None
    named = not signs_in_clauses([{"text": clause.text} for clause in template.clauses])
    signed_on = DATE if state == MemorandumState.SIGNED else None
    parties = {key: dataclasses.replace(
        party, signatory=dict(PEOPLE[key]["signatory"]),
        position={lang: value[:1].upper() + value[1:]
                  for lang, value in PEOPLE[key]["position"].items()})
        for key, party in (("ua", UKRAINIAN), ("kz", KAZAKH))}
    return PrintedMemorandum(
        reference=REFERENCE, version=3, state=state, languages=languages, title=title,
        ukrainian_party=parties["ua"], kazakh_party=parties["kz"], clauses=clauses,
        text_hash=text_hash, verify_url=VERIFY_URL if agreed else None,
        date=DATE if agreed else None, named_signatures=named,
        signing_place={lang: signing_place(contexts[lang], lang, signed_on)
                       for lang in LANGUAGES})
