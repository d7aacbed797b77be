"""The app through Flask's test client: pages, layout, dependencies, the filter callback, assets."""

from __future__ import annotations

import json
import re

import pytest

from dashboard.ids import ids
from tests.payloads import filter_body


def callback_payload(app, trigger, values=None):
    """A /_dash-update-component body for the filter callback."""
    deps = app.server.test_client().get("/_dash-dependencies").get_json()
    return filter_body(deps, trigger, values)


def post(client, body):
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def test_index_serves_every_asset_locally(client):
    r = client.get("/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "U.S.-ASEAN Smart Cities Partnership" in html
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url


def test_layout_holds_the_initial_figures(client):
    layout = client.get("/_dash-layout").get_json()
    graphs = {}

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Graph":
                graphs[node["props"]["id"]] = node["props"]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(layout)
    assert set(graphs) == {ids.MAP, ids.SECTORS_CHART, ids.COUNTRIES_CHART, ids.AGENCIES_CHART, ids.TIMELINE_CHART}
    assert graphs[ids.MAP]["config"]["topojsonURL"] == "/assets/topojson/"
    # the name the export callback gives the unfiltered page, so the graphs need no redraw on load
    from dashboard.exports.common import file_stem
    from dashboard.filters import FilterState

    assert graphs[ids.MAP]["config"]["toImageButtonOptions"]["filename"] == file_stem("map", FilterState())
    names = [t["name"] for t in graphs[ids.MAP]["figure"]["data"]]
    assert "ASCN pilot city" in names and "Water" in names


def test_dependencies_list_the_filter_callback(client):
    deps = client.get("/_dash-dependencies").get_json()
    outputs = " ".join(d["output"] for d in deps)
    assert f"{ids.MAP}.figure" in outputs and f"{ids.URL}.search" in outputs


def test_topojson_is_served(client):
    for name in ("world_110m.json", "world_50m.json"):
        r = client.get(f"/assets/topojson/{name}")
        assert r.status_code == 200 and json.loads(r.data)["type"] == "Topology"
    assert client.get("/assets/topojson/LICENSE").status_code == 200


def _response(app, client, **kw):
    r = post(client, callback_payload(app, **kw))
    assert r.status_code == 200, r.data[:300]
    return r.get_json()["response"]


def test_sector_change_updates_every_view_and_the_url(app, client):
    resp = _response(app, client, trigger=f"{ids.SECTOR}.value", values={f"{ids.SECTOR}.value": ["Water"]})
    assert resp[ids.URL]["search"] == "?sector=Water"
    fig = resp[ids.MAP]["figure"]
    assert [t["name"] for t in fig["data"] if t["mode"] == "lines"] == ["Water"]
    assert resp[ids.TABLE_CAPTION]["children"].startswith("5 project(s)")
    assert len(resp[ids.TABLE_DATA]["data"]) == 5


def test_link_sets_the_controls_and_notices_unknown_values(app, client):
    resp = _response(app, client, trigger="url.search", values={"url.search": "?country=thailand&sector=Watr"})
    assert resp[ids.COUNTRY]["value"] == ["THA"]
    assert "sector 'Watr'" in resp[ids.NOTICE]["children"]
    assert len(resp[ids.TABLE_DATA]["data"]) == 2


def test_map_click_opens_the_city_panel(app, client, shipped):
    idx = int(shipped.cities.index.get_loc("phuket"))
    resp = _response(app, client, trigger=f"{ids.MAP}.clickData", values={f"{ids.MAP}.clickData": {"points": [{"customdata": idx}]}})
    assert resp[ids.CITY]["value"] == "phuket"
    assert resp["details-panel"]["hidden"] is False
    assert "Phuket" in json.dumps(resp[ids.DETAILS]["children"])
    assert resp[ids.URL]["search"] == "?city=phuket"


def test_empty_result_is_a_friendly_state(app, client):
    resp = _response(app, client, trigger=f"{ids.SECTOR}.value",
                     values={f"{ids.SECTOR}.value": ["Health"], f"{ids.COUNTRY}.value": ["USA"]})
    assert resp[ids.EMPTY]["hidden"] is False
    assert resp[ids.TABLE_DATA]["data"] == []


@pytest.mark.parametrize("values", [
    {f"{ids.SECTOR}.value": {"a": 1}}, {f"{ids.SECTOR}.value": ["x"] * 10000}, {f"{ids.CITY}.value": ["phuket"]},
    {f"{ids.MAP}.clickData": "junk"}, {"url.search": 12}, {f"{ids.STATUS}.value": [None, 3, "active"]},
])
def test_garbage_inputs_never_500(app, client, values):
    trigger = next(iter(values))
    r = post(client, callback_payload(app, trigger=trigger, values=values))
    assert r.status_code < 500
