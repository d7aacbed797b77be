"""Pure figure builders: (dataset, selection) -> go.Figure. No Dash here, so the page, exports and tests share them."""

from __future__ import annotations

import base64
import html
import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import geo, labels
from dashboard.labels import text_width
from dashboard.model.dataset import Dataset
from dashboard.model.filters import Selection, country_counts
from dashboard.model.words import activities
from dashboard.vocab import SECTOR_COLOURS, SECTORS

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'DejaVu Sans', sans-serif"
INK, MUTED = "#1b1f24", "#5a6470"
#: marker look for each kind of city (colour and symbol both differ, for colour-blind readers)
CITY_KINDS = {
    "ascn": ("ASCN pilot city", "#003f87", "circle"),
    "asean": ("Other ASEAN city", "#5b8fc7", "diamond"),
    "us": ("U.S. partner city", "#b31b1b", "square"),
    "other": ("Not in the current filter", "#a8b0b9", "circle-open"),
}
ARC_POINTS = 24
#: beyond this many city pairs, arcs get fewer points and hover moves to one marker per arc
DETAILED_PAIRS = 100
COARSE_ARC_POINTS = 10
#: invisible hover targets along each arc (at 20% to 80% of its length) when the pairs are few enough
HOVER_TARGETS = 5
#: the name of the trace of hover targets along the arcs
PAIR_HOVER = "City pairs"
#: the map draws at most this many city pairs (the busiest); the caption says how many more there are
MAX_PAIRS = 400
#: faint context markers (cities outside the filter) are left out above this many
CONTEXT_LIMIT = 2000
#: the map draws at most this many cities in the filter (the ones with most projects, and the
#: selected one); SVG maps slow to seconds beyond a few thousand points. The caption names the rest.
MAX_MARKERS = 1500
#: line widths by number of projects on a pair: (at least this many projects, width)
WIDTH_STEPS = ((1, 2.2), (2, 3.0), (4, 4.0), (10, 5.5))
EMPTY_TEXT = "No projects match these filters"
#: room above an untitled chart for plotly's toolbar, which would otherwise cover (and catch clicks on) the top bar
MODEBAR_PX = 30

#: a small template of our own: Plotly's stock templates cost milliseconds to copy and
#: kilobytes to send with every figure
TEMPLATE = {
    "layout": {
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        "xaxis": {"gridcolor": "#e6e9ed", "zeroline": False, "linecolor": "#c9d0d8", "automargin": True},
        "yaxis": {"gridcolor": "#e6e9ed", "zeroline": False, "linecolor": "#c9d0d8", "automargin": True},
        "hoverlabel": {"bgcolor": "#ffffff", "bordercolor": "#5a6470", "font": {"color": "#1b1f24", "size": 13}},
    }
}


def figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure built in one step from plain trace and layout dicts.

    Growing a figure with ``add_trace``/``update_layout`` costs Plotly's object model
    milliseconds per call; one construction from dicts (typed arrays as NumPy) is ~10x cheaper.
    """
    layout = {"template": TEMPLATE, **layout}
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def arcs(links: pd.DataFrame, points: int = ARC_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of an eastward arc across the Pacific for each link, None-separated.

    Each ASEAN→U.S. pair is drawn east across the Pacific (never over the pole or the
    long way round), bowed gently north so overlapping pairs stay apart.
    """
    n = len(links)
    if n == 0:
        return np.empty(0), np.empty(0)
    lon1, lat1 = links["asean_lon"].to_numpy(float), links["asean_lat"].to_numpy(float)
    lon2, lat2 = links["us_lon"].to_numpy(float), links["us_lat"].to_numpy(float)
    east = np.mod(lon2 - lon1, 360.0)
    t = np.linspace(0.0, 1.0, points)
    lon = lon1[:, None] + east[:, None] * t
    lat = lat1[:, None] + (lat2 - lat1)[:, None] * t + (0.06 * east)[:, None] * np.sin(np.pi * t)
    lon = np.mod(lon + 180.0, 360.0) - 180.0
    gap = np.full((n, 1), np.nan)
    return np.hstack([lon, gap]).ravel(), np.hstack([lat, gap]).ravel()


def html_escape(text: str) -> str:
    """Data text shown in a Plotly hover label is text, never markup."""
    return html.escape(str(text), quote=False)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    return float(value)


def first_point(click: object) -> dict | None:
    """The first point of a Plotly click event (a graph's clickData), or None for anything else (a forged body)."""
    try:
        point = click["points"][0]  # type: ignore[index]
    except (TypeError, KeyError, IndexError):
        return None
    return point if isinstance(point, dict) else None


def city_at(cities: pd.DataFrame, click: object, tolerance: float = 0.05) -> str | None:
    """The city_id a map click names, or None for anything else.

    A marker carries its city's position in ``cities`` as customdata; a click that Plotly
    gives to a line's end instead (it sits on the marker) is matched by its coordinates.
    """
    point = first_point(click)
    if point is None:
        return None
    value = point.get("customdata")
    if isinstance(value, list) and value:
        value = value[0]
    i = _number(value)
    if i is not None:
        return str(cities.index[int(i)]) if 0 <= i < len(cities) and i == int(i) else None
    lon, lat = _number(point.get("lon")), _number(point.get("lat"))
    if lon is None or lat is None or cities.empty:
        return None
    d2 = (cities["lon"].to_numpy() - lon) ** 2 + (cities["lat"].to_numpy() - lat) ** 2
    best = int(np.argmin(d2))
    return str(cities.index[best]) if d2[best] <= tolerance ** 2 else None


