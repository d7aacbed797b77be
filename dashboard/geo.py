"""The map's geometry, computed as plotly.js draws it: the Pacific-centred natural-earth projection fitted to a
longitude/latitude box in a plot area, so that labels can be laid out in pixels on the server (no Dash here)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: plotly.js pads the range box by this many degrees before fitting it (plots/geo/constants.js clipPad)
CLIP_PAD = 1e-3


def natural_earth(lam: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d3's naturalEarth1 raw projection (radians in, projection units out; y grows north)."""
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


def natural_earth_inverse(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d3's naturalEarth1 inverse (Newton's method on the latitude), radians out."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    phi = y.copy()
    for _ in range(25):
        phi2 = phi * phi
        phi4 = phi2 * phi2
        delta = ((phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))) - y)
                 / (1.007226 + phi2 * (0.015085 * 3 + phi4 * (-0.044475 * 7 + 0.028874 * 9 * phi2
                                                              - 0.005916 * 11 * phi4))))
        phi = phi - delta
        if np.all(np.abs(delta) < 1e-9):
            break
    phi2 = phi * phi
    lam = x / (0.8707 + phi2 * (-0.131979 + phi2 * (-0.013791 + phi2 * phi2 * phi2 * (0.003971 - 0.001529 * phi2))))
    return lam, phi


def _rotated(lon: np.ndarray, lat: np.ndarray, rotation_lon: float) -> tuple[np.ndarray, np.ndarray]:
    """Radians after plotly's rotation (d3 rotate([-rotation_lon, 0])), longitudes wrapped to [-pi, pi]."""
    lam = np.radians(np.asarray(lon, float) - rotation_lon)
    lam = (lam + np.pi) % (2 * np.pi) - np.pi
    return lam, np.radians(np.asarray(lat, float))


