"""Dash html components as HTML text: the page's first view, which the server sends inside the HTML so that the
header paints before any script has run (the scripts then draw the live page over it)."""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable

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


#: what stands in for a component that needs the scripts (a graph, a dropdown): (component, id prefix) -> HTML
Others = Callable[[Component, str], str]


def to_html(node: object, id_prefix: str = "", others: Others | None = None) -> str:
    """``node`` (components, strings, numbers, lists of them) as HTML text, every string escaped.

    `dash.html` components become elements; the others (stores, graphs, dropdowns) need the
    scripts: ``others`` gives what stands in for them (default: nothing). Ids and the
    attributes that refer to them get ``id_prefix``, so that the text can sit beside the
    live page without two elements sharing an id.
    """
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return _html.escape(str(node), quote=False)
    if isinstance(node, (list, tuple)):
        return "".join(to_html(child, id_prefix, others) for child in node)
    if not isinstance(node, Component):
        return ""
    if node._namespace != "dash_html_components":
        return others(node, id_prefix) if others is not None else ""
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
    return opening + to_html(getattr(node, "children", None), id_prefix, others) + f"</{tag}>"


def _attr(name: str, value: object) -> str:
    return f' {name}="{_html.escape(str(value))}"'


def _label_of(options: list, value: object) -> str:
    return next((_label_text(o) for o in options or [] if _label_value(o) == value), str(value))


#: the open-the-list mark at a dropdown's right end, where Dash's own is drawn (a downward chevron, 15 px)
CHEVRON = ('<svg class="dash-dropdown-trigger-icon" width="15" height="15" viewBox="0 0 15 15" aria-hidden="true">'
           '<path d="M4.5 6.25 7.5 9.25 10.5 6.25" fill="none" stroke="currentColor" stroke-width="1"'
           ' stroke-linecap="round" stroke-linejoin="round"/></svg>')


def still_controls(values: dict[str, object], still: Callable[[str], str]) -> Others:
    """What stands in for the page's core components before the scripts run, showing the link's state.

    ``values``: each control's value by component id (`filters.control_values`); ``still``: a graph's id
    -> the HTML of its still image. Dropdowns become boxes of the same size showing their values,
    checklists and radio items native inputs, inputs inputs; stores, timers and the like nothing.
    """
    def convert(node: Component, prefix: str) -> str:
        kind = node._type
        cid = getattr(node, "id", None)
        value = values.get(cid, getattr(node, "value", None)) if isinstance(cid, str) else None
        ident = _attr("id", prefix + cid) if isinstance(cid, str) else ""
        if kind == "Graph":
            return still(cid) if isinstance(cid, str) else ""
        if kind == "Dropdown":  # Dash's markup, so that the same style rules size it
            chosen = [v for v in (value if isinstance(value, list) else [value]) if v not in (None, "")]
            text = ", ".join(_label_of(node.options, v) for v in chosen)
            shown = (f'<span class="dash-dropdown-value">{_html.escape(text)}</span>' if chosen else
                     '<span class="dash-dropdown-value dash-dropdown-placeholder">'
                     f'{_html.escape(str(getattr(node, "placeholder", "") or ""))}</span>')
            return (f'<div class="dash-dropdown-wrapper"><div{ident} class="dash-dropdown static-select">'
                    f'<span class="dash-dropdown-grid-container dash-dropdown-trigger">{shown}{CHEVRON}</span>'
                    '</div></div>')
        if kind in ("Checklist", "RadioItems"):
            chosen = value if isinstance(value, list) else [value]
            box, css = ("checkbox", "dash-checklist") if kind == "Checklist" else ("radio", "dash-radioitems")
            inline = " dash-radioitems-inline" if getattr(node, "inline", False) else ""
            check = " ".join(c for c in ("dash-options-list-option-checkbox", getattr(node, "inputClassName", None)) if c)
            items = "".join(
                f'<label class="dash-options-list-option{" selected" if _label_value(o) in chosen else ""}{inline}">'
                f'<span class="dash-options-list-option-wrapper"><input type="{box}"{_attr("name", prefix + str(cid))}'
                f'{_attr("class", check)}{" checked" if _label_value(o) in chosen else ""}></span>'
                f'<span class="dash-options-list-option-text"><span>{_html.escape(_label_text(o))}</span></span>'
                '</label>' for o in node.options or [])
            classes = " ".join(c for c in ("dash-options-list", css, getattr(node, "className", None)) if c)
            return f'<div{ident}{_attr("class", classes)}>{items}</div>'
        if kind == "Input":
            attributes = [_attr("type", getattr(node, "type", None) or "text"), _attr("value", value or ""),
                          _attr("class", "dash-input-element")]
            if getattr(node, "placeholder", None):
                attributes.append(_attr("placeholder", node.placeholder))
            container = " ".join(c for c in ("dash-input-container dash-input", getattr(node, "className", None)) if c)
            return f'<div{_attr("class", container)}><input{ident}{"".join(attributes)}></div>'
        return ""

    return convert


def _label_value(option: object) -> object:
    return option.get("value") if isinstance(option, dict) else option


def _label_text(option: object) -> str:
    return str(option.get("label", option.get("value"))) if isinstance(option, dict) else str(option)
