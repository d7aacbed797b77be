"""The "About the partnership" panel and the header's note on what is counted: every sentence from data/about.json,
numbered to its source; the pilot cities and our own count from the data."""

from __future__ import annotations

from dash import html

from dashboard.ids import ids
from dashboard.model.about import SECTIONS, About
from dashboard.model.dataset import Dataset
from dashboard.model.words import activities, kinds_mix


def our_count(dataset: Dataset) -> str:
    """What the dashboard counts, in words: '26 activities (rows of the data, each from a source document): ...'."""
    n = len(dataset.projects)
    mix = kinds_mix(dataset.projects["kind"])
    return (f"This dashboard counts {activities(n)}: the rows of its data, each from a source document"
            + (f" ({mix})." if mix else "."))


def official_note(about: About | None) -> str:
    """The partnership's own published count, as its source puts it ('' when the about file gives none)."""
    counts = about.official_counts if about else ()
    return counts[0].text if counts else ""


def about_panel(dataset: Dataset, contents: bool = True) -> html.Details | None:
    """A header menu that opens the About panel (a native <details>: keyboard and screen-reader friendly);
    ``contents`` False gives its button alone (the page's first view, before the scripts)."""
    about = dataset.about
    if about is None:
        return None
    button = html.Summary("About the partnership", className="button subtle")
    if not contents:
        return html.Details(className="menu about-menu", children=button)
    sources = list(about.sources)

    def sentence(s) -> list:
        return [s.text, " ", html.Sup(html.A(f"[{sources.index(s.source) + 1}]", href="#" + ids.about_source(sources.index(s.source) + 1),
                                              **{"aria-label": f"source {sources.index(s.source) + 1}"}))]

    body: list = []
    for section in SECTIONS:
        found = about.section(section)
        if not found and section != "What was counted":
            continue
        body.append(html.H3(section))
        if section == "Goals":
            body.append(html.Ol([html.Li(sentence(s)) for s in found]))
        else:
            body += [html.P(sentence(s)) for s in found]
        if section == "What was counted":
            body.append(html.P(our_count(dataset)))
    pilots = dataset.cities[dataset.cities["ascn_pilot"]].sort_values("name")
    if len(pilots):
        body += [html.H3(f"The {len(pilots)} ASCN pilot cities in the data"),
                 html.P(", ".join(f"{n} ({c})" for n, c in zip(pilots["name"], pilots["country"])),
                        className="pilot-cities")]
    body += [html.H3("Sources"),
             html.Ol([html.Li(s, id=ids.about_source(i)) for i, s in enumerate(sources, 1)], className="about-sources")]
    return html.Details(className="menu about-menu", id=ids.ABOUT, children=[
        button,
        html.Section(className="menu-panel about-panel", **{"aria-labelledby": ids.ABOUT_TITLE}, children=[
            html.H2("About the U.S.-ASEAN Smart Cities Partnership", id=ids.ABOUT_TITLE),
            *body,
        ]),
    ])
