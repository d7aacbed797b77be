"""Pure figure builders: (dataset, view) -> go.Figure. No Dash here, so the page, exports and tests share them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.data import Dataset
from dashboard.filters import View, country_names
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
EMPTY_TEXT = "No projects match these filters"


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
    import html

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


def _empty_note(fig: go.Figure) -> None:
    fig.add_annotation(text=EMPTY_TEXT, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=15, color=MUTED))


def _base_layout(fig: go.Figure, title: str | None, height: int | None) -> go.Figure:
    """Shared look; ``height`` None lets the page size the figure (the map keeps its aspect by CSS)."""
    fig.update_layout(
        template="plotly_white", height=height, font=dict(family=FONT, size=13, color=INK),
        margin=dict(l=8, r=8, t=40 if title else 8, b=8),
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=15)) if title else None,
        hoverlabel=dict(font=dict(family=FONT)), uirevision="keep",
    )
    return fig


def _city_kind(cities: pd.DataFrame) -> pd.Series:
    return pd.Series(np.where(cities["region"] == "US", "us", np.where(cities["ascn_pilot"], "ascn", "asean")),
                     index=cities.index)


def map_figure(dataset: Dataset, view: View, selected: str | None = None, title: str | None = None,
               height: int | None = None) -> go.Figure:
    """Partner cities as markers and city pairs as arcs (one trace per sector), Pacific-centred.

    ``view`` decides which lines and cities are in force; cities outside it stay as faint
    context. With ``selected``, that city's lines are drawn on top and the rest dimmed.
    """
    fig = go.Figure()
    links = view.links
    cities = dataset.cities
    sel_mask = ((links["asean_city_id"] == selected) | (links["us_city_id"] == selected)) if selected else None
    names = cities["name"]
    for sector in SECTORS:
        sector_links = links[links["sector"] == sector]
        if sector_links.empty:
            continue
        groups = [(sector_links, 1.0, 2.2, True)]
        if selected:
            on = sector_links[sel_mask.loc[sector_links.index]]
            groups = [(sector_links[~sel_mask.loc[sector_links.index]], 0.25, 1.6, on.empty), (on, 1.0, 4.0, True)]
        for part, opacity, width, legend in groups:
            if part.empty:
                continue
            lon, lat = arcs(part)
            label = (names.loc[part["asean_city_id"]].to_numpy() + " – " + names.loc[part["us_city_id"]].to_numpy()
                     + f" ({sector})")
            fig.add_trace(go.Scattergeo(
                lon=lon.astype(np.float32), lat=lat.astype(np.float32), mode="lines", name=sector,
                legendgroup=sector, showlegend=legend, opacity=opacity,
                line=dict(color=SECTOR_COLOURS[sector], width=width),
                hovertext=np.repeat(label, ARC_POINTS + 1), hoverinfo="text",
            ))
    counts = view.city_counts
    kind = _city_kind(cities)
    in_view = cities.index.isin(counts.index)
    position = np.arange(len(cities), dtype=np.int32)
    for key, (label, colour, symbol) in CITY_KINDS.items():
        mask = ~in_view if key == "other" else in_view & (kind == key).to_numpy()
        sub = cities[mask]
        if sub.empty:
            continue
        n = np.zeros(len(sub), dtype=np.int32) if key == "other" else counts.reindex(sub.index, fill_value=0).to_numpy(np.int32)
        size = (7 + 2.2 * np.sqrt(n)).clip(7, 22) if key != "other" else np.full(len(sub), 6.0)
        line_w = np.where(sub.index == selected, 3, 1) if selected else 1
        hover = ["<b>" + html_escape(nm) + "</b><br>" + html_escape(ct) + f"<br>{k} project(s) in view"
                 for nm, ct, k in zip(sub["name"], sub["country"], n)]
        fig.add_trace(go.Scattergeo(
            lon=sub["lon"].to_numpy(np.float32), lat=sub["lat"].to_numpy(np.float32), mode="markers",
            name=label, legendgroup="cities",
            marker=dict(color=colour, symbol=symbol, size=size.astype(np.float32),
                        line=dict(color="#111111" if selected else "#ffffff", width=line_w)),
            customdata=position[mask], hovertext=hover, hoverinfo="text",
        ))
    _base_layout(fig, title, height)
    fig.update_layout(
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
    if view.projects.empty:
        _empty_note(fig)
    return fig


def _bar_height(rows: int) -> int:
    """Figure height giving each bar the same thickness whatever the count."""
    return 48 + 30 * max(rows, 1)


def _hbar(labels: list[str], values: list[int], colours: list[str] | str, title: str | None, height: int | None,
          hover_noun: str = "project(s)") -> go.Figure:
    height = height or _bar_height(len(labels))
    fig = go.Figure(go.Bar(
        x=np.asarray(values, dtype=np.int32), y=labels, orientation="h", marker_color=colours,
        text=[str(v) for v in values], textposition="outside", cliponaxis=False,
        hovertemplate=f"%{{y}}: %{{x}} {hover_noun}<extra></extra>",
    ))
    _base_layout(fig, title, height)
    fig.update_layout(yaxis=dict(autorange="reversed", automargin=True), xaxis=dict(visible=False),
                      bargap=0.25, showlegend=False)
    return fig


def sectors_figure(view: View, title: str | None = None, height: int | None = None) -> go.Figure:
    """Projects per sector, every sector of the vocabulary in its fixed order and colour."""
    counts = view.projects["sector"].value_counts()
    values = [int(counts.get(s, 0)) for s in SECTORS]
    fig = _hbar(list(SECTORS), values, [SECTOR_COLOURS[s] for s in SECTORS], title, height)
    if view.projects.empty:
        _empty_note(fig)
    return fig


def countries_figure(dataset: Dataset, view: View, title: str | None = None, height: int | None = None) -> go.Figure:
    """Projects per country they concern, plus a bar for region-wide programmes."""
    pc = dataset.project_countries
    pc = pc[pc["project_id"].isin(view.projects.index)]
    counts = pc["iso3"].value_counts()
    names = country_names(dataset)
    labels = [names.get(c, c) for c in counts.index]
    values = [int(v) for v in counts.to_numpy()]
    regional = int((view.projects["scope"] == "region").sum())
    if regional:
        labels.append("Region-wide (all ASEAN)")
        values.append(regional)
    colours = ["#b31b1b" if lab == "United States" else "#7a8591" if lab.startswith("Region") else "#003f87" for lab in labels]
    fig = _hbar(labels, values, colours, title, height)
    if view.projects.empty:
        _empty_note(fig)
    return fig


def agencies_figure(view: View, title: str | None = None, height: int | None = None) -> go.Figure:
    """Projects per lead agency, most first."""
    counts = view.projects["lead_agency"].value_counts()
    fig = _hbar(list(counts.index), [int(v) for v in counts.to_numpy()], "#2f6f8f", title, height)
    if view.projects.empty:
        _empty_note(fig)
    return fig


def timeline_figure(view: View, title: str | None = None, height: int = 300) -> go.Figure:
    """Announcements per year, stacked by sector."""
    p = view.projects
    fig = go.Figure()
    if not p.empty:
        years = p["announced_date"].dt.year
        span = list(range(int(years.min()), int(years.max()) + 1))
        table = pd.crosstab(years, p["sector"]).reindex(index=span, fill_value=0)
        for sector in SECTORS:
            if sector in table.columns:
                fig.add_trace(go.Bar(
                    x=[str(y) for y in span], y=table[sector].to_numpy(np.int32), name=sector,
                    marker_color=SECTOR_COLOURS[sector],
                    hovertemplate=f"{sector}, %{{x}}: %{{y}} project(s)<extra></extra>",
                ))
    _base_layout(fig, title, height)
    fig.update_layout(barmode="stack", xaxis=dict(type="category", title=None),
                      yaxis=dict(title="Projects announced", dtick=1 if len(p) < 15 else None, rangemode="tozero"),
                      legend=dict(orientation="h", y=-0.18, font=dict(size=11)), showlegend=not p.empty)
    if p.empty:
        _empty_note(fig)
    return fig


def headline_numbers(dataset: Dataset, view: View) -> dict[str, int]:
    """Cities, countries, projects and city pairs in view."""
    pc = dataset.project_countries
    countries = set(pc.loc[pc["project_id"].isin(view.projects.index), "iso3"])
    countries |= set(dataset.cities.loc[view.city_counts.index, "iso3"])
    pairs = view.links[["asean_city_id", "us_city_id"]].drop_duplicates()
    return {"cities": len(view.city_counts), "countries": len(countries), "projects": len(view.projects),
            "city pairs": len(pairs)}
