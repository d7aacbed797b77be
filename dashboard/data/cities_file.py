"""cities.geojson as text: a feature for a gazetteer place, the collection one feature a line, and adding a city."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from dashboard.data.files import write_atomic
from dashboard.data.gazetteer import Place, normalise
from dashboard.vocab import ASEAN_ISO3


def city_slug(text: str) -> str:
    """A stable lowercase city id: 'Ho Chi Minh City' -> 'ho-chi-minh-city'."""
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", flat.casefold()).strip("-")


def feature_for(place: Place, *, city_id: str | None = None, name: str | None = None,
                ascn_pilot: bool = False) -> dict:
    """A GeoJSON Point feature for a gazetteer place, in the shipped schema."""
    region = "ASEAN" if place.iso3 in ASEAN_ISO3 else "US" if place.iso3 == "USA" else ""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
        "properties": {
            "city_id": city_id or city_slug(name or place.name),
            "name": name or place.name,
            "country": place.country,
            "iso3": place.iso3,
            "region": region,
            "ascn_pilot": bool(ascn_pilot),
            "admin1": place.admin1,
            "geonameid": place.geonameid,
            "gazetteer_name": place.name,
        },
    }


def cities_text(features: list[dict]) -> str:
    """One feature per line: short diffs when staff add a city, and readable line numbers."""
    lines = [json.dumps(f, ensure_ascii=False) for f in features]
    return '{"type": "FeatureCollection", "features": [\n' + ",\n".join(lines) + "\n]}\n"


def add_feature(path: Path, feature: dict) -> None:
    """Append ``feature`` to the collection at ``path`` (atomically); refuse a duplicate id or name."""
    doc = json.loads(path.read_text(encoding="utf-8-sig")) if path.exists() else {"type": "FeatureCollection", "features": []}
    new = feature["properties"]
    for f in doc["features"]:
        p = f.get("properties", {})
        if p.get("city_id") == new["city_id"]:
            raise ValueError(f"{path.name} already has city_id {new['city_id']!r}")
        if normalise(str(p.get("name", ""))) == normalise(new["name"]) and p.get("iso3") == new["iso3"]:
            raise ValueError(f"{path.name} already has {new['name']!r} ({new['iso3']}) as {p.get('city_id')!r}")
    doc["features"].append(feature)
    write_atomic(path, cities_text(doc["features"]))
