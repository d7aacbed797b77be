"""Compressed responses: encodings chosen from Accept-Encoding, static bodies compressed once."""

from __future__ import annotations

import gzip

import brotli
import pytest
from flask import Flask, jsonify

from dashboard.server import compress


@pytest.fixture()
def server():
    app = Flask(__name__)
    big = "console.log('hello');\n" * 2000

    @app.get("/assets/app.js")
    def asset():
        return app.response_class(big, mimetype="application/javascript")

    @app.post("/_dash-update-component")
    def callback():
        return jsonify({"response": {"x": ["y" * 50] * 200}})

    @app.get("/tiny")
    def tiny():
        return "ok"

    cache = compress.install(app)
    return app, cache, big


@pytest.mark.parametrize("header, expected", [
    ("gzip, deflate, br", "br"), ("gzip, deflate", "gzip"), ("br;q=0, gzip", "gzip"), ("identity", None),
    ("", None), (None, None), ("*", "gzip"), ("gzip;q=abc", None),
])
def test_choose_encoding(header, expected):
    assert compress.choose_encoding(header) == expected


def test_static_files_are_compressed_once(server):
    app, cache, big = server
    client = app.test_client()
    first = client.get("/assets/app.js", headers={"Accept-Encoding": "br"})
    second = client.get("/assets/app.js", headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br" and "Accept-Encoding" in first.headers["Vary"]
    assert brotli.decompress(first.data).decode() == big
    assert first.data == second.data and len(cache._items) == 1
    plain = client.get("/assets/app.js")
    assert "Content-Encoding" not in plain.headers and plain.data.decode() == big


def test_callback_json_is_compressed_per_response(server):
    app, cache, _ = server
    r = app.test_client().post("/_dash-update-component", headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(r.data).startswith(b'{"response"')
    assert len(cache._items) == 0  # dynamic bodies are not kept


def test_small_bodies_are_left_alone(server):
    app, _, _ = server
    r = app.test_client().get("/tiny", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in r.headers and r.data == b"ok"
