"""The app on the demo data, through Flask's test client and the filter callback's pure core: pages, layout,
dependencies, the filter callback, assets."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from dash import no_update

from dashboard.callbacks.filtering import outputs_for
from dashboard.charts import CHARTS
from dashboard.exports.common import file_stem
from dashboard.ids import ids
from dashboard.model.filters import FilterState
from dashboard.model.render import render
from dashboard.testing import filter_body


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
    for url in re.findall(r'(?:src|href|srcset)="([^"]+)"', html):
        assert not re.match(r"[a-z][a-z0-9+.-]*:|//", url), url  # this server's (or a place on the page)
        if url.startswith("/"):
            assert client.get(unescape(url)).status_code == 200, url


def test_layout_holds_the_initial_figures(client):
    layout = client.get("/_dash-layout").get_json()
    graphs, stores = {}, {}

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Graph":
                graphs[node["props"]["id"]] = node["props"]
            if node.get("type") == "Store":
                stores[node["props"]["id"]] = node["props"]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(layout)
    assert set(graphs) == {"map", "chart-pairs", "chart-sectors", "chart-countries", "chart-agencies", "chart-timeline"}
    assert graphs[ids.MAP]["config"]["topojsonURL"] == "/assets/topojson/"
    # the name the export callback gives the unfiltered page, so the graphs need no redraw on load
    assert graphs[ids.MAP]["config"]["toImageButtonOptions"]["filename"] == file_stem("map", FilterState())
    # the map's figure waits in a store until the browser has picked the names that fit its size
    assert "figure" not in graphs[ids.MAP]
    names = [t["name"] for t in stores[ids.staged(ids.MAP)]["data"]["data"]]
    assert "ASCN pilot city" in names and "Water" in names


def test_dependencies_list_the_filter_callback(client):
    deps = client.get("/_dash-dependencies").get_json()
    outputs = " ".join(d["output"] for d in deps)
    assert f"{ids.staged(ids.MAP)}.data" in outputs and f"{ids.URL}.search" in outputs


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
    fig = resp[ids.staged(ids.MAP)]["data"]
    assert [t["name"] for t in fig["data"] if t["mode"] == "lines" and t["name"] != "City names"] == ["Water"]
    # the demo's three water pairs
    assert resp[ids.TABLE_CAPTION]["children"].startswith("3 activities")
    assert len(resp[ids.TABLE_DATA]["data"]) == 3


def test_link_sets_the_controls_and_notices_unknown_values(app, client):
    resp = _response(app, client, trigger="url.search", values={"url.search": "?country=thailand&sector=Watr"})
    assert resp[ids.COUNTRY]["value"] == ["THA"]
    assert "sector 'Watr'" in resp[ids.NOTICE]["children"]
    # Thailand in the demo: the Phuket water and transport pairs and the Thai health records
    assert len(resp[ids.TABLE_DATA]["data"]) == 3


def test_map_click_opens_the_city_panel(app, client, demo):
    idx = int(demo.cities.index.get_loc("phuket"))
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


def test_outputs_for_names_every_part_of_the_page(demo):
    """The filter callback's pure core, called directly: one named output per part of the page."""
    rendered = render(demo, FilterState(sectors=("Water",)))
    out = outputs_for(demo, rendered, [], None)
    assert set(out) == {"controls", "search", "notice", "headlines", "figures", "map_caption", "details",
                        "details_hidden", "table", "table_caption", "empty_hidden"}
    assert set(out["figures"]) == set(CHARTS)
    assert [t["name"] for t in out["figures"]["map"]["data"] if t["mode"] == "lines" and t["name"] != "City names"] == ["Water"]
    assert out["controls"] == {"sector": ["Water"], "country": [], "agency": [], "status": [], "kind": [], "from": None,
                               "to": None, "q": "", "city": None, "view": ""}
    assert out["search"] == "?sector=Water" and out["notice"] == ""
    assert len(out["table"]) == 3 and out["table_caption"].startswith("3 activities")  # the three water pairs
    assert out["details_hidden"] is True and out["empty_hidden"] is True
    # controls that already show the state are left alone, and so is an address bar that already holds it
    again = outputs_for(demo, rendered, [], "?sector=Water", controls=out["controls"])
    assert all(v is no_update for v in again["controls"].values()) and again["search"] is no_update


def test_the_pages_html_checks_the_callbacks_against_a_skeleton_not_a_second_copy_of_the_page(client, demo):
    """Dash puts a layout in every page's config to check the callbacks against; ours has every id of the live
    layout, as the same components, but none of its figures, stored data, options or text."""
    text = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', text,
                                  re.S).group(1))
    skeleton = json.dumps(config["validation_layout"])
    live = client.get("/_dash-layout").get_data(as_text=True)

    def typed_ids(node) -> set:
        if isinstance(node, list):
            return set().union(*map(typed_ids, node))
        if not isinstance(node, dict) or "props" not in node:
            return set()
        own = {(node["props"]["id"], node["type"])} if "id" in node["props"] else set()
        return own | typed_ids(node["props"].get("children"))

    assert len(typed_ids(json.loads(live))) > 50
    assert typed_ids(config["validation_layout"]) == typed_ids(json.loads(live))
    live = json.dumps(json.loads(live))  # spelt as the skeleton is
    for data in ('"figure"', '"options"', json.dumps(demo.projects["title"].iloc[0])):
        assert data in live and data not in skeleton
    assert len(skeleton) < len(live) / 3
