"""The reference: a plain Dash app over the same files, written the way the Dash and Plotly examples do.

Full plotly.js, Plotly's default template, one Scattergeo trace per city pair, GeoPandas to
read the cities, a sector dropdown and one callback, no compression. It is given the same
local map outlines (its default would be a CDN, blocked here, and draw nothing at all).

    gunicorn "benchmarks.reference_app:server"   (data from $USASCP_DATA_DIR)
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

from dashboard import DEFAULT_DATA_DIR, PACKAGE_DIR

DATA = Path(os.environ.get("USASCP_DATA_DIR") or DEFAULT_DATA_DIR)

cities = gpd.read_file(DATA / "cities.geojson").set_index("city_id")
projects = pd.read_csv(DATA / "projects.csv", keep_default_na=False)


def make_figure(sector: str | None) -> go.Figure:
    fig = go.Figure()
    rows = projects if not sector else projects[projects["sector"] == sector]
    for _, row in rows.iterrows():
        for a in filter(None, row["asean_city_ids"].split(";")):
            for u in filter(None, row["us_city_ids"].split(";")):
                fig.add_trace(go.Scattergeo(
                    lon=[cities.geometry[a].x, cities.geometry[u].x], lat=[cities.geometry[a].y, cities.geometry[u].y],
                    mode="lines", name=row["title"], showlegend=False,
                ))
    fig.add_trace(go.Scattergeo(lon=cities.geometry.x, lat=cities.geometry.y, text=cities["name"], mode="markers",
                                name="Cities"))
    fig.update_layout(height=600, geo=dict(projection_type="natural earth", showcountries=True))
    return fig


# the dashboard's assets folder for its map outlines only: none of the dashboard's scripts or style sheets (its
# hydrate.js would start a second Dash renderer in this page, which then never draws its map)
app = Dash(__name__, assets_folder=str(PACKAGE_DIR / "assets"), assets_ignore=r".*\.(js|css)$")
app.layout = html.Div([
    html.H1("Smart cities"),
    dcc.Dropdown(id="sector", options=sorted(projects["sector"].unique()), placeholder="Sector"),
    dcc.Graph(id="map", figure=make_figure(None), config={"topojsonURL": "/assets/topojson/"}),
])


@app.callback(Output("map", "figure"), Input("sector", "value"), prevent_initial_call=True)
def update(sector):
    return make_figure(sector)


server = app.server
