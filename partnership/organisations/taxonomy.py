"""The taxonomy of specialty areas and the list of regions, read from the package's data files."""

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Area:
    code: str
    group: str
    labels: dict[str, str]
    related: frozenset[str] = field(default_factory=frozenset)

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class Region:
    code: str
    country: str
    labels: dict[str, str]
    occupation: str | None

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]


def _load(name: str) -> dict:
    return json.loads(resources.files("partnership").joinpath(f"data/{name}").read_text("utf-8"))


@cache
def taxonomy() -> dict:
    """The raw taxonomy file (version, groups, areas)."""
    return _load("taxonomy.json")


@cache
def areas() -> dict[str, Area]:
    """Areas by code, in the file's order."""
    return {
        entry["code"]: Area(entry["code"], entry["group"], entry["labels"],
                            frozenset(entry.get("related", ())))
        for entry in taxonomy()["areas"] if not entry.get("retired")
    }


@cache
def groups() -> dict[str, dict[str, str]]:
    """Group labels by group code."""
    return {entry["code"]: entry["labels"] for entry in taxonomy()["groups"]}


def related_areas(code: str) -> frozenset[str]:
    """The areas linked to ``code`` (not including itself)."""
    area = areas().get(code)
    return area.related if area else frozenset()


@cache
def regions() -> dict[str, Region]:
    """Regions by code: Ukraine first, then Kazakhstan."""
    return {
        entry["code"]: Region(entry["code"], entry["country"], entry["labels"],
                              entry.get("occupation"))
        for entry in _load("regions.json")["regions"]
    }


def regions_of(country: str) -> list[Region]:
    """The regions of one country."""
    return [region for region in regions().values() if region.country == country]
