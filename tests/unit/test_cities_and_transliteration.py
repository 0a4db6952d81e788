"""The list of cities (every regional centre, names in every language) and the transliteration
that suggests names in the other languages."""

import pytest

from partnership.organisations import cities, transliteration
from partnership.organisations.taxonomy import regions

# The administrative centre of every region (Kyiv Oblast's is Kyiv itself, listed as the city
# of national significance), and the cities of national significance.
CENTRES = {
    "ua_vinnytsia": "Vinnytsia", "ua_volyn": "Lutsk", "ua_dnipropetrovsk": "Dnipro",
    "ua_donetsk": "Donetsk", "ua_zhytomyr": "Zhytomyr", "ua_zakarpattia": "Uzhhorod",
    "ua_zaporizhzhia": "Zaporizhzhia", "ua_ivano_frankivsk": "Ivano-Frankivsk",
    "ua_kirovohrad": "Kropyvnytskyi", "ua_luhansk": "Luhansk", "ua_lviv": "Lviv",
    "ua_mykolaiv": "Mykolaiv", "ua_odesa": "Odesa", "ua_poltava": "Poltava", "ua_rivne": "Rivne",
    "ua_sumy": "Sumy", "ua_ternopil": "Ternopil", "ua_kharkiv": "Kharkiv",
    "ua_kherson": "Kherson", "ua_khmelnytskyi": "Khmelnytskyi", "ua_cherkasy": "Cherkasy",
    "ua_chernivtsi": "Chernivtsi", "ua_chernihiv": "Chernihiv", "ua_kyiv_city": "Kyiv",
    "ua_sevastopol": "Sevastopol", "ua_crimea": "Simferopol",
    "kz_astana": "Astana", "kz_almaty_city": "Almaty", "kz_shymkent": "Shymkent",
    "kz_abai": "Semey", "kz_akmola": "Kokshetau", "kz_aktobe": "Aktobe",
    "kz_almaty_region": "Konaev", "kz_atyrau": "Atyrau", "kz_east_kazakhstan": "Oskemen",
    "kz_jambyl": "Taraz", "kz_jetisu": "Taldykorgan", "kz_karaganda": "Karaganda",
    "kz_kostanay": "Kostanay", "kz_kyzylorda": "Kyzylorda", "kz_mangystau": "Aktau",
    "kz_north_kazakhstan": "Petropavl", "kz_pavlodar": "Pavlodar", "kz_turkistan": "Turkistan",
    "kz_ulytau": "Zhezkazgan", "kz_west_kazakhstan": "Oral",
}


def test_every_regional_centre_and_city_of_national_significance_is_listed_in_its_region():
    listed = cities.cities()
    for region, name in CENTRES.items():
        found = [city for city in listed.values() if city.names["en"] == name]
        assert len(found) == 1, name
        assert found[0].region == region and found[0].centre, name
    assert set(CENTRES) | {"ua_kyiv_oblast"} == set(regions())


def test_every_city_has_its_name_in_uk_kk_en_ru_and_a_known_region_of_its_country():
    known = regions()
    for city in cities.cities().values():
        assert set(city.names) == {"uk", "kk", "en", "ru"}, city.code
        assert all(value.strip() == value and value for value in city.names.values())
        assert known[city.region].country == city.country, city.code
        for value in city.names.values():
            assert cities.without_prefix(value) == value, city.code
        assert city.names["en"].isascii(), city.code
    for region in known:
        assert cities.of_region(region), region


@pytest.mark.parametrize(("typed", "expected"), [
    ("Қарағанды", ("Караганда", "Қарағанды", "Karaganda")),
    ("г. Караганда", ("Караганда", "Қарағанды", "Karaganda")),
    ("karaganda", ("Караганда", "Қарағанды", "Karaganda")),
    ("м. м. Астана", ("Астана", "Астана", "Astana")),
    ("Алматы қ.", ("Алмати", "Алматы", "Almaty")),
    ("Алматы қаласы", ("Алмати", "Алматы", "Almaty")),
    ("місто Львів", ("Львів", "Львов", "Lviv")),
    ("Kyiv city", ("Київ", "Киев", "Kyiv")),
    ("Кам'янець-Подільський", ("Кам’янець-Подільський", "Каменец-Подольский",
                              "Kamianets-Podilskyi")),
])
def test_a_typed_city_is_found_in_any_language_with_or_without_its_prefix(typed, expected):
    assert tuple(cities.names(typed, "KZ").values()) == expected


def test_the_prefix_goes_whichever_side_it_is_written():
    for typed in ("м. Астана", "м.Астана", "м. м. Астана", "Астана қ.", "Астана қаласы",
                  "г. Астана", "  Астана "):
        assert cities.without_prefix(typed) == "Астана"
    for typed in ("city of Astana", "Astana city", "Astana, city"):
        assert cities.without_prefix(typed) == "Astana"
    assert cities.without_prefix("Ужгород") == "Ужгород"  # "город" ends the name here
    assert cities.without_prefix("Миколаїв") == "Миколаїв"
    assert cities.without_prefix("Мукачево") == "Мукачево"  # a name starting with "М"


@pytest.mark.parametrize(("ukrainian", "latin"), [
    # examples of the Cabinet of Ministers' Resolution No. 55 (2010)
    ("Алушта", "Alushta"), ("Згорани", "Zghorany"), ("Розгон", "Rozghon"),
    ("Єнакієве", "Yenakiieve"), ("Гайдамацьке", "Haidamatske"), ("Їжакевич", "Yizhakevych"),
    ("Кадиївка", "Kadyivka"), ("Йосипівка", "Yosypivka"), ("Стрий", "Stryi"),
    ("Олексій", "Oleksii"), ("Юрій", "Yurii"), ("Корюківка", "Koriukivka"),
    ("Яготин", "Yahotyn"), ("Костянтин", "Kostiantyn"), ("Знам'янка", "Znamianka"),
    ("Щербухи", "Shcherbukhy"), ("Гоща", "Hoshcha"), ("Харків", "Kharkiv"),
    ("Ґорґани", "Gorgany"), ("Миколаївська обласна лікарня", "Mykolaivska oblasna likarnia"),
])
def test_ukrainian_is_romanised_by_the_national_system(ukrainian, latin):
    assert transliteration.ukrainian_to_latin(ukrainian) == latin


@pytest.mark.parametrize(("kazakh", "latin"), [
    ("Қазақстан", "Qazaqstan"), ("Шымкент", "Şymkent"), ("Өскемен", "Öskemen"),
    ("Жезқазған", "Jezqazğan"), ("Шаңырақ", "Şañyraq"), ("Ұлттық", "Ūlttyq"),
    ("Түркістан", "Türkıstan"), ("Әйгерім", "Äigerım"),
])
def test_kazakh_is_written_in_the_2021_latin_alphabet(kazakh, latin):
    assert transliteration.kazakh_to_latin(kazakh) == latin


def test_suggestions_fill_only_the_blank_names_from_the_countrys_own_language():
    assert transliteration.suggested_names("KZ", {"kk": "«Шаңырақ» оңалту орталығы",
                                                  "en": "Shanyrak Centre"}) == {
        "uk": "«Шанирак» оналту орталиги"}
    assert transliteration.suggested_names("UA", {"uk": "Львівська лікарня"}) == {
        "kk": "Львивська ликарня", "en": "Lvivska likarnia"}
    assert transliteration.suggested_names("UA", {"uk": "", "kk": ""}) == {}