def _next_step(lo: int) -> float:
    later = [step for step, _ in WIDTH_STEPS if step > lo]
    return later[0] if later else float("inf")


def busiest_pairs(links: pd.DataFrame, limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """One row per (ASEAN city, U.S. city, sector) with its project count and coordinates,
    the busiest ``limit`` (default `MAX_PAIRS`) of them; and how many pairs were left out."""
    limit = MAX_PAIRS if limit is None else limit
    columns = ["aidx", "uidx", "sector", "asean_city_id", "us_city_id", "asean_lon", "asean_lat", "us_lon", "us_lat"]
    if links.empty:
        return links.reindex(columns=columns).assign(projects=pd.Series(dtype=np.int32)), 0
    # integer keys and NumPy: an order of magnitude faster than grouping by names
    sector = links["sector"].cat.codes.to_numpy(np.int64)
    key = (links["aidx"].to_numpy(np.int64) * 1_000_003 + links["uidx"].to_numpy(np.int64)) * 64 + sector
    _, first, n = np.unique(key, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")  # in the order the pairs first appear
    pairs = links.iloc[first[order]][columns].reset_index(drop=True)
    pairs["projects"] = n[order].astype(np.int32)
    hidden = max(0, len(pairs) - limit)
    if hidden:
        pairs = pairs.sort_values("projects", ascending=False, kind="stable").head(limit)
    return pairs, hidden


def _empty_note() -> dict:
    return dict(text=EMPTY_TEXT, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                font=dict(size=15, color=MUTED))


def _base_layout(title: str | None, height: int | None, **extra) -> dict:
    """Shared look; ``height`` None lets the page size the figure (the map keeps its aspect by CSS)."""
    layout = dict(
        font=dict(family=FONT, size=13, color=INK), margin=dict(l=8, r=8, t=40 if title else MODEBAR_PX, b=8),
        hoverlabel=dict(bgcolor="#ffffff", bordercolor=MUTED, font=dict(family=FONT, color=INK, size=13)),
        uirevision="keep",
    )
    if height:
        layout["height"] = height
    if title:
        layout["title"] = dict(text=title, x=0.01, xanchor="left", font=dict(size=15))
    layout.update(extra)
    return layout


def _city_kind(cities: pd.DataFrame) -> pd.Series:
    return pd.Series(np.where(cities["region"] == "US", "us", np.where(cities["ascn_pilot"], "ascn", "asean")),
                     index=cities.index)


def map_view(dataset: Dataset, selection: Selection, view: str | None) -> tuple[geo.View, bool]:
    """The view the map shows (a chosen one, or the one that fits ``selection``) and whether it has the ASEAN
    inset (the Pacific view: ASEAN is a tenth of its width, so an enlarged copy sits over the South Pacific)."""
    if view in geo.VIEWS:
        chosen = geo.VIEWS[view]
    else:
        shown = dataset.cities.loc[selection.city_counts.index]
        if not shown.empty and len(shown) < len(dataset.cities):
            chosen = geo.fit(shown["lon"].to_numpy(), shown["lat"].to_numpy(), set(shown["region"]))
        else:
            chosen = geo.VIEWS["pacific"]
    return chosen, chosen is geo.VIEWS["pacific"]


def map_figure(dataset: Dataset, selection: Selection, selected: str | None = None, view: str | None = None,
               focus: Selection | None = None, title: str | None = None, height: int | None = None) -> go.Figure:
    """Partner cities as markers, named, and city pairs as arcs (one trace per sector).

    ``selection`` decides which lines and cities are in force; cities outside it stay as faint
    context. With ``selected``, that city's lines are drawn on top and the rest dimmed. ``view``
    frames the map ('pacific', 'asean', 'us'); without it the map fits ``focus`` (default: the selection),
    e.g. a chosen city and its partners.
    """
    traces: list[dict] = []
    names = dataset.index.city_names
    pairs, hidden = busiest_pairs(selection.links)
    detailed = len(pairs) <= DETAILED_PAIRS
    points = ARC_POINTS if detailed else COARSE_ARC_POINTS
    # every pair's arc and hover text once, as arrays; each trace below takes its rows
    all_lon, all_lat = (a.reshape(len(pairs), points + 1) for a in arcs(pairs, points))
    sector_of = pairs["sector"].astype(str).to_numpy()
    projects = pairs["projects"].to_numpy()
    all_label = np.array([f"{html_escape(names[a])} – {html_escape(names[u])} ({s}): {activities(k)}"
                          for a, u, s, k in zip(pairs["asean_city_id"], pairs["us_city_id"], sector_of, projects)],
                         dtype=object)
    on_sel = (((pairs["asean_city_id"] == selected) | (pairs["us_city_id"] == selected)).to_numpy() if selected
              else np.zeros(len(pairs), dtype=bool))
    along = (np.round(np.linspace(0.2, 0.8, HOVER_TARGETS) * (points - 1)).astype(int) if detailed
             else np.array([points // 2]))
    mid_lon, mid_lat, mid_text = [], [], []
    for sector in SECTORS:
        in_sector = sector_of == sector
        if not in_sector.any():
            continue
        first_in_legend = True
        for lo, width in reversed(WIDTH_STEPS):
            band = in_sector & (projects >= lo) & (projects < _next_step(lo))
            groups = [(band, 1.0, width)]
            if selected:
                groups = [(band & ~on_sel, 0.25, max(1.2, width * 0.7)), (band & on_sel, 1.0, width + 1.8)]
            for rows, opacity, line_width in groups:
                if not rows.any():
                    continue
                lon, lat = all_lon[rows].ravel(), all_lat[rows].ravel()
                # the line itself takes no hover: invisible targets along it do, away from its ends, so a
                # city's marker always wins the hover at the city and the line's tooltip shows along the line
                traces.append(dict(
                    type="scattergeo", lon=lon.astype(np.float32), lat=lat.astype(np.float32), mode="lines", name=sector,
                    legendgroup=sector, showlegend=first_in_legend, opacity=opacity, hoverinfo="skip",
                    line=dict(color=SECTOR_COLOURS[sector], width=line_width),
                ))
                mid_lon.append(all_lon[rows][:, along].ravel())
                mid_lat.append(all_lat[rows][:, along].ravel())
                mid_text.append(np.repeat(all_label[rows], len(along)))
                first_in_legend = False
    if mid_lon:
        traces.append(dict(
            type="scattergeo", lon=np.concatenate(mid_lon).astype(np.float32),
            lat=np.concatenate(mid_lat).astype(np.float32), mode="markers", marker=dict(size=8, opacity=0),
            hovertext=np.concatenate(mid_text), hoverinfo="text", showlegend=False, name=PAIR_HOVER,
        ))
    counts = selection.city_counts
    markers_hidden = max(0, len(counts) - MAX_MARKERS)
    if markers_hidden:
        keep = counts.sort_values(ascending=False, kind="stable").index[:MAX_MARKERS]
        if selected in counts.index and selected not in keep:
            keep = keep.append(pd.Index([selected]))
        counts = counts.loc[keep]
    frame_view, inset = map_view(dataset, focus if focus is not None else selection, view)
    traces += _city_traces(dataset, selection, counts, selected, markers_hidden, "geo")
    if inset:
        traces += _city_traces(dataset, selection, counts, selected, markers_hidden, "geo2", region="ASEAN")
    paired = set(pairs["asean_city_id"]) | set(pairs["us_city_id"])
    label_meta = {"geo": _label_candidates(dataset, counts, selected, paired, frame_view, inset=inset, main=True)}
    if inset:
        label_meta["geo2"] = _label_candidates(dataset, counts, selected, paired, geo.INSET_VIEW, inset=True, main=False)
    look = dict(resolution=110, showcountries=True, countrycolor="#aab3bd", countrywidth=0.6,
                showland=True, landcolor="#eceff2", showocean=True, oceancolor="#f6f9fc",
                showlakes=False, coastlinecolor="#9aa4ae", coastlinewidth=0.6, showframe=False,
                bgcolor="rgba(0,0,0,0)")
    layout = _base_layout(
        title, height,
        meta={"pairs_drawn": len(pairs), "pairs_hidden": hidden, "cities_drawn": len(counts),
              "cities_hidden": markers_hidden, "view": view or "fit", "inset": inset, "labels": label_meta},
        margin=dict(l=0, r=0, t=40 if title else 0, b=56),
        legend=dict(orientation="h", x=0, y=0, xanchor="left", yanchor="top", font=dict(size=12),
                    itemclick="toggle", title=dict(text="")),
        geo=dict(**frame_view.geo_layout(), **look, domain={"x": [0, 1], "y": [0, 1]}),
    )
    if inset:
        layout["geo2"] = dict(**geo.INSET_VIEW.geo_layout(), **{**look, "showframe": True, "bgcolor": "#f6f9fc"},
                              domain=geo.INSET_DOMAIN, framecolor="#5a6470", framewidth=1)
        layout["annotations"] = [dict(text="ASEAN, enlarged", xref="paper", yref="paper",
                                      x=sum(geo.INSET_DOMAIN["x"]) / 2, y=geo.INSET_DOMAIN["y"][1], xanchor="center",
                                      yanchor="bottom", showarrow=False,
                                      font=dict(size=11, color=MUTED))]
    if selection.projects.empty:
        layout["annotations"] = [*layout.get("annotations", []), _empty_note()]
    traces, layout = label_sets(traces, {"template": TEMPLATE, **layout}, PAGE_SIZES)
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _city_traces(dataset: Dataset, selection: Selection, counts: pd.Series, selected: str | None,
                 markers_hidden: int, geo_id: str, region: str | None = None) -> list[dict]:
    """One marker trace per kind of city on subplot ``geo_id`` (``region``: only that region's cities)."""
    cities = dataset.cities
    pos = dataset.index.codes.city_pos
    kind = _city_kind(cities).to_numpy()
    n_all = np.zeros(len(cities), dtype=np.int32)  # projects selected, per city position
    drawn = np.fromiter((pos[c] for c in counts.index), dtype=np.int64, count=len(counts))
    n_all[drawn] = counts.to_numpy(np.int32)
    in_sel = np.zeros(len(cities), dtype=bool)
    in_sel[drawn] = True
    context = np.ones(len(cities), dtype=bool)
    context[[pos[c] for c in selection.city_counts.index]] = False
    where = (cities["region"] == region).to_numpy() if region else np.ones(len(cities), dtype=bool)
    lon, lat = cities["lon"].to_numpy(np.float32), cities["lat"].to_numpy(np.float32)
    position = np.arange(len(cities), dtype=np.int32)
    chosen = pos.get(selected, -1) if selected else -1
    traces = []
    for key, (label, colour, symbol) in CITY_KINDS.items():
        mask = (context if key == "other" else in_sel & (kind == key)) & where
        if key == "other" and (markers_hidden or mask.sum() > CONTEXT_LIMIT):
            continue  # thousands of faint context points would cost more to draw than they tell
        if not mask.any():
            continue
        n = np.zeros(int(mask.sum()), dtype=np.int32) if key == "other" else n_all[mask]
        line_w = np.where(position[mask] == chosen, 3, 1) if selected else 1
        marker = dict(color=colour, symbol=symbol, size=marker_size(n, key == "other").astype(np.float32),
                      line=dict(color="#111111" if selected else "#ffffff", width=line_w))
        trace = dict(type="scattergeo", lon=lon[mask], lat=lat[mask],
                     mode="markers", name=label, legendgroup="cities", marker=marker, geo=geo_id,
                     showlegend=geo_id == "geo")
        # the city's position rides in a typed array (a click names the city by it), the count in the hover text
        in_view = [f"<br>{activities(int(k))} in view" for k in n]
        trace.update(text=[h + v for h, v in zip(dataset.index.city_hover[mask], in_view)],
                     customdata=np.column_stack([position[mask], n]), hovertemplate="%{text}<extra></extra>")
        traces.append(trace)
    return traces


def marker_size(projects: np.ndarray, context: bool = False) -> np.ndarray:
    """Marker diameters (px): larger for busier cities; faint context markers small."""
    if context:
        return np.full(len(projects), 6.0)
    return (7 + 2.2 * np.sqrt(projects)).clip(7, 22)


def _label_candidates(dataset: Dataset, counts: pd.Series, selected: str | None, paired: set[str], view: geo.View,
                      inset: bool, main: bool) -> list[list]:
    """[lon, lat, name, priority] of the cities that want a name on this subplot.

    Cities with a pair line are named; where the subplot shows one region only (the ASEAN or U.S.
    view, the inset), every city in the selection is. On the main map beside the inset, ASEAN names
    go to the inset.
    """
    cities = dataset.cities
    pos = dataset.index.codes.city_pos
    lon, lat, region = cities["lon"].to_numpy(), cities["lat"].to_numpy(), cities["region"].to_numpy()
    names = dataset.index.city_names
    every = len(view.regions) == 1
    out = []
    for cid, n in zip(counts.index, counts.to_numpy()):
        i = pos[cid]
        if (main and inset and region[i] == "ASEAN") or (not main and region[i] != "ASEAN"):
            continue
        if not (every or cid in paired or cid == selected):
            continue
        priority = 1e6 if cid == selected else float(n) + (1000.0 if cid in paired else 0.0)
        out.append([round(float(lon[i]), 5), round(float(lat[i]), 5), names[cid], priority])
    return out


#: plot-area sizes (px) the page's map is labelled for, and how the ASEAN inset is arranged at each: the browser
#: shows the set for the largest width that fits (assets/map_labels.js). 1068 px is the map at a 1440 px screen,
#: 600 px a tablet or a narrow window, 364 x 394 the map on a 390 px phone, where the inset goes below the Pacific.
PAGE_SIZES: tuple[tuple[int, int, str], ...] = ((1068, 511, "overlay"), (600, 300, "overlay"), (364, 394, "stacked"))
#: where the main map and the inset sit in each arrangement (paper fractions), and the inset's caption
ARRANGEMENTS: dict[str, dict] = {
    "overlay": {"geo.domain.y": [0, 1], "geo2.domain.x": geo.INSET_DOMAIN["x"], "geo2.domain.y": geo.INSET_DOMAIN["y"],
                "annotations[0].x": sum(geo.INSET_DOMAIN["x"]) / 2, "annotations[0].y": geo.INSET_DOMAIN["y"][1]},
    "stacked": {"geo.domain.y": [0.57, 1], "geo2.domain.x": [0.02, 0.98], "geo2.domain.y": [0, 0.51],
                "annotations[0].x": 0.5, "annotations[0].y": 0.51},
}
LABEL_TRACE = "City names"
#: a subplot names at most this many cities (the most important): about 40 fit the widest map; trying more costs time
MAX_NAMES = 60


def add_labels(fig: go.Figure, sizes: tuple[tuple[int, int, str], ...], left: float = 0.0,
               top: float = 0.0) -> go.Figure:
    """``fig`` with its city names laid out again for these plot-area sizes (an export lays them out for its own
    size); see `label_sets`."""
    spec = fig.to_plotly_json()
    data, layout = label_sets(spec["data"], spec["layout"], sizes, left, top)
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def label_sets(data: list[dict], layout: dict, sizes: tuple[tuple[int, int, str], ...], left: float = 0.0,
               top: float = 0.0) -> tuple[list[dict], dict]:
    """Traces and layout with a set of city-name traces per plot-area size (the first visible), laid out so that
    no two names overlap and none covers a marker; ``layout.meta.label_sets`` tells the browser which traces
    (and, with the ASEAN inset, which arrangement) each size uses.

    The candidates ride in ``layout.meta.labels`` (per subplot: lon, lat, name, priority). Existing name
    traces are replaced.
    """
    meta = dict(layout.get("meta") or {})
    wanted = meta.get("labels") or {}
    inset = bool(meta.get("inset"))
    data = [t for t in data if t.get("name") != LABEL_TRACE]
    sets, new = [], []
    for i, (width, height, arrangement) in enumerate(sizes):
        relayout = ARRANGEMENTS[arrangement] if inset else {}
        domains = arranged_domains(layout, relayout)
        indices, named, in_view = [], 0, 0
        for geo_id, candidates in wanted.items():
            traces, seen = _label_trace(data, geo_id, candidates, layout[geo_id], domains[geo_id], left, top, width,
                                        height, visible=i == 0,
                                        blocked=_inset_box(layout, domains, left, top, width, height)
                                        if geo_id == "geo" and inset else None)
            in_view += seen
            for trace in traces:
                indices.append(len(data) + len(new))
                new.append(trace)
                named += len(trace.get("text") or [])
        sets.append({"width": width, "traces": indices, "layout": relayout, "named": named, "wanted": in_view})
    meta["label_sets"] = sets
    layout = dict(layout, meta=meta)
    for key, value in (sets[0]["layout"] if sets else {}).items():  # the first arrangement is the one drawn
        name, _, axis = key.partition(".domain.")
        if axis:
            layout[name] = {**layout[name], "domain": {**layout[name].get("domain", {}), axis: value}}
        else:
            notes = [dict(a) for a in layout["annotations"]]
            notes[0][key.rsplit(".", 1)[1]] = value
            layout["annotations"] = notes
    return [*data, *new], layout


def arranged_domains(layout: dict, relayout: dict) -> dict[str, dict]:
    """Each geo subplot's domain (paper fractions) once an arrangement's changes (`ARRANGEMENTS`) apply."""
    domains = {g: dict(layout[g].get("domain") or {"x": [0, 1], "y": [0, 1]}) for g in ("geo", "geo2") if g in layout}
    for key, value in relayout.items():
        name, _, axis = key.partition(".domain.")
        if axis and name in domains:
            domains[name][axis] = value
    return domains


def _label_trace(data: list[dict], geo_id: str, candidates: list[list], sub: dict, domain: dict, left: float,
                 top: float, width: float, height: float, visible: bool,
                 blocked: tuple[float, float, float, float] | None) -> tuple[list[dict], int]:
    """The name traces of one subplot (names, and leader lines for moved names; none if no name fits), and how
    many candidates lie in its view."""
    if not candidates:
        return [], 0
    view = _view_of(sub)
    dx, dy = domain.get("x", [0, 1]), domain.get("y", [0, 1])
    area = (left + width * dx[0], top + height * (1 - dy[1]), left + width * dx[1], top + height * (1 - dy[0]))
    frame = view.frame(area[0], area[1], area[2] - area[0], area[3] - area[1])
    area = frame.visible_box()  # plotly clips the subplot to its fitted box: names must stay inside it
    # obstacles: every marker on this subplot (context ones included)
    lon, lat, radius = [], [], []
    for t in data:
        marker = t.get("marker") or {}
        if t.get("type") == "scattergeo" and t.get("mode") == "markers" and t.get("geo", "geo") == geo_id \
                and marker.get("opacity", 1) != 0:
            lons = _values(t["lon"])
            lon.append(lons)
            lat.append(_values(t["lat"]))
            radius.append(np.broadcast_to(_values(marker.get("size", 6.0)), lons.shape) / 2)
    obstacles = np.empty((0, 3))
    if lon:
        x, y = frame.project(np.concatenate(lon), np.concatenate(lat))
        obstacles = np.column_stack([x, y, np.concatenate(radius)])
    candidates = sorted(candidates, key=lambda c: -c[3])[:MAX_NAMES]
    cx, cy = frame.project([c[0] for c in candidates], [c[1] for c in candidates])
    # each candidate's own marker: the obstacle at its position (else a small one of its own)
    markers = [*obstacles.tolist()]
    own, claimed = [], set()
    for x, y in zip(cx, cy):
        d = np.hypot(obstacles[:, 0] - x, obstacles[:, 1] - y) if len(obstacles) else np.array([])
        if len(d) and d.min() < 0.5 and int(d.argmin()) not in claimed:
            own.append(int(d.argmin()))
        else:  # no marker of its own here, or one another city at the same point already has
            own.append(len(markers))
            markers.append([x, y, float(obstacles[int(d.argmin()), 2]) if len(d) and d.min() < 0.5 else 3.0])
        claimed.add(own[-1])
    placed = labels.place(np.array(markers), [labels.Candidate(m, c[2], c[3]) for m, c in zip(own, candidates)],
                          area, blocked=blocked)
    in_view = int(np.sum((cx >= area[0]) & (cx <= area[2]) & (cy >= area[1]) & (cy <= area[3])))
    keep = [i for i, m in enumerate(own) if m in placed]
    if not keep:
        return [], in_view
    spots = [placed[own[i]] for i in keep]
    # a moved name sits at its anchor (no marker to keep clear of); the others beside their city's marker
    moved = [j for j, spot in enumerate(spots) if spot.anchor is not None]
    lon = np.array([candidates[i][0] for i in keep], float)
    lat = np.array([candidates[i][1] for i in keep], float)
    if moved:
        alon, alat = frame.unproject([spots[j].anchor[0] for j in moved], [spots[j].anchor[1] for j in moved])
        lon[moved], lat[moved] = alon, alat
    # invisible markers the size of the cities' own: plotly sets text beside a trace's markers, so each name
    # keeps clear of its city's marker exactly as laid out (labels.label_box)
    sizes = np.array([0.0 if spot.anchor is not None else 2 * markers[own[i]][2] for i, spot in zip(keep, spots)],
                     np.float32)
    traces = [dict(type="scattergeo", geo=geo_id, name=LABEL_TRACE, mode="markers+text", visible=visible,
                   showlegend=False, hoverinfo="skip", marker=dict(size=sizes, opacity=0),
                   lon=lon.astype(np.float32), lat=lat.astype(np.float32),
                   text=[html_escape(candidates[i][2]) for i in keep], textposition=[spot.position for spot in spots],
                   textfont=dict(family=FONT, size=labels.FONT_SIZE, color=INK, shadow=LABEL_HALO))]
    if moved:
        lines_lon, lines_lat = [], []
        for j in moved:
            i = keep[j]
            lines_lon += [candidates[i][0], lon[j], None]
            lines_lat += [candidates[i][1], lat[j], None]
        traces.append(dict(type="scattergeo", geo=geo_id, name=LABEL_TRACE, mode="lines", visible=visible,
                           showlegend=False, hoverinfo="skip", lon=lines_lon, lat=lines_lat,
                           line=dict(color=MUTED, width=0.8)))
    return traces, in_view


def _values(value: object) -> np.ndarray:
    """A trace's array as numbers: plotly's JSON writes NumPy arrays as {"dtype", "bdata"} (base64)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).astype(float)
    return np.asarray(value, dtype=float)


def _view_of(sub: dict) -> geo.View:
    """The view a geo subplot's layout frames."""
    return geo.View(tuple(sub["lonaxis"]["range"]), tuple(sub["lataxis"]["range"]),
                    sub["projection"]["rotation"]["lon"], frozenset())


#: a white halo keeps names legible over lines and coastlines
LABEL_HALO = "1px 1px 1px #fff, -1px -1px 1px #fff, 1px -1px 1px #fff, -1px 1px 1px #fff"


def _inset_box(layout: dict, domains: dict, left: float, top: float, width: float,
               height: float) -> tuple[float, float, float, float]:
    """The inset's frame in pixels, with its caption above it: names on the main map keep out of it."""
    x, y = domains.get("geo2", layout["geo2"]["domain"])["x"], domains.get("geo2", layout["geo2"]["domain"])["y"]
    x0, y0, x1, y1 = _view_of(layout["geo2"]).frame(left + width * x[0], top + height * (1 - y[1]),
                                                     width * (x[1] - x[0]), height * (y[1] - y[0])).visible_box()
    return x0 - 2, y0 - 20, x1 + 2, y1 + 2


#: the city-pairs chart lists at most this many pairs (the busiest); a note counts the rest
MAX_PAIR_ROWS = 60
PAIR_ROW_PX = 40
PAIR_HEADER_PX = 34


def _places(dataset: Dataset, city_ids: set[str]) -> dict[str, str]:
    """'<b>Phuket</b><br>Thailand' (ASEAN) or '<b>Milwaukee</b><br>Wisconsin' (U.S.) per city, escaped."""
    sub = dataset.cities.loc[sorted(city_ids), ["name", "region", "admin1", "country"]]
    return {cid: f"<b>{html_escape(name)}</b><br>{html_escape(admin1 if region == 'US' and admin1 else country)}"
            for cid, name, region, admin1, country in sub.itertuples()}


def pairs_figure(dataset: Dataset, selection: Selection, by_country: bool = False, title: str | None = None,
                 height: int | None = None) -> go.Figure:
    """Who is paired with whom: one row per city pair, the ASEAN city on the left, the U.S. city on the right and
    a line in the sector's colour between them, grouped by sector (by ASEAN country with ``by_country``)."""
    pairs, _ = busiest_pairs(selection.links, limit=len(selection.links))
    hidden = max(0, len(pairs) - MAX_PAIR_ROWS)
    if hidden:
        pairs = pairs.sort_values("projects", ascending=False, kind="stable").head(MAX_PAIR_ROWS)
    names = dataset.index.city_names
    # rows as plain tuples (at most MAX_PAIR_ROWS): sorting and grouping them in Python beats pandas at this size
    iso3 = dict(zip(dataset.cities.index, dataset.cities["iso3"]))
    rows = [(dataset.index.country_names.get(iso3[a], "") if by_country else str(sec), SECTORS.index(str(sec)),
             names[a], a, u, str(sec), int(k))
            for a, u, sec, k in zip(pairs["asean_city_id"], pairs["us_city_id"], pairs["sector"], pairs["projects"])]
    rows.sort(key=(lambda r: (r[0], r[2])) if by_country else (lambda r: (r[1], r[2])))
    y, rows_y = 0.9, []
    headers = [] if not rows else [
        dict(text="<b>ASEAN city</b>", x=0.41, y=0, xanchor="right"), dict(text="<b>U.S. partner city</b>", x=0.59, y=0,
                                                                        xanchor="left")]
    headers = [dict(h, xref="x", yref="y", showarrow=False, yanchor="middle", font=dict(size=13, color=INK))
               for h in headers]
    for group, part in itertools.groupby(rows, key=lambda r: r[0]):
        n = len(list(part))
        headers.append(dict(text=f"<b>{html_escape(group)}</b> · {n} pair{'s' if n != 1 else ''}", x=0.5, y=y,
                            xref="x", yref="y", showarrow=False, xanchor="center", yanchor="middle",
                            font=dict(size=13, color=MUTED)))
        y += PAIR_HEADER_PX / PAIR_ROW_PX
        for _ in range(n):
            rows_y.append(y)
            y += 1.0
    traces: list[dict] = []
    for sector in SECTORS:
        part = [(row, ry) for row, ry in zip(rows, rows_y) if row[5] == sector]
        if not part:
            continue
        xs = np.tile([0.43, 0.57, np.nan], len(part))
        ys = np.repeat(np.array([ry for _, ry in part], float), 3)
        ys[2::3] = np.nan
        label = [f"{html_escape(names[r[3]])} – {html_escape(names[r[4]])} ({html_escape(sector)}): {activities(r[6])}"
                 for r, _ in part]
        traces.append(dict(type="scatter", x=xs, y=ys, mode="lines+markers", name=html_escape(sector),
                           line=dict(color=SECTOR_COLOURS[sector], width=3),
                           marker=dict(color=SECTOR_COLOURS[sector], size=9),
                           hovertext=np.repeat(label, 3), hoverinfo="text", showlegend=False))
    if rows:
        place = _places(dataset, {r[3] for r in rows} | {r[4] for r in rows})
        traces.append(dict(type="scatter", x=np.full(len(rows), 0.41), y=np.array(rows_y, float), mode="text",
                           text=[place[r[3]] for r in rows], textposition="middle left",
                           hoverinfo="skip", showlegend=False, textfont=dict(size=13, color=INK)))
        traces.append(dict(type="scatter", x=np.full(len(rows), 0.59), y=np.array(rows_y, float), mode="text",
                           text=[place[r[4]] for r in rows], textposition="middle right",
                           hoverinfo="skip", showlegend=False, textfont=dict(size=13, color=INK)))
    annotations = headers
    if hidden:
        annotations.append(dict(text=f"The {MAX_PAIR_ROWS} pairs with the most projects are listed; {hidden:,} more "
                                     "are in the table and the exports.", x=0.5, y=y, xref="x", yref="y",
                                showarrow=False, font=dict(size=12, color=MUTED)))
        y += 1
    if not rows:
        annotations = [dict(_empty_note(), text="No city pairs match these filters")]
    rows_px = max(y, 1.5) * PAIR_ROW_PX
    layout = _base_layout(
        title, height or int(rows_px + 24),
        xaxis=dict(visible=False, range=[0, 1], fixedrange=True),
        yaxis=dict(visible=False, range=[max(y, 1.5) - 0.5, -0.6], fixedrange=True),
        showlegend=False, annotations=annotations, hovermode="closest",
    )
    return figure(traces, layout)


#: a bar's name longer than this breaks across lines (at word boundaries), so that it fits beside a phone's bars
BAR_LABEL_CHARS = 24


def wrapped(label: str, width: int = BAR_LABEL_CHARS) -> str:
    """``label`` escaped for plotly and, when longer than ``width`` characters, broken with <br> at the last space
    that fits (two lines at most)."""
    if len(label) <= width or " " not in label:
        return html_escape(label)
    cut = label.rfind(" ", 0, width + 1)
    cut = cut if cut > 0 else label.find(" ")
    return html_escape(label[:cut]) + "<br>" + html_escape(label[cut + 1:])


def _bar_height(rows: int) -> int:
    """Figure height giving each bar the same thickness whatever the count."""
    return 48 + 30 * max(rows, 1)


def _hbar(labels: list[str], values: list[int], colours: list[str] | str, title: str | None, height: int | None,
          empty: bool, keys: list[str] | None = None) -> go.Figure:
    """A horizontal bar per label; ``keys`` (the filter value each bar stands for, '' for none) ride as customdata,
    so that a click on a bar can set its filter."""
    bar = dict(
        type="bar", x=np.asarray(values, dtype=np.int32), y=[wrapped(label) for label in labels],
        orientation="h",
        customdata=list(keys if keys is not None else labels),
        marker=dict(color=colours), text=[str(v) for v in values], textposition="outside", cliponaxis=False,
        hovertext=[f"{html_escape(label)}: {activities(v)}" for label, v in zip(labels, values)],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    layout = _base_layout(title, height or _bar_height(len(labels)),
                          yaxis=dict(autorange="reversed", automargin=True), xaxis=dict(visible=False),
                          bargap=0.25, showlegend=False)
    # the longest bar reaches the plot's right edge and its count sits outside it: room for that count
    layout["margin"] = {**layout["margin"], "r": layout["margin"]["r"] + math.ceil(text_width(str(max(values or [0])), 13))}
    if empty:
        layout["annotations"] = [_empty_note()]
    return figure([bar], layout)


@dataclass(frozen=True)
class Bars:
    """What a bar chart shows, in order: one label, count and colour per bar (zeros included)."""

    labels: list[str]
    values: list[int]
    colours: list[str]
    #: the filter value each bar stands for (what a click on it sets; '' for none), default: its label
    keys: list[str] | None = None


def sector_bars(selection: Selection) -> Bars:
    """Activities per sector, every sector of the vocabulary in its fixed order and colour."""
    counts = selection.projects["sector"].value_counts()
    return Bars(list(SECTORS), [int(counts.get(s, 0)) for s in SECTORS], [SECTOR_COLOURS[s] for s in SECTORS],
                list(SECTORS))


#: the label of the countries chart's bar for programmes that concern all of ASEAN
REGION_WIDE = "Region-wide (all ASEAN)"


def country_bars(dataset: Dataset, selection: Selection) -> Bars:
    """Activities per country they concern, most first, plus a bar for region-wide programmes."""
    counts = country_counts(dataset, selection)
    names = dataset.index.country_names
    labels = [names.get(c, c) for c in counts.index]
    keys = [str(c) for c in counts.index]
    values = [int(v) for v in counts.to_numpy()]
    regional = int((selection.projects["scope"] == "region").sum())
    if regional:
        labels.append(REGION_WIDE)
        keys.append("")  # no country filter stands for it
        values.append(regional)
    colours = ["#b31b1b" if lab == "United States" else "#7a8591" if lab == REGION_WIDE else "#003f87"
               for lab in labels]
    return Bars(labels, values, colours, keys)


AGENCY_COLOUR = "#2f6f8f"


def agency_bars(selection: Selection) -> Bars:
    """Activities per lead agency, most first."""
    counts = selection.projects["lead_agency"].value_counts()
    counts = counts[counts > 0]
    names = [str(a) for a in counts.index]
    return Bars(names, [int(v) for v in counts.to_numpy()], [AGENCY_COLOUR] * len(counts), names)


@dataclass(frozen=True)
class Timeline:
    """Announcements per year (every year from the first to the last) and sector: ``counts[sector][i]`` is the
    number announced in ``years[i]``; only sectors with an announcement appear, in the vocabulary's order."""

    years: list[str]
    counts: dict[str, list[int]]


def timeline_counts(selection: Selection) -> Timeline:
    """The timeline's numbers: projects announced each year, by sector."""
    p = selection.projects
    if p.empty:
        return Timeline([], {})
    # years x sectors counted with NumPy (pd.crosstab took 5 ms, a quarter of a first-visit render)
    years = p["announced_date"].dt.year.to_numpy(np.int64)
    first = int(years.min())
    span = list(range(first, int(years.max()) + 1))
    sector = pd.Categorical(p["sector"], categories=SECTORS).codes.astype(np.int64)
    table = np.bincount((years - first) * len(SECTORS) + sector,
                        minlength=len(span) * len(SECTORS)).reshape(len(span), len(SECTORS))
    return Timeline([str(y) for y in span], {name: [int(v) for v in table[:, k]]
                                             for k, name in enumerate(SECTORS) if table[:, k].any()})


def sectors_figure(selection: Selection, title: str | None = None, height: int | None = None) -> go.Figure:
    """Activities per sector, every sector of the vocabulary in its fixed order and colour."""
    bars = sector_bars(selection)
    return _hbar(bars.labels, bars.values, bars.colours, title, height, selection.projects.empty, keys=bars.keys)


def countries_figure(dataset: Dataset, selection: Selection, title: str | None = None, height: int | None = None) -> go.Figure:
    """Activities per country they concern, plus a bar for region-wide programmes."""
    bars = country_bars(dataset, selection)
    return _hbar(bars.labels, bars.values, bars.colours, title, height, selection.projects.empty, keys=bars.keys)


def agencies_figure(selection: Selection, title: str | None = None, height: int | None = None) -> go.Figure:
    """Activities per lead agency, most first."""
    bars = agency_bars(selection)
    return _hbar(bars.labels, bars.values, AGENCY_COLOUR, title, height, selection.projects.empty, keys=bars.keys)


#: the timeline's height without its legend, and each row of its legend (two sectors a row, a name longer than
#: LEGEND_CHARS on two lines: half a phone's width holds about that many)
TIMELINE_PX, LEGEND_ROW_PX, LEGEND_CHARS = 240, 30, 20


def timeline_figure(selection: Selection, title: str | None = None, height: int | None = None) -> go.Figure:
    """Announcements per year, stacked by sector; the legend in two columns below, the figure as tall as it needs
    (on a phone a one-line legend became a small scroll box over a squeezed plot)."""
    p = selection.projects
    counted = timeline_counts(selection)
    bars = [dict(type="bar", x=counted.years, y=np.asarray(values, dtype=np.int32),
                 name=wrapped(sector_name, LEGEND_CHARS),
                 marker=dict(color=SECTOR_COLOURS[sector_name]),
                 hovertemplate=f"{html_escape(sector_name)}, %{{x}}: %{{y}} announced<extra></extra>")
            for sector_name, values in counted.counts.items()]
    rows = math.ceil(len(bars) / 2)
    layout = _base_layout(
        title, height or TIMELINE_PX + LEGEND_ROW_PX * rows, barmode="stack", xaxis=dict(type="category", title=None),
        yaxis=dict(title=dict(text="Activities"), dtick=1 if len(p) < 15 else None, rangemode="tozero"),
        legend=dict(orientation="h", x=0, y=-0.12, yanchor="top", entrywidth=0.5,
                    entrywidthmode="fraction", traceorder="normal", font=dict(size=11)),
        showlegend=not p.empty,
    )
    if p.empty:
        layout["annotations"] = [_empty_note()]
    return figure(bars, layout)


def headline_numbers(dataset: Dataset, selection: Selection) -> dict[str, int]:
    """Cities, countries, projects and city pairs in view."""
    countries = set(country_counts(dataset, selection).index)
    countries |= set(dataset.cities.loc[selection.city_counts.index, "iso3"])
    return {"cities": len(selection.city_counts), "countries": len(countries), "activities": len(selection.projects),
            "city pairs": pair_count(selection.links)}


def pair_count(links: pd.DataFrame) -> int:
    """City pairs among these links: an ASEAN city and a U.S. city, whatever the sectors of their projects."""
    return len(links[["asean_city_id", "us_city_id"]].drop_duplicates())
