"""The hand-written demo set is realistic enough to show the platform: checked, not trusted."""

from collections import Counter

from partnership.organisations import registry
from partnership.organisations.demo import hand_written
from partnership.organisations.models import Dimension, Form, Kind, Urgency
from partnership.organisations.taxonomy import areas, regions

UA_CITIES = {"Миколаїв", "Чернігів", "Київ", "Харків", "Львів", "Одеса"}
KZ_CITIES = {"Астана", "Алматы", "Ақтау", "Ақтөбе", "Атырау", "Қарағанды", "Павлодар", "Орал",
             "Өскемен"}


def test_demo_organisations():
    organisations = hand_written()
    by_country = Counter(o["country"] for o in organisations)
    assert by_country["UA"] >= 30 and by_country["KZ"] >= 30
    helpers = [o for o in organisations if o["kind"] in ("business", "charity")]
    assert len(helpers) >= 3 and all(o["country"] == "KZ" for o in helpers)
    cities = {o["city"] for o in organisations}
    assert cities >= UA_CITIES and cities >= KZ_CITIES
    codes = [o["registry_code"] for o in organisations]
    assert len(set(codes)) == len(codes)
    for o in organisations:
        assert registry.is_valid(o["country"], o["registry_code"]), o["key"]
        assert regions()[o["region"]].country == o["country"], o["key"]
        assert o["name_uk"] and o["name_kk"] and o["name_en"], o["key"]
        Kind(o["kind"])
        assert o["items"], o["key"]
        for item in o["items"]:
            assert item["area"] in areas()
            Dimension(item["dimension"])
            Form(item["form"])
            if item["direction"] == "need":
                Urgency(item["urgency"])
            else:
                assert not item.get("urgency")
