"""Dash html components as HTML text: the page's first view, which the server sends inside the HTML so that the
header paints before any script has run (the scripts then draw the live page over it)."""

from __future__ import annotations

import html as _html
import re

from dash.development.base_component import Component

#: elements with no closing tag
VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
#: Dash's names of attributes that HTML spells otherwise
ATTRIBUTES = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex", "colSpan": "colspan",
              "rowSpan": "rowspan", "accessKey": "accesskey", "contentEditable": "contenteditable"}
#: attributes whose value names other elements by id
REFERENCES = frozenset({"for", "aria-labelledby", "aria-describedby", "aria-controls"})
#: props that are Dash's own, not HTML attributes
DASH_PROPS = frozenset({"children", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "loading_state", "key",
                        "setProps", "extend_fields"})


def _style(style: dict) -> str:
    """A style dict (``{"marginTop": "1rem"}``) as CSS text (``margin-top:1rem``)."""
    return ";".join(re.sub(r"(?<!^)([A-Z])", r"-\1", k).lower() + f":{v}" for k, v in style.items())


def to_html(node: object, id_prefix: str = "") -> str:
    """``node`` (components, strings, numbers, lists of them) as HTML text, every string escaped.

    Only `dash.html` components become elements; the others (stores, intervals, graphs,
    dropdowns) need the scripts and are left out. Ids and the attributes that refer to
    them get ``id_prefix``, so that the text can sit beside the live page without two
    elements sharing an id.
    """
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return _html.escape(str(node), quote=False)
    if isinstance(node, (list, tuple)):
        return "".join(to_html(child, id_prefix) for child in node)
    if not isinstance(node, Component) or node._namespace != "dash_html_components":
        return ""
    tag = node._type.lower()
    attributes = []
    # with its aria-* and data-* attributes; in a fixed order, so that the same page is the same text
    for name, value in sorted(node.to_plotly_json()["props"].items()):
        if name in DASH_PROPS or value is None or value is False:
            continue
        name = ATTRIBUTES.get(name, name)
        if name == "style" and isinstance(value, dict):
            value = _style(value)
        elif name == "id" or name in REFERENCES:
            value = " ".join(id_prefix + part for part in str(value).split())
        elif name == "href" and isinstance(value, str) and value.startswith("#"):
            value = "#" + id_prefix + value[1:]
        attributes.append(f" {name}" if value is True else f' {name}="{_html.escape(str(value))}"')
    opening = f"<{tag}{''.join(attributes)}>"
    if tag in VOID:
        return opening
    return opening + to_html(getattr(node, "children", None), id_prefix) + f"</{tag}>"
