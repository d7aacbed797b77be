"""Pure figure builders: (dataset, selection) -> go.Figure. No Dash here, so the page, exports and tests share them."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.model.dataset import Dataset
from dashboard.model.filters import Selection, country_counts
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


def city_at(cities: pd.DataFrame, click: object, tolerance: float = 0.05) -> str | None:
    """The city_id a map click names, or None for anything else.

    A marker carries its city's position in ``cities`` as customdata; a click that Plotly
    gives to a line's end instead (it sits on the marker) is matched by its coordinates.
    """
    try:
        point = click["points"][0]  # type: ignore[index]
    except (TypeError, KeyError, IndexError):
        return None
    if not isinstance(point, dict):
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
    cols = ["aidx", "uidx", "sector"]  # integer and categorical keys: an order of magnitude faster than names
    if links.empty:
        return links.assign(projects=pd.Series(dtype=np.int32)), 0
    grouped = links.groupby(cols, sort=False, observed=True)
    pairs = grouped[["asean_city_id", "us_city_id", "asean_lon", "asean_lat", "us_lon", "us_lat"]].first()
    pairs["projects"] = grouped.size().astype(np.int32)
    pairs = pairs.reset_index()
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
        font=dict(family=FONT, size=13, color=INK), margin=dict(l=8, r=8, t=40 if title else 8, b=8),
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


def map_figure(dataset: Dataset, selection: Selection, selected: str | None = None, title: str | None = None,
               height: int | None = None) -> go.Figure:
    """Partner cities as markers and city pairs as arcs (one trace per sector), Pacific-centred.

    ``selection`` decides which lines and cities are in force; cities outside it stay as faint
    context. With ``selected``, that city's lines are drawn on top and the rest dimmed.
    """
    traces: list[dict] = []
    cities = dataset.cities
    names = cities["name"]
    pairs, hidden = busiest_pairs(selection.links)
    detailed = len(pairs) <= DETAILED_PAIRS
    points = ARC_POINTS if detailed else COARSE_ARC_POINTS
    if selected:
        on_sel = ((pairs["asean_city_id"] == selected) | (pairs["us_city_id"] == selected)).to_numpy()
    mid_lon, mid_lat, mid_text = [], [], []
    for sector in SECTORS:
        sector_pairs = pairs[pairs["sector"] == sector]
        if sector_pairs.empty:
            continue
        first_in_legend = True
        for lo, width in reversed(WIDTH_STEPS):
            hi = _next_step(lo)
            band = sector_pairs[(sector_pairs["projects"] >= lo) & (sector_pairs["projects"] < hi)]
            groups = [(band, 1.0, width)]
            if selected:
                sel = on_sel[pairs.index.get_indexer(band.index)]
                groups = [(band[~sel], 0.25, max(1.2, width * 0.7)), (band[sel], 1.0, width + 1.8)]
            for part, opacity, line_width in groups:
                if part.empty:
                    continue
                lon, lat = arcs(part, points)
                label = (names.loc[part["asean_city_id"]].map(html_escape).to_numpy() + " – "
                         + names.loc[part["us_city_id"]].map(html_escape).to_numpy()
                         + f" ({sector}): " + part["projects"].astype(str).to_numpy() + " project(s)")
                trace = dict(
                    type="scattergeo", lon=lon.astype(np.float32), lat=lat.astype(np.float32), mode="lines", name=sector,
                    legendgroup=sector, showlegend=first_in_legend, opacity=opacity,
                    line=dict(color=SECTOR_COLOURS[sector], width=line_width),
                )
                # the line itself takes no hover: invisible targets along it do, away from its ends, so a
                # city's marker always wins the hover at the city and the line's tooltip shows along the line
                trace.update(hoverinfo="skip")
                along = (np.round(np.linspace(0.2, 0.8, HOVER_TARGETS) * (points - 1)).astype(int) if detailed
                         else np.array([points // 2]))
                index = (np.arange(len(part))[:, None] * (points + 1) + along[None, :]).ravel()
                mid_lon.append(lon[index])
                mid_lat.append(lat[index])
                mid_text.append(np.repeat(label, len(along)))
                traces.append(trace)
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
    kind = _city_kind(cities)
    in_sel = cities.index.isin(counts.index)
    context = ~cities.index.isin(selection.city_counts.index)
    position = np.arange(len(cities), dtype=np.int32)
    for key, (label, colour, symbol) in CITY_KINDS.items():
        mask = context if key == "other" else in_sel & (kind == key).to_numpy()
        if key == "other" and (markers_hidden or mask.sum() > CONTEXT_LIMIT):
            continue  # thousands of faint context points would cost more to draw than they tell
        sub = cities[mask]
        if sub.empty:
            continue
        n = np.zeros(len(sub), dtype=np.int32) if key == "other" else counts.reindex(sub.index, fill_value=0).to_numpy(np.int32)
        size = (7 + 2.2 * np.sqrt(n)).clip(7, 22) if key != "other" else np.full(len(sub), 6.0)
        line_w = np.where(sub.index == selected, 3, 1) if selected else 1
        marker = dict(color=colour, symbol=symbol, size=size.astype(np.float32),
                      line=dict(color="#111111" if selected else "#ffffff", width=line_w))
        trace = dict(type="scattergeo", lon=sub["lon"].to_numpy(np.float32), lat=sub["lat"].to_numpy(np.float32),
                     mode="markers", name=label, legendgroup="cities", marker=marker)
        # names are static per city; the count rides in a typed array beside the city's position
        trace.update(text=dataset.index.city_hover[mask].tolist(), customdata=np.column_stack([position[mask], n]),
                     hovertemplate="%{text}<br>%{customdata[1]} project(s) in view<extra></extra>")
        traces.append(trace)
    layout = _base_layout(
        title, height,
        meta={"pairs_drawn": len(pairs), "pairs_hidden": hidden, "cities_drawn": len(counts),
              "cities_hidden": markers_hidden},
        margin=dict(l=0, r=0, t=40 if title else 0, b=56),
        legend=dict(orientation="h", x=0, y=0, xanchor="left", yanchor="top", font=dict(size=12),
                    itemclick="toggle", title=dict(text="")),
        geo=dict(
            projection=dict(type="natural earth", rotation=dict(lon=-175)),
            # Pacific-centred: from Myanmar (96°E) east across the dateline to Boston (71°W)
            lonaxis=dict(range=[88, 296]), lataxis=dict(range=[-14, 58]),
            resolution=110, showcountries=True, countrycolor="#aab3bd", countrywidth=0.6,
            showland=True, landcolor="#eceff2", showocean=True, oceancolor="#f6f9fc",
            showlakes=False, coastlinecolor="#9aa4ae", coastlinewidth=0.6, showframe=False,
            bgcolor="rgba(0,0,0,0)",
        ),
    )
    if selection.projects.empty:
        layout["annotations"] = [_empty_note()]
    return figure(traces, layout)



#: the city-pairs chart lists at most this many pairs (the busiest); a note counts the rest
MAX_PAIR_ROWS = 60
PAIR_ROW_PX = 40
PAIR_HEADER_PX = 34


def _place(dataset: Dataset, city_id: str) -> str:
    """'<b>Phuket</b><br>Thailand' (ASEAN) or '<b>Milwaukee</b><br>Wisconsin' (U.S.), escaped."""
    c = dataset.cities.loc[city_id]
    where = c["admin1"] if c["region"] == "US" and c["admin1"] else c["country"]
    return f"<b>{html_escape(c['name'])}</b><br>{html_escape(where)}"


def pairs_figure(dataset: Dataset, selection: Selection, by_country: bool = False, title: str | None = None,
                 height: int | None = None) -> go.Figure:
    """Who is paired with whom: one row per city pair, the ASEAN city on the left, the U.S. city on the right and
    a line in the sector's colour between them, grouped by sector (by ASEAN country with ``by_country``)."""
    pairs, _ = busiest_pairs(selection.links, limit=len(selection.links))
    hidden = max(0, len(pairs) - MAX_PAIR_ROWS)
    if hidden:
        pairs = pairs.sort_values("projects", ascending=False, kind="stable").head(MAX_PAIR_ROWS)
    names = dataset.index.city_names
    pairs = pairs.assign(
        group=[dataset.index.country_names.get(dataset.cities.at[a, "iso3"], "") if by_country else str(sec)
               for a, sec in zip(pairs["asean_city_id"], pairs["sector"])],
        order=[SECTORS.index(str(sec)) for sec in pairs["sector"]],
        asean_name=[names[a] for a in pairs["asean_city_id"]],
    )
    pairs = pairs.sort_values(["group", "asean_name"] if by_country else ["order", "asean_name"], kind="stable")
    y, rows_y = 0.9, []
    headers = [] if pairs.empty else [
        dict(text="<b>ASEAN city</b>", x=0.41, y=0, xanchor="right"), dict(text="<b>U.S. partner city</b>", x=0.59, y=0,
                                                                        xanchor="left")]
    headers = [dict(h, xref="x", yref="y", showarrow=False, yanchor="middle", font=dict(size=13, color=INK))
               for h in headers]
    for group, part in pairs.groupby("group", sort=False):
        n = len(part)
        headers.append(dict(text=f"<b>{html_escape(group)}</b> · {n} pair{'s' if n != 1 else ''}", x=0.5, y=y,
                            xref="x", yref="y", showarrow=False, xanchor="center", yanchor="middle",
                            font=dict(size=13, color=MUTED)))
        y += PAIR_HEADER_PX / PAIR_ROW_PX
        for _ in range(n):
            rows_y.append(y)
            y += 1.0
    pairs = pairs.assign(y=rows_y)
    traces: list[dict] = []
    for sector in SECTORS:
        part = pairs[pairs["sector"] == sector]
        if part.empty:
            continue
        xs = np.tile([0.43, 0.57, np.nan], len(part))
        ys = np.repeat(part["y"].to_numpy(float), 3)
        ys[2::3] = np.nan
        label = [f"{html_escape(names[a])} – {html_escape(names[u])} ({html_escape(sector)}): {k} project(s)"
                 for a, u, k in zip(part["asean_city_id"], part["us_city_id"], part["projects"])]
        traces.append(dict(type="scatter", x=xs, y=ys, mode="lines+markers", name=html_escape(sector),
                           line=dict(color=SECTOR_COLOURS[sector], width=3),
                           marker=dict(color=SECTOR_COLOURS[sector], size=9),
                           hovertext=np.repeat(label, 3), hoverinfo="text", showlegend=False))
    if not pairs.empty:
        traces.append(dict(type="scatter", x=np.full(len(pairs), 0.41), y=pairs["y"].to_numpy(float), mode="text",
                           text=[_place(dataset, a) for a in pairs["asean_city_id"]], textposition="middle left",
                           hoverinfo="skip", showlegend=False, textfont=dict(size=13, color=INK)))
        traces.append(dict(type="scatter", x=np.full(len(pairs), 0.59), y=pairs["y"].to_numpy(float), mode="text",
                           text=[_place(dataset, u) for u in pairs["us_city_id"]], textposition="middle right",
                           hoverinfo="skip", showlegend=False, textfont=dict(size=13, color=INK)))
    annotations = headers
    if hidden:
        annotations.append(dict(text=f"The {MAX_PAIR_ROWS} pairs with the most projects are listed; {hidden:,} more "
                                     "are in the table and the exports.", x=0.5, y=y, xref="x", yref="y",
                                showarrow=False, font=dict(size=12, color=MUTED)))
        y += 1
    if pairs.empty:
        annotations = [dict(_empty_note(), text="No city pairs match these filters")]
    rows_px = max(y, 1.5) * PAIR_ROW_PX
    layout = _base_layout(
        title, height or int(rows_px + 24),
        xaxis=dict(visible=False, range=[0, 1], fixedrange=True),
        yaxis=dict(visible=False, range=[max(y, 1.5) - 0.5, -0.6], fixedrange=True),
        showlegend=False, annotations=annotations, hovermode="closest",
    )
    return figure(traces, layout)


