"""Validation of cities.geojson: each feature a named, coded Point inside its country, every problem located."""

from __future__ import annotations

import json
import math
import re

from dashboard.data import _locate
from dashboard.data.checks import SLUG, country_choices, normalise_keep_spaces, suggest
from dashboard.data.gazetteer import distance_km, load_countries, normalise, positions
from dashboard.data.issues import DataIssue
from dashboard.vocab import CITY_PROPERTIES, FORMULA_PREFIXES, REGIONS

#: a point further than this from its geonameid's gazetteer position is an error
MAX_GAZETTEER_KM = 25.0


def check_cities(text: str, label: str, issues: list[DataIssue]) -> list[dict]:
    pending: list[tuple[tuple, str, object, str, str]] = []  # (json path, message, value, hint, severity)

    def err(path: tuple, message: str, value: object = None, hint: str = "", severity: str = "error") -> None:
        pending.append((path, message, value, hint, severity))

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        issues.append(DataIssue(label, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}", hint="check for a missing comma, quote or bracket just before this point"))
        return []
    except (ValueError, RecursionError) as exc:  # e.g. a number thousands of digits long
        issues.append(DataIssue(label, 1, 1, f"not valid JSON: {exc}"))
        return []
    records: list[dict] = []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        err(("type",), "not a GeoJSON FeatureCollection", got, 'the file must be {"type": "FeatureCollection", "features": [...]}')
    elif not isinstance(doc.get("features"), list):
        err(("features",), "'features' must be a list of Point features", type(doc.get("features")).__name__)
    else:
        countries = load_countries()
        seen: dict[str, int] = {}
        checked = [(i, _check_city(i, feat, countries, seen, err)) for i, feat in enumerate(doc["features"])]
        far = _check_gazetteer([(i, r) for i, r in checked if r is not None], err)
        records = [r for i, r in checked if r is not None and i not in far]
    for path, message, value, hint, severity in pending:
        line, col = _locate.locate(text, path)
        if len(path) >= 2 and path[0] == "features" and isinstance(path[1], int):
            message = f"{feature_label(doc['features'], path[1])}: {message}"
        issues.append(DataIssue(label, line, col, message, value, hint, severity))
    return records


def feature_label(features: list, i: int) -> str:
    """How an error names a feature: "city 'phuket' (feature 3)", or "feature 3" when it has no usable city_id."""
    feat = features[i]
    props = feat.get("properties") if isinstance(feat, dict) else None
    cid = props.get("city_id") if isinstance(props, dict) else None
    if isinstance(cid, str) and cid.strip():
        return f"city {cid[:60]!r} (feature {i + 1})"
    return f"feature {i + 1}"


def _check_gazetteer(located: list[tuple[int, dict]], err) -> set[int]:
    """Features whose point is more than `MAX_GAZETTEER_KM` from their geonameid's gazetteer position (errors),
    and a warning for a geonameid the offline gazetteer does not hold."""
    with_id = [(i, r) for i, r in located if r.get("geonameid") is not None]
    if not with_id:
        return set()
    known = positions(r["geonameid"] for _, r in with_id)
    far = set()
    for i, r in with_id:
        gid = r["geonameid"]
        base = ("features", i)
        if gid not in known:
            err(base + ("properties", "geonameid"), "geonameid is not in the offline gazetteer, so the point was not checked",
                gid, "look the city up with `python -m dashboard geocode` for its id", "warning")
            continue
        gname, glat, glon = known[gid]
        km = distance_km(r["lon"], r["lat"], glon, glat)
        if km > MAX_GAZETTEER_KM:
            err(base + ("geometry", "coordinates"),
                f"{r['name']} is {km:,.0f} km from where the gazetteer puts its geonameid {gid} ({gname})",
                [r["lon"], r["lat"]],
                f"the gazetteer has [{glon}, {glat}] (longitude, latitude); use that point, or correct the geonameid")
            far.add(i)
    return far


def _check_city(i: int, feat: object, countries: dict, seen: dict[str, int], err) -> dict | None:
    base = ("features", i)
    if not isinstance(feat, dict) or feat.get("type") != "Feature":
        err(base, "not a GeoJSON Feature", feat.get("type") if isinstance(feat, dict) else feat,
            '{"type": "Feature", "geometry": {...}, "properties": {...}}')
        return None
    ok = True
    props = feat.get("properties")
    if not isinstance(props, dict):
        err(base + ("properties",), "feature has no properties object", props)
        return None
    where = lambda key: base + ("properties", key)  # noqa: E731
    for key in CITY_PROPERTIES:
        if key not in props and key != "admin1":
            err(base + ("properties",), f"missing property {key!r}", None, f"every city needs {', '.join(CITY_PROPERTIES[:-1])}")
            ok = False
    city_id = props.get("city_id")
    if "city_id" in props:
        if not isinstance(city_id, str) or not SLUG.match(city_id):
            slug = re.sub(r"[^a-z0-9]+", "-", normalise_keep_spaces(str(city_id))).strip("-")
            err(where("city_id"), "city_id must be a lowercase slug", city_id, f"e.g. {slug!r}")
            ok = False
        elif city_id in seen:
            err(where("city_id"), "duplicate city_id", city_id, f"feature {seen[city_id] + 1} already uses it; ids must be unique")
            ok = False
        else:
            seen[city_id] = i
    name = props.get("name")
    if "name" in props and (not isinstance(name, str) or not name.strip()):
        err(where("name"), "name must be non-empty text", name)
        ok = False
    iso3 = props.get("iso3")
    if "iso3" in props and (not isinstance(iso3, str) or iso3 not in countries):
        err(where("iso3"), "unknown ISO3 country code", iso3,
            suggest(str(iso3), country_choices(countries, iso3)) if isinstance(iso3, str) else "write a code like 'THA'")
        ok = False
        iso3 = None
    country = props.get("country")
    if iso3 and "country" in props:
        names = [countries[iso3]["name"], *countries[iso3]["aliases"]]
        if not isinstance(country, str) or normalise(country) not in {normalise(n) for n in names}:
            err(where("country"), f"country does not match iso3 {iso3!r}", country, f"write {countries[iso3]['name']!r}")
            ok = False
    region = props.get("region")
    if "region" in props:
        expected = "ASEAN" if iso3 and countries[iso3]["asean"] else ("US" if iso3 == "USA" else None)
        if region not in REGIONS:
            err(where("region"), "unknown region", region, suggest(str(region), REGIONS))
            ok = False
        elif iso3 and expected is None:
            err(where("iso3"), "only ASEAN members and the United States belong on this map", iso3)
            ok = False
        elif iso3 and region != expected:
            err(where("region"), f"region does not match iso3 {iso3!r}", region, f"{iso3} is in region {expected!r}")
            ok = False
    gid = props.get("geonameid")
    if gid is not None and (not isinstance(gid, int) or isinstance(gid, bool) or gid <= 0):
        err(where("geonameid"), "geonameid must be a GeoNames id (a whole number, no quotes)", gid,
            "omit it, or take it from `python -m dashboard geocode`")
        ok = False
    pilot = props.get("ascn_pilot")
    if "ascn_pilot" in props and not isinstance(pilot, bool):
        err(where("ascn_pilot"), "ascn_pilot must be true or false", pilot, "write true or false, without quotes")
        ok = False
    if pilot is True and region == "US":
        err(where("ascn_pilot"), "a U.S. city cannot be an ASEAN Smart Cities Network pilot", pilot)
        ok = False
    admin1 = props.get("admin1", "")
    if admin1 is None:
        admin1 = ""
    if not isinstance(admin1, str):
        err(where("admin1"), "admin1 must be text (it may be empty)", admin1)
        ok = False
    for key in ("name", "admin1"):
        val = props.get(key)
        if isinstance(val, str) and val.startswith(FORMULA_PREFIXES):
            err(where(key), f"{key}: text starts with {val[0]!r}", val,
                "allowed, but a spreadsheet would run it as a formula; exports neutralise it", "warning")
    lon_lat = _check_point(feat.get("geometry"), base, iso3, countries, err)
    if lon_lat is None or not ok:
        return None
    rec = {k: v for k, v in props.items() if k not in ("lon", "lat", "geometry")}
    rec.update(admin1=admin1, lon=lon_lat[0], lat=lon_lat[1])
    return rec


def _in_box(lat: float, lon: float, box: list[float]) -> bool:
    s, w, n, e = box
    return s <= lat <= n and w <= lon <= e


def _check_point(geom: object, base: tuple, iso3: str | None, countries: dict, err) -> tuple[float, float] | None:
    gpath = base + ("geometry",)
    if not isinstance(geom, dict) or geom.get("type") != "Point":
        got = geom.get("type") if isinstance(geom, dict) else geom
        err(gpath, "geometry must be a Point", got, 'each city is one point: {"type": "Point", "coordinates": [lon, lat]}')
        return None
    coords = geom.get("coordinates")
    cpath = gpath + ("coordinates",)
    if (not isinstance(coords, list) or len(coords) not in (2, 3)
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) and abs(c) < 1e6 and math.isfinite(c)
                       for c in coords)):
        err(cpath, "coordinates must be [longitude, latitude] numbers", coords, "e.g. [98.3981, 7.89059]")
        return None
    lon, lat = float(coords[0]), float(coords[1])
    box = countries.get(iso3, {}).get("bbox") if iso3 else None
    swapped_fits = box is not None and _in_box(lon, lat, box)
    swap_hint = "it looks like [latitude, longitude]; GeoJSON wants [longitude, latitude]"
    if not -90 <= lat <= 90:
        err(cpath, "latitude out of range -90..90", lat, swap_hint if swapped_fits else "coordinates are [longitude, latitude]")
        return None
    if not -180 <= lon <= 180:
        err(cpath, "longitude out of range -180..180", lon, swap_hint if swapped_fits else "coordinates are [longitude, latitude]")
        return None
    if box is not None and not _in_box(lat, lon, box):
        if swapped_fits:
            err(cpath, "latitude and longitude are swapped", coords, swap_hint)
        else:
            err(cpath, f"point is outside {countries[iso3]['name']} ({iso3})", coords,
                f"{iso3} spans latitude {box[0]}..{box[2]}, longitude {box[1]}..{box[3]}; geocode the city with `python -m dashboard geocode`")
        return None
    return lon, lat



def loose_city_ids(text: str | None, valid: dict[str, dict]) -> dict[str, dict]:
    """Every city id the file names, even on features that failed, so project rows aren't blamed for them."""
    out = dict(valid)
    try:
        doc = json.loads(text or "")
        for f in doc.get("features", []):
            p = f.get("properties") or {}
            cid, region = p.get("city_id"), p.get("region")
            if isinstance(cid, str) and cid not in out:
                out[cid] = {"city_id": cid, "region": region if region in REGIONS else "ASEAN", "iso3": p.get("iso3"), "name": p.get("name") or cid}
    except (ValueError, AttributeError, TypeError):
        pass
    return out


