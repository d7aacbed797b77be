"""The Export menu and the Share panel: links that carry the page's filters, and an embed snippet.

Export links are relative (``export/map.png?sector=Water``), so they work under any URL
prefix the page is served at. They are ordinary links; ``assets/exports.js`` turns a click
into a fetch with a busy state and a clear message if the export fails.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard.charts import BRIEFING_SLIDES, CHARTS
from dashboard.ids import ids

#: what each format's link says, and how a screen reader hears the file
FORMAT_NAMES = {"png": ("PNG", "a PNG image"), "svg": ("SVG", "an SVG image"), "pdf": ("PDF", "PDF"),
                "html": ("Offline HTML", "a file that works offline"),
                "pptx": ("PowerPoint", "a PowerPoint slide with an editable chart")}
#: (group, ((link text, export name, what it is, for a screen reader), ...)): the briefing pack, each chart
#: of the registry in the formats it offers, and the data
EXPORT_GROUPS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("Briefing pack", (("PowerPoint", "briefing.pptx", "the briefing pack as PowerPoint"),
                       ("PDF", "briefing.pdf", "the briefing pack as PDF"),
                       ("Word note", "briefing.docx", "a one-page briefing note as Word"))),
    *((chart.menu_label, tuple((FORMAT_NAMES[fmt][0], f"{chart.name}.{fmt}",
                                f"the {chart.menu_label.lower()} as {FORMAT_NAMES[fmt][1]}")
                               for fmt in chart.formats))
      for chart in CHARTS.values()),
    ("Data", (("CSV", "projects.csv", "the activities in view as CSV"),
              ("Excel", "projects.xlsx", "the activities in view as an Excel workbook"))),
)


#: the briefing packs the slide checkboxes apply to
PACKS = ("briefing.pptx", "briefing.pdf")
#: what each slide's checkbox says
SLIDE_LABELS = {**{name: chart.menu_label.removesuffix(" chart") for name, chart in CHARTS.items()},
                "projects": "Activities table"}


def export_href(name: str, search: str, slides: list[str] | tuple[str, ...] | None = None) -> str:
    """The link to export ``name`` for ``search``; a briefing pack's also names the ``slides`` ticked (when
    they are not all of them; none ticked is the whole pack)."""
    chosen = [s for s in BRIEFING_SLIDES if s in (slides or ())]
    if name in PACKS and chosen and len(chosen) < len(BRIEFING_SLIDES):
        search = f"{search}{'&' if search else '?'}slides={','.join(chosen)}"
    return f"export/{name}{search}"


def export_links(search: str, slides: list[str] | tuple[str, ...] | None = None) -> list:
    """The menu's groups of links, each carrying ``search`` (the page's canonical filter query) and, for the
    briefing packs, the ``slides`` ticked."""
    return [
        html.Div(className="export-group", children=[
            html.Span(group, className="export-group-title"),
            html.Ul(className="export-list", children=[
                html.Li(html.A(text, href=export_href(name, search, slides), className="export-link",
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
            html.Fieldset(className="export-slides", children=[
                html.Legend("Slides in the briefing pack", className="export-group-title"),
                dcc.Checklist(id=ids.EXPORT_SLIDES, value=list(BRIEFING_SLIDES), inline=True,
                              options=[{"label": SLIDE_LABELS[s], "value": s} for s in BRIEFING_SLIDES]),
            ]),
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
                         options=[{"label": chart.title, "value": chart.name} for chart in CHARTS.values()]),
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
    """The Export and Share menus, above the headline numbers (and, on a phone, a jump to the filters)."""
    return html.Div(className="toolbar", children=[
        html.A("Filters", href=f"#{ids.FILTERS}", className="button subtle filters-jump"),
        export_menu(), share_menu(),
    ])