def _bar_height(rows: int) -> int:
    """Figure height giving each bar the same thickness whatever the count."""
    return 48 + 30 * max(rows, 1)


def _hbar(labels: list[str], values: list[int], colours: list[str] | str, title: str | None, height: int | None,
          empty: bool, hover_noun: str = "project(s)") -> go.Figure:
    bar = dict(
        type="bar", x=np.asarray(values, dtype=np.int32), y=[html_escape(label) for label in labels], orientation="h",
        marker=dict(color=colours), text=[str(v) for v in values], textposition="outside", cliponaxis=False,
        hovertemplate=f"%{{y}}: %{{x}} {hover_noun}<extra></extra>",
    )
    layout = _base_layout(title, height or _bar_height(len(labels)),
                          yaxis=dict(autorange="reversed", automargin=True), xaxis=dict(visible=False),
                          bargap=0.25, showlegend=False)
    if empty:
        layout["annotations"] = [_empty_note()]
    return figure([bar], layout)


def sectors_figure(selection: Selection, title: str | None = None, height: int | None = None) -> go.Figure:
    """Projects per sector, every sector of the vocabulary in its fixed order and colour."""
    counts = selection.projects["sector"].value_counts()
    values = [int(counts.get(s, 0)) for s in SECTORS]
    return _hbar(list(SECTORS), values, [SECTOR_COLOURS[s] for s in SECTORS], title, height, selection.projects.empty)


