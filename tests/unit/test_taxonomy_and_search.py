"""The taxonomy and region data files, and script-independent search keys."""

import pytest

from partnership.organisations.search import query_words, search_key, skeleton
from partnership.organisations.taxonomy import areas, groups, regions, regions_of, taxonomy

REQUIRED = """emergency_medicine trauma_surgery burns_care plastic_reconstructive_surgery
orthopaedics prosthetics_orthotics physical_rehabilitation paediatric_rehabilitation
neurorehabilitation mental_health child_psychology ptsd_trauma_therapy cardiology
cardiac_surgery oncology paediatric_oncology haematology neonatology obstetrics_gynaecology
paediatrics neurology neurosurgery ophthalmology infectious_diseases tuberculosis
nephrology_dialysis transplantation anaesthesiology_intensive_care radiology_imaging
laboratory_diagnostics dentistry_maxillofacial palliative_care nursing public_health
telemedicine medical_education clinical_research hospital_management
infection_prevention_control biomedical_engineering digital_health energy_resilience
infrastructure_reconstruction ambulance_transport medical_equipment_supplies""".split()  # noqa: SIM905


def test_taxonomy_has_every_required_area_with_labels_in_every_language():
    assert taxonomy()["version"]
    assert set(REQUIRED) <= set(areas())
    for area in areas().values():
        assert area.group in groups()
        for language in ("uk", "kk", "en"):
            assert area.labels[language].strip(), (area.code, language)
    for labels in groups().values():
        assert all(labels[language].strip() for language in ("uk", "kk", "en"))


def test_related_links_are_symmetric_and_known():
    for area in areas().values():
        assert area.code not in area.related
        for other in area.related:
            assert other in areas(), other
            assert area.code in areas()[other].related, (area.code, other)
    assert {"plastic_reconstructive_surgery", "physical_rehabilitation"} <= \
        areas()["burns_care"].related


def test_regions_of_both_countries():
    kz = {r.code for r in regions_of("KZ")}
    assert {"kz_abai", "kz_jetisu", "kz_ulytau", "kz_astana", "kz_almaty_city",
            "kz_shymkent"} <= kz
    assert len(kz) == 20  # 17 regions and 3 cities of republican significance
    ua = {r.code: r for r in regions_of("UA")}
    assert len(ua) == 27  # 24 oblasts, Kyiv, Crimea, Sevastopol
    assert ua["ua_crimea"].occupation == "occupied"
    assert ua["ua_sevastopol"].occupation == "occupied"
    assert ua["ua_kherson"].occupation == "partly"
    assert ua["ua_lviv"].occupation is None
    for region in regions().values():
        assert all(region.labels[language] for language in ("uk", "kk", "en"))


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("Mykolaiv", "Миколаїв"), ("Kharkiv", "Харків"), ("Odessa", "Одеса"), ("Lviv", "Львів"),
    ("Chernihiv", "Чернігів"), ("Zhytomyr", "Житомир"), ("Aktobe", "Ақтөбе"),
    ("Pavlodar", "Павлодар"), ("Shymkent", "Шымкент"), ("Kyiv", "Київ"), ("Oral", "Орал"),
])
def test_latin_and_cyrillic_meet(latin, cyrillic):
    assert skeleton(latin) == skeleton(cyrillic)


def test_query_words_match_word_starts_only():
    key = search_key("Харківська обласна лікарня", "Kharkiv Regional Hospital")
    for query in ("Kharkiv", "харків", "регіон", "obl", "Hospital"):
        assert all(f" {word}" in key for word in query_words(query)), query
    assert not all(f" {word}" in key for word in query_words("Kyiv"))