def _great_circle(a: tuple[float, float], b: tuple[float, float], n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points along the great circle from ``a`` to ``b`` (lon, lat in degrees): d3 draws polygon edges so."""
    def xyz(lon, lat):
        lo, la = np.radians(lon), np.radians(lat)
        return np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])

    p, q = xyz(*a), xyz(*b)
    omega = np.arccos(np.clip(p @ q, -1, 1))
    t = np.linspace(0, 1, n)[:, None]
    pts = p * t[::-1] + q * t if omega < 1e-9 else (np.sin((1 - t) * omega) * p + np.sin(t * omega) * q) / np.sin(omega)
    return np.degrees(np.arctan2(pts[:, 1], pts[:, 0])), np.degrees(np.arcsin(np.clip(pts[:, 2], -1, 1)))


def range_box(lon_range: tuple[float, float], lat_range: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The outline plotly fits to the plot area (plots/geo/geo.js makeRangeBox), edges as great circles."""
    lon0, lon1 = lon_range[0] + CLIP_PAD, lon_range[1] - CLIP_PAD
    lat0, lat1 = lat_range[0] + CLIP_PAD, lat_range[1] - CLIP_PAD
    q = (lon1 - lon0) / 4
    ring = [(lon0, lat0), (lon0, lat1), (lon0 + q, lat1), (lon0 + 2 * q, lat1), (lon0 + 3 * q, lat1), (lon1, lat1),
            (lon1, lat0), (lon1 - q, lat0), (lon1 - 2 * q, lat0), (lon1 - 3 * q, lat0), (lon0, lat0)]
    parts = [_great_circle(a, b) for a, b in zip(ring, ring[1:])]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


@lru_cache(maxsize=256)
def _box_span(lon_range: tuple[float, float], lat_range: tuple[float, float],
              rotation_lon: float) -> tuple[tuple[float, float], float]:
    """The range box's width and height in projection units, and the y of the view's centre point (plotly puts
    (rotation lon, middle latitude) at the middle of the fitted box): all that fitting needs, per view."""
    lon, lat = range_box(lon_range, lat_range)
    x, y = natural_earth(*_rotated(lon, lat, rotation_lon))
    _, yc = natural_earth(np.array(0.0), np.radians(np.array((lat_range[0] + lat_range[1]) / 2)))
    return (float(x.max() - x.min()), float(y.max() - y.min())), float(yc)


@dataclass(frozen=True)
class Frame:
    """A geo subplot as plotly.js lays it out: ranges, rotation and the plot area in pixels."""

    lon_range: tuple[float, float]
    lat_range: tuple[float, float]
    rotation_lon: float
    #: the plot area: left, top, width, height in pixels of the figure
    left: float
    top: float
    width: float
    height: float

    def _fit(self) -> tuple[float, float, float, float, tuple[float, float]]:
        span, yc = _box_span(tuple(self.lon_range), tuple(self.lat_range), self.rotation_lon)
        k = min(self.width / span[0], self.height / span[1])
        return k, self.left + self.width / 2, self.top + self.height / 2, yc, span

    def visible_box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of what plotly draws: the range box as fitted, centred in the plot area,
        before plotly moves the centre point to the middle (it clips the subplot to this box)."""
        k, cx, cy, _, (w, h) = self._fit()
        return cx - k * w / 2, cy - k * h / 2, cx + k * w / 2, cy + k * h / 2

    def unproject(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Longitudes and latitudes (degrees) of pixel positions: the inverse of `project`."""
        k, cx, cy, yc, _ = self._fit()
        lam, phi = natural_earth_inverse((np.asarray(x, float) - cx) / k, yc - (np.asarray(y, float) - cy) / k)
        lon = (np.degrees(lam) + self.rotation_lon + 180) % 360 - 180
        return lon, np.degrees(phi)

    def project(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Pixel positions (x right, y down, from the figure's top left) of points given in degrees."""
        k, cx, cy, yc, _ = self._fit()
        x, y = natural_earth(*_rotated(lon, lat, self.rotation_lon))
        return cx + k * x, cy - k * (y - yc)


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class View:
    """What the map frames: a longitude/latitude box and the longitude at the map's centre."""

    lon_range: tuple[float, float]
    lat_range: tuple[float, float]
    rotation_lon: float
    #: which partner regions it shows: {"ASEAN", "US"}
    regions: frozenset[str]

    def frame(self, left: float, top: float, width: float, height: float) -> Frame:
        return Frame(self.lon_range, self.lat_range, self.rotation_lon, left, top, width, height)

    def geo_layout(self) -> dict:
        """The plotly geo attributes that frame this view."""
        return dict(projection=dict(type="natural earth", rotation=dict(lon=self.rotation_lon)),
                    lonaxis=dict(range=list(self.lon_range)), lataxis=dict(range=list(self.lat_range)))


#: the views a user can pick (URL ``view=``); without one the map fits what the filters leave
VIEWS: dict[str, View] = {
    # Pacific-centred: from Myanmar (96°E) east across the dateline to Boston (71°W)
    "pacific": View((88, 296), (-14, 58), -168, frozenset({"ASEAN", "US"})),
    "asean": View((91, 129), (-11.5, 25.5), 110, frozenset({"ASEAN"})),
    "us": View((-127, -65), (23, 50), -96, frozenset({"US"})),
}
VIEW_LABELS: dict[str, str] = {"pacific": "Pacific", "asean": "ASEAN", "us": "United States"}
#: the ASEAN inset of the Pacific view: where it sits in the map (paper fractions), over the empty South Pacific
INSET_DOMAIN = {"x": [0.4, 0.68], "y": [0.0, 0.5]}
INSET_VIEW = View((94, 127.5), (-9.5, 23.5), 110.75, frozenset({"ASEAN"}))


def fit(lons: np.ndarray, lats: np.ndarray, regions: set[str]) -> View:
    """The view that frames these points: the Pacific when they lie on both sides, else their box, padded."""
    if not len(lons) or regions >= {"ASEAN", "US"}:
        return VIEWS["pacific"]
    preset = VIEWS["us" if regions == {"US"} else "asean"]
    lon0, lon1 = float(np.min(lons)), float(np.max(lons))
    lat0, lat1 = float(np.min(lats)), float(np.max(lats))
    # pad by an eighth of the span, and never frame less than 10° x 7° (one city, or a few close together)
    pad_lon, pad_lat = max(1.5, (lon1 - lon0) / 8), max(1.5, (lat1 - lat0) / 8)
    lon0, lon1, lat0, lat1 = lon0 - pad_lon, lon1 + pad_lon, lat0 - pad_lat, lat1 + pad_lat
    if lon1 - lon0 < 10:
        mid = (lon0 + lon1) / 2
        lon0, lon1 = mid - 5, mid + 5
    if lat1 - lat0 < 7:
        mid = (lat0 + lat1) / 2
        lat0, lat1 = mid - 3.5, mid + 3.5
    return View((round(lon0, 2), round(lon1, 2)), (round(max(lat0, -80), 2), round(min(lat1, 80), 2)),
                round((lon0 + lon1) / 2, 2), preset.regions)