def countries_figure(dataset: Dataset, selection: Selection, title: str | None = None, height: int | None = None) -> go.Figure:
    """Projects per country they concern, plus a bar for region-wide programmes."""
    counts = country_counts(dataset, selection)
    names = dataset.index.country_names
    labels = [names.get(c, c) for c in counts.index]
    values = [int(v) for v in counts.to_numpy()]
    regional = int((selection.projects["scope"] == "region").sum())
    if regional:
        labels.append("Region-wide (all ASEAN)")
        values.append(regional)
    colours = ["#b31b1b" if lab == "United States" else "#7a8591" if lab.startswith("Region") else "#003f87" for lab in labels]
    return _hbar(labels, values, colours, title, height, selection.projects.empty)


def agencies_figure(selection: Selection, title: str | None = None, height: int | None = None) -> go.Figure:
    """Projects per lead agency, most first."""
    counts = selection.projects["lead_agency"].value_counts()
    return _hbar(list(counts.index), [int(v) for v in counts.to_numpy()], "#2f6f8f", title, height, selection.projects.empty)


def timeline_figure(selection: Selection, title: str | None = None, height: int = 300) -> go.Figure:
    """Announcements per year, stacked by sector."""
    p = selection.projects
    bars = []
    if not p.empty:
        years = p["announced_date"].dt.year
        span = list(range(int(years.min()), int(years.max()) + 1))
        table = pd.crosstab(years, p["sector"]).reindex(index=span, fill_value=0)
        for sector in SECTORS:
            if sector in table.columns:
                bars.append(dict(
                    type="bar", x=[str(y) for y in span], y=table[sector].to_numpy(np.int32), name=html_escape(sector),
                    marker=dict(color=SECTOR_COLOURS[sector]),
                    hovertemplate=f"{html_escape(sector)}, %{{x}}: %{{y}} project(s)<extra></extra>",
                ))
    layout = _base_layout(
        title, height, barmode="stack", xaxis=dict(type="category", title=None),
        yaxis=dict(title=dict(text="Projects announced"), dtick=1 if len(p) < 15 else None, rangemode="tozero"),
        legend=dict(orientation="h", y=-0.18, font=dict(size=11)), showlegend=not p.empty,
    )
    if p.empty:
        layout["annotations"] = [_empty_note()]
    return figure(bars, layout)



def headline_numbers(dataset: Dataset, selection: Selection) -> dict[str, int]:
    """Cities, countries, projects and city pairs in view."""
    countries = set(country_counts(dataset, selection).index)
    countries |= set(dataset.cities.loc[selection.city_counts.index, "iso3"])
    pairs = selection.links[["asean_city_id", "us_city_id"]].drop_duplicates()
    return {"cities": len(selection.city_counts), "countries": len(countries), "projects": len(selection.projects),
            "city pairs": len(pairs)}
