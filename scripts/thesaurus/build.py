"""Build partnership/data/thesaurus.json from the hand-written batches in this folder.

Run: .venv/bin/python scripts/thesaurus/build.py   (the JSON is committed; this keeps it reviewable)
Each batch file starts with a comment naming its source; a line is
``id | en forms | uk forms | kk forms | ru forms`` with forms split by ``;``. ``areas.txt`` adds the
Russian and short forms of the taxonomy's areas, whose en/uk/kk labels come from taxonomy.json.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
ORDER = ("en", "uk", "kk", "ru")


def read(path: Path):
    source, rows = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            source.append(line.lstrip("# ").strip())
        elif line.strip():
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 5:
                raise SystemExit(f"{path.name}: not five columns: {line}")
            forms = {lang: [f.strip() for f in col.split(";") if f.strip()]
                     for lang, col in zip(ORDER, parts[1:], strict=True)}
            rows.append((parts[0], forms))
    return " ".join(source), rows


def unique(forms):
    seen, result = set(), []
    for form in forms:
        if form.lower() not in seen:
            seen.add(form.lower())
            result.append(form)
    return result


def main():
    taxonomy = json.loads((ROOT / "partnership/data/taxonomy.json").read_text(encoding="utf-8"))
    labels = {area["code"]: area["labels"] for area in taxonomy["areas"]}
    sources, concepts = {}, []
    source, rows = read(HERE / "areas.txt")
    sources["taxonomy"] = ("partnership/data/taxonomy.json (en, uk, kk labels); " + source)
    if {code for code, _ in rows} != set(labels):
        raise SystemExit("areas.txt must list exactly the taxonomy's areas")
    for code, forms in rows:
        merged = {lang: unique(([labels[code][lang]] if lang in labels[code] else []) + forms[lang])
                  for lang in ORDER}
        concepts.append({"id": code, "kind": "area", "source": "taxonomy", "forms": merged})
    for path in sorted(HERE.glob("terms*.txt")):
        source, rows = read(path)
        sources[path.stem] = source
        for code, forms in rows:
            concepts.append({"id": code, "kind": "term", "source": path.stem,
                             "forms": {lang: unique(forms[lang]) for lang in ORDER}})
    document = {
        "version": "2026.1",
        "description": "Cross-language medical thesaurus: each concept's forms in en, uk, kk "
                       "and ru. Built by scripts/thesaurus/build.py; matched by lemma "
                       "(partnership/lexicon).",
        "sources": sources,
        "concepts": concepts,
    }
    out = ROOT / "partnership/data/thesaurus.json"
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(concepts)} concepts -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
