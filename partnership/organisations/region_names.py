"""Regions by name: what people write in a register ("Kyiv City", "Zhambyl", "Жамбыл", "Київ").

The import accepts a region's code or any of its names: the labels in Ukrainian, Kazakh and
English, the Russian name, and the common spellings below. Names are compared by their search
skeleton (``search.skeleton``: one Latin spelling whatever the script), with the words
"oblast", "region", "city" and their translations left out where that is unambiguous ("Київ"
is the city, "Київська" the oblast). No match: the nearest name is suggested.
"""

import difflib
from functools import cache

from .search import skeleton
from .taxonomy import Region, regions

RUSSIAN = {
    "ua_vinnytsia": "Винницкая область", "ua_volyn": "Волынская область",
    "ua_dnipropetrovsk": "Днепропетровская область", "ua_donetsk": "Донецкая область",
    "ua_zhytomyr": "Житомирская область", "ua_zakarpattia": "Закарпатская область",
    "ua_zaporizhzhia": "Запорожская область",
    "ua_ivano_frankivsk": "Ивано-Франковская область", "ua_kyiv_oblast": "Киевская область",
    "ua_kirovohrad": "Кировоградская область", "ua_luhansk": "Луганская область",
    "ua_lviv": "Львовская область", "ua_mykolaiv": "Николаевская область",
    "ua_odesa": "Одесская область", "ua_poltava": "Полтавская область",
    "ua_rivne": "Ровенская область", "ua_sumy": "Сумская область",
    "ua_ternopil": "Тернопольская область", "ua_kharkiv": "Харьковская область",
    "ua_kherson": "Херсонская область", "ua_khmelnytskyi": "Хмельницкая область",
    "ua_cherkasy": "Черкасская область", "ua_chernivtsi": "Черновицкая область",
    "ua_chernihiv": "Черниговская область", "ua_kyiv_city": "город Киев",
    "ua_crimea": "Автономная Республика Крым", "ua_sevastopol": "город Севастополь",
    "kz_abai": "Абайская область", "kz_akmola": "Акмолинская область",
    "kz_aktobe": "Актюбинская область", "kz_almaty_region": "Алматинская область",
    "kz_atyrau": "Атырауская область", "kz_east_kazakhstan": "Восточно-Казахстанская область",
    "kz_jambyl": "Жамбылская область", "kz_jetisu": "Жетысуская область",
    "kz_karaganda": "Карагандинская область", "kz_kostanay": "Костанайская область",
    "kz_kyzylorda": "Кызылординская область", "kz_mangystau": "Мангистауская область",
    "kz_north_kazakhstan": "Северо-Казахстанская область", "kz_pavlodar": "Павлодарская область",
    "kz_turkistan": "Туркестанская область", "kz_ulytau": "Улытауская область",
    "kz_west_kazakhstan": "Западно-Казахстанская область", "kz_astana": "город Астана",
    "kz_almaty_city": "город Алматы", "kz_shymkent": "город Шымкент",
}

# Spellings met in real lists (old names, other romanisations, the city for the capital's name).
ALIASES = {
    "ua_kyiv_city": ["Kyiv", "Kiev", "Київ", "Киев", "Kyiv City", "Kiev City", "м. Київ",
                     "г. Киев"],
    "ua_kyiv_oblast": ["Kyivska", "Kiev Oblast", "Kiev region", "Київщина"],
    "ua_vinnytsia": ["Vinnitsa"], "ua_zhytomyr": ["Zhitomir"], "ua_rivne": ["Rovno"],
    "ua_zaporizhzhia": ["Zaporozhye", "Zaporizhia"], "ua_kharkiv": ["Kharkov"],
    "ua_odesa": ["Odessa"], "ua_mykolaiv": ["Nikolaev", "Mykolayiv"], "ua_lviv": ["Lvov"],
    "ua_dnipropetrovsk": ["Dnipro", "Dnepr", "Дніпро"],
    "ua_kirovohrad": ["Kirovograd", "Kropyvnytskyi"], "ua_chernivtsi": ["Chernovtsy"],
    "ua_chernihiv": ["Chernigov"], "ua_ternopil": ["Ternopol"],
    "ua_khmelnytskyi": ["Khmelnitsky", "Khmelnytskyy"], "ua_cherkasy": ["Cherkassy"],
    "ua_ivano_frankivsk": ["Ivano-Frankovsk"], "ua_crimea": ["Crimea", "Крим", "Крым"],
    "kz_jambyl": ["Zhambyl", "Jambyl", "Жамбыл", "Zhambyl Region", "Taraz"],
    "kz_jetisu": ["Zhetysu", "Jetysu", "Zhetisu"], "kz_akmola": ["Aqmola"],
    "kz_aktobe": ["Aqtobe", "Aktyubinsk"], "kz_kostanay": ["Kostanai", "Qostanay"],
    "kz_kyzylorda": ["Qyzylorda", "Kzyl-Orda"], "kz_mangystau": ["Mangistau", "Mangghystau"],
    "kz_turkistan": ["Turkestan"], "kz_karaganda": ["Karagandy", "Qaraghandy"],
    "kz_astana": ["Astana", "Nur-Sultan", "Астана"], "kz_almaty_city": ["Almaty", "Alma-Ata",
                                                                       "Алматы"],
    "kz_shymkent": ["Shymkent", "Shimkent", "Chimkent", "Шымкент"],
    "kz_east_kazakhstan": ["East Kazakhstan", "Shygys Kazakhstan"],
    "kz_west_kazakhstan": ["West Kazakhstan", "Batys Kazakhstan"],
    "kz_north_kazakhstan": ["North Kazakhstan", "Soltustik Kazakhstan"],
}

# Words that say what a region is, not which one.
GENERIC = frozenset(skeleton(
    "oblast oblasti obl region area city the of misto m область обл місто місто г город "
    "облысы облысының қаласы қ").split())


def _key(text: str) -> str:
    return " ".join(skeleton(text).split())


def _bare(text: str) -> str:
    return " ".join(w for w in skeleton(text).split() if w not in GENERIC)


@cache
def _index() -> tuple[dict[str, str], dict[str, str]]:
    """(exact keys, keys without generic words) -> region code."""
    exact: dict[str, str] = {}
    bare: dict[str, set[str]] = {}
    for code, region in regions().items():
        names = [code, code.split("_", 1)[1].replace("_", " "), *region.labels.values(),
                 RUSSIAN.get(code, "")]
        for name in filter(None, names):
            exact.setdefault(_key(name), code)
            bare.setdefault(_bare(name), set()).add(code)
    for code, names in ALIASES.items():
        for name in names:
            exact[_key(name)] = code  # an alias decides ("Київ" is the city)
    unique = {key: next(iter(codes)) for key, codes in bare.items()
              if key and len(codes) == 1}
    return exact, unique


def find_region(text: str) -> str | None:
    """The code of the region named (by code or name, in any language), or None."""
    value = (text or "").strip()
    if value.lower() in regions():
        return value.lower()
    exact, bare = _index()
    return exact.get(_key(value)) or bare.get(_bare(value))


def nearest_region(text: str, country: str | None = None) -> Region | None:
    """The region whose name is nearest to ``text`` (a typo's suggestion), if any is near."""
    exact, bare = _index()
    keys = {**{k: c for k, c in bare.items()}, **exact}
    if country:
        keys = {k: c for k, c in keys.items() if regions()[c].country == country}
    found = difflib.get_close_matches(_key(text), list(keys), n=1, cutoff=0.6) or \
        difflib.get_close_matches(_bare(text), list(keys), n=1, cutoff=0.6)
    return regions()[keys[found[0]]] if found else None
