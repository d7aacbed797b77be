"""The Export menu and the Share panel: links that carry the page's filters, and an embed snippet.

Export links are relative (``export/map.png?sector=Water``), so they work under any URL
prefix the page is served at. They are ordinary links; ``assets/exports.js`` turns a click
into a fetch with a busy state and a clear message if the export fails.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard.exports.common import CHART_TITLES
from dashboard.ids import ids

#: (group, [(link text, export name, what it is, for a screen reader)])
EXPORT_GROUPS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("Briefing pack", (("PowerPoint", "briefing.pptx", "the briefing pack as PowerPoint"),
                       ("PDF", "briefing.pdf", "the briefing pack as PDF"))),
    ("Map", (("PNG", "map.png", "the map as a PNG image"), ("SVG", "map.svg", "the map as an SVG image"),
             ("PDF", "map.pdf", "the map as PDF"), ("Offline HTML", "map.html", "the map as a file that works offline"))),
    *((label, tuple((fmt.upper(), f"{chart}.{fmt}", f"the {chart} chart as {fmt.upper()}") for fmt in ("png", "svg", "pdf")))
      for chart, label in (("sectors", "Sectors chart"), ("countries", "Countries chart"),
                           ("agencies", "Agencies chart"), ("timeline", "Timeline chart"))),
    ("Data", (("CSV", "projects.csv", "the projects in view as CSV"),
              ("Excel", "projects.xlsx", "the projects in view as an Excel workbook"))),
)


def export_href(name: str, search: str) -> str:
    return f"export/{name}{search}"


def export_links(search: str) -> list:
    """The menu's groups of links, each carrying ``search`` (the page's canonical filter query)."""
    return [
        html.Div(className="export-group", children=[
            html.Span(group, className="export-group-title"),
            html.Ul(className="export-list", children=[
                html.Li(html.A(text, href=export_href(name, search), className="export-link",
                               **{"data-label": what, "aria-label": f"Download {what}"}))
                for text, name, what in links
            ]),
        ])
        for group, links in EXPORT_GROUPS
    ]


def export_menu() -> html.Details:
    return html.Details(id=ids.EXPORT_MENU, className="menu export-menu", children=[
        html.Summary("Export", className="button subtle menu-button"),
        html.Div(className="menu-panel", children=[
            html.P("Files for the filters on screen:", className="menu-note"),
            html.Div(export_links(""), id=ids.EXPORT_LINKS),
            html.P(id=ids.EXPORT_STATUS, className="export-status", role="status", **{"aria-live": "polite"}),
        ]),
    ])


def share_menu() -> html.Details:
    return html.Details(id=ids.SHARE, className="menu share-menu", children=[
        html.Summary("Share", className="button subtle menu-button"),
        html.Div(className="menu-panel", children=[
            html.Label("Link to this view", htmlFor=ids.SHARE_LINK),
            html.Div(className="copy-row", children=[
                dcc.Input(id=ids.SHARE_LINK, type="text", readOnly=True, value="", className="share-field"),
                dcc.Clipboard(target_id=ids.SHARE_LINK, title="Copy the link", className="copy"),
            ]),
            html.Label("Embed a chart in another page", htmlFor=ids.SHARE_CHART),
            dcc.Dropdown(id=ids.SHARE_CHART, value="map", clearable=False, searchable=False,
                         options=[{"label": title, "value": chart} for chart, title in CHART_TITLES.items()]),
            html.Label("HTML to paste into the other page", htmlFor=ids.SHARE_SNIPPET, className="minor"),
            html.Div(className="copy-row", children=[
                dcc.Textarea(id=ids.SHARE_SNIPPET, readOnly=True, value="", className="share-field snippet"),
                dcc.Clipboard(target_id=ids.SHARE_SNIPPET, title="Copy the HTML", className="copy"),
            ]),
            html.A("Preview the embedded chart", id=ids.SHARE_PREVIEW, href="embed/map", target="_blank",
                   rel="noopener"),
        ]),
    ])


def toolbar() -> html.Div:
    """The Export and Share menus, above the headline numbers."""
    return html.Div(className="toolbar", children=[export_menu(), share_menu()])
