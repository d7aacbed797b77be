"""Find where a value sits in a JSON text, so GeoJSON errors can name a line and column.

Files are parsed with the fast C decoder; only when there is something to report is
the text parsed again with the pure-Python scanner, whose object and array hooks see
each container's offset.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from functools import lru_cache


class _SpanDict(dict):
    start = 0
    end = 0


class _SpanList(list):
    start = 0
    end = 0


def _parse_object(s_and_end, *args, **kwargs):
    s, end = s_and_end
    obj, new_end = json.decoder.JSONObject(s_and_end, *args, **kwargs)
    out = _SpanDict(obj)
    out.start, out.end = end - 1, new_end
    return out, new_end


def _parse_array(s_and_end, scan_once, **kwargs):
    s, end = s_and_end
    arr, new_end = json.decoder.JSONArray(s_and_end, scan_once)
    out = _SpanList(arr)
    out.start, out.end = end - 1, new_end
    return out, new_end


@lru_cache(maxsize=4)
def _spanned(text: str):
    decoder = json.JSONDecoder()
    decoder.parse_object = _parse_object
    decoder.parse_array = _parse_array
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder.decode(text)


def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of character offset ``pos``."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def locate(text: str, path: tuple) -> tuple[int, int]:
    """Line and column of the value at ``path`` (keys and indexes) — or of the deepest part that exists."""
    try:
        node = _spanned(text)
    except ValueError:
        return 1, 1
    pos = getattr(node, "start", 0)
    for step in path:
        if isinstance(node, dict) and isinstance(step, str):
            match = _find_key(text, node, step)
            if match is None:
                break
            pos = match
            node = node.get(step)
            pos = getattr(node, "start", pos)
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            pos = getattr(node, "start", pos)
        else:
            break
    return line_col(text, pos)


def _find_key(text: str, node: _SpanDict, key: str) -> int | None:
    """Offset of the value of ``key`` directly inside ``node``."""
    pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:\s*")
    depth_ok = _top_level_offsets(text, node)
    for m in pattern.finditer(text, node.start, node.end):
        if m.start() in depth_ok:
            return m.end()
    return None


def _top_level_offsets(text: str, node: _SpanDict) -> set[int]:
    """Offsets of string starts at depth 1 inside the object (its own keys)."""
    out: set[int] = set()
    depth, i, in_str = 0, node.start, False
    while i < node.end:
        ch = text[i]
        if in_str:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
            if depth == 1:
                out.add(i)
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        i += 1
    return out
