"""What the server says about its paths: robots.txt, real 404s, the page's HTML shell, cache lifetimes."""

from __future__ import annotations

import re

import pytest

from dashboard.server.paths import DAILY, IMMUTABLE, cache_control


def test_robots_txt_is_real(client):
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    assert r.get_data(as_text=True).startswith("User-agent: *\n")


@pytest.mark.parametrize("path", ["/sitemap.xml", "/nope", "/a/b/c", "/index.php"])
def test_a_path_that_is_no_page_is_not_found(client, path):
    r = client.get(path)
    assert r.status_code == 404
    text = r.get_data(as_text=True)
    assert "Page not found" in text and 'href="/"' in text and '<html lang="en">' in text


def test_the_page_is_in_english_described_and_has_one_footer_of_its_own(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<html lang="en">', html)
    assert re.search(r'<meta name="description" content="[^"]{50,}"', html)
    # the page's own footer (in the first view's HTML) and no other: Dash's own template wraps its scripts in a
    # second <footer> landmark
    assert html.count("<footer") == 1 and '<footer class="site-footer">' in html


def test_static_files_are_kept_as_long_as_their_url_says(client):
    assert client.get("/assets/style.css?m=123").headers["Cache-Control"] == IMMUTABLE
    assert client.get("/assets/topojson/world_110m.json").headers["Cache-Control"] == DAILY
    assert client.get("/_dash-component-suites/dash/dcc/async-graph.js").headers["Cache-Control"] == DAILY
    assert client.get("/").headers.get("Cache-Control") in (None, "no-cache")  # the page follows the data
    assert cache_control("/_dash-component-suites/dash/deps/react@18.v4_4_1m1796173036.3.1.min.js", "") == IMMUTABLE
    assert cache_control("/healthz", "") is None


def test_the_icon_a_browser_asks_for_by_itself_is_there(client):
    """Pages without a <link rel="icon"> (embeds, 404s) make the browser ask for /favicon.ico: not a 404 error."""
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype == "image/x-icon" and r.data[:4] == b"\x00\x00\x01\x00"


def test_an_embed_is_described_for_search_engines_and_link_previews(client):
    html = client.get("/embed/sectors?sector=Water").get_data(as_text=True)
    description = re.search(r'<meta name="description" content="([^"]+)"', html).group(1)
    assert "Bar chart" in description and "Water" in description
