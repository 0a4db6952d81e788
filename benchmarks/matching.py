"""Matching engine speed and memory: 10,000 organisations, 100,000 offers and needs.

Run: .venv/bin/python benchmarks/matching.py [--organisations 10000]
Prints: the engine for everyone (time, peak RSS), recomputation for one organisation, and the
engine against a naive all-pairs scorer on a 1,000-organisation sample (and their agreement).
"""

import argparse
import random
import resource
import time

from partnership.matching import rules
from partnership.matching.engine import Entry, Party, Settings, propose
from partnership.matching.text import forget_stems, similarity, stems
from partnership.organisations.taxonomy import areas

RELATED = {code: area.related for code, area in areas().items()}
KINDS = ["hospital", "childrens_hospital", "rehabilitation_centre", "clinic", "university"]
WORDS = ["training", "surgeons", "rehabilitation", "children", "equipment", "навчання",
         "реабілітація", "дітей", "обладнання", "оңалту", "балалар", "курс", "exchange",
         "research", "дослідження", "teleconsultation", "нейрохірургія", "prosthetics"]


def world(organisations: int, items_each: int = 10, seed: int = 42):
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    codes = sorted(areas())
    parties, entries = {}, []
    for pid in range(1, organisations + 1):
        country = "UA" if pid % 2 else "KZ"
        languages = frozenset({"uk", "en"} if country == "UA" else {"kk", "ru", "en"})
        parties[pid] = Party(pid, country, rng.choice(KINDS), languages, rng.random() < 0.8)
        for n in range(items_each):
            direction = "need" if n % 2 else "offer"
            entries.append(Entry(
                len(entries) + 1, pid, direction, rng.choice(codes), rng.choice(rules.FORMS),
                rng.choice(["technological", "professional", "scientific", "administrative"]),
                " ".join(rng.choice(WORDS) for _ in range(8)), rng.randrange(1, 40),
                rng.choice(["low", "medium", "high", "critical"]) if direction == "need"
                else None, languages))
    return parties, entries


def naive(parties, entries, settings: Settings):
    """The same score for every (need, offer of the other country) pair, one pair at a time,
    in plain Python, with no index: what the engine replaces."""
    offers = [e for e in entries if e.direction == "offer"]
    reach, need_areas = {}, {}   # per organisation: areas its offers reach; areas it needs
    for e in entries:
        if e.direction == "offer":
            reach.setdefault(e.party, set()).update({e.area}, RELATED[e.area])
        else:
            need_areas.setdefault(e.party, set()).add(e.area)
    w = rules.WEIGHTS
    best = {}
    for need in (e for e in entries if e.direction == "need"):
        p_need = parties[need.party]
        scored = []
        for offer in offers:
            p_offer = parties[offer.party]
            if p_offer.country == p_need.country:
                continue
            area = (1.0 if offer.area == need.area else
                    rules.AREA_RELATED if offer.area in RELATED[need.area] else 0.0)
            form = (1.0 if offer.form == need.form else rules.FORM_COMPATIBLE
                    if offer.form in rules.COMPATIBLE_FORMS[need.form] else 0.0)
            language = 1.0 if need.languages & offer.languages else (
                0.5 if p_need.languages & p_offer.languages else 0.0)
            capacity = min(1.0, offer.quantity / need.quantity)
            text = similarity(stems(need.description), stems(offer.description))
            kind = 1.0 if need.area in rules.KIND_AFFINITY.get(p_offer.kind, ()) else 0.5
            reciprocity = 1.0 if reach.get(need.party, set()) & need_areas.get(
                offer.party, set()) else 0.0
            score = (w["area"] * area + w["form"] * form + w["language"] * language
                     + w["dimension"] * (1.0 if need.dimension == offer.dimension else 0.3)
                     + w["capacity"] * capacity + w["urgency"] * rules.URGENCY[need.urgency]
                     + w["text"] * text + w["kind"] * kind + w["reciprocity"] * reciprocity)
            if area and form:
                scored.append((round(score, 4), offer.id))
        if scored:
            best[need.id] = max(scored, key=lambda s: (s[0], -s[1]))[1]
    return best


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=1_000)
    args = parser.parse_args()
    settings = Settings()

    parties, entries = world(args.organisations)
    print(f"world: {len(parties)} organisations, {len(entries)} offers and needs; "
          f"RSS after building it {peak_rss_mb():.0f} MB")
    start = time.perf_counter()
    results = propose(parties, entries, RELATED, settings)
    elapsed = time.perf_counter() - start
    print(f"engine, proposals for everyone: {elapsed:.2f} s, {len(results)} proposals, "
          f"peak RSS {peak_rss_mb():.0f} MB")

    one = 4242
    start = time.perf_counter()
    mine = propose(parties, entries, RELATED, settings, involving={one})
    print(f"engine, recomputation for one organisation (its needs, and every need its offers "
          f"meet): {(time.perf_counter() - start) * 1000:.0f} ms, {len(mine)} proposals")

    sample_parties, sample_entries = world(args.sample, seed=7)
    forget_stems()
    start = time.perf_counter()
    indexed = propose(sample_parties, sample_entries, RELATED,
                      Settings(min_score=0.0, per_need=1))
    indexed_time = time.perf_counter() - start
    forget_stems()
    start = time.perf_counter()
    reference = naive(sample_parties, sample_entries, settings)
    naive_time = time.perf_counter() - start
    top = {c.need_id: c.offer_id for c in indexed}
    agree = sum(top.get(need) == offer for need, offer in reference.items())
    print(f"{args.sample} organisations: engine {indexed_time:.2f} s, naive all-pairs "
          f"{naive_time:.2f} s, ratio {naive_time / indexed_time:.0f}x; both pick the same best "
          f"offer for {agree / len(reference):.0%} of needs")


if __name__ == "__main__":
    main()
