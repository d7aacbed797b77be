"""The controlled vocabularies of the data files, defined once: sectors, statuses, agencies, regions, columns."""

from __future__ import annotations

#: Sectors, in display order, with a colour-blind-safe colour each (Okabe & Ito's
#: palette; its yellow swapped for an olive that keeps contrast on a light map).
SECTOR_COLOURS: dict[str, str] = {
    "Water": "#0072B2",
    "Transportation": "#D55E00",
    "Innovation & Research": "#009E73",
    "Health": "#CC79A7",
    "Energy & Cybersecurity": "#E69F00",
    "Integrated Urban Services": "#56B4E9",
    "Private Sector & Trade": "#8C7A00",
    "Capacity Building": "#404040",
}
SECTORS: tuple[str, ...] = tuple(SECTOR_COLOURS)

#: Where an activity stands, per its source document.
STATUSES: tuple[str, ...] = ("planned", "announced", "active", "completed")

#: What kind of activity a row of projects.csv is, per its source document (the data counts all of them as
#: "activities"; the partnership's own documents count "projects"), with the plural each reads as.
KINDS: dict[str, str] = {
    "project": "projects",        # a funded piece of work: a grant, a study, a pilot
    "programme": "programmes",    # a standing programme of several activities, often region-wide
    "event": "events",            # a forum, a trade event, a presentation to stakeholders
    "exchange": "exchanges",      # a city or utility pairing, a delegation visit
    "training": "training",       # workshops and courses
}

REGIONS: tuple[str, ...] = ("ASEAN", "US")

#: Lead agencies, spelled as the shipped projects.csv spells them. A row naming another agency is
#: an error (it would be a separate bar beside the real one); a new agency is added here first.
AGENCIES: tuple[str, ...] = (
    "Department of State",
    "Department of Transportation",
    "Department of Commerce",
    "National Science Foundation",
    "Centers for Disease Control and Prevention",
    "National Renewable Energy Laboratory",
    "Pacific Northwest National Laboratory",
)

#: Other ways people write those agencies (compared ignoring case, spaces and punctuation): an error whose hint
#: names the agency. Besides these, "Dept." is read as "Department" and a leading "U.S." is ignored.
AGENCY_ALIASES: dict[str, str] = {
    "Dept. of State": "Department of State",
    "State Department": "Department of State",
    "DOS": "Department of State",
    "Dept. of Transportation": "Department of Transportation",
    "DOT": "Department of Transportation",
    "USDOT": "Department of Transportation",
    "Dept. of Commerce": "Department of Commerce",
    "Commerce Department": "Department of Commerce",
    "DOC": "Department of Commerce",
    "NSF": "National Science Foundation",
    "CDC": "Centers for Disease Control and Prevention",
    "Centers for Disease Control": "Centers for Disease Control and Prevention",
    "NREL": "National Renewable Energy Laboratory",
    "PNNL": "Pacific Northwest National Laboratory",
}

#: ASEAN member states (Timor-Leste joined as the eleventh member in October 2025).
ASEAN_ISO3: frozenset[str] = frozenset(
    {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM", "TLS"}
)

#: Country names as the partnership writes them, where they differ from the gazetteer's.
COUNTRY_NAME_OVERRIDES: dict[str, str] = {
    "BRN": "Brunei Darussalam",
    "LAO": "Lao PDR",
    "VNM": "Viet Nam",
    "USA": "United States",
}

#: Columns of projects.csv that must be present, and those whose cells may not be empty.
PROJECT_COLUMNS: tuple[str, ...] = (
    "project_id", "title", "sector", "program", "lead_agency", "partners",
    "asean_city_ids", "us_city_ids", "countries", "status", "announced",
    "description", "source", "kind",
)
PROJECT_REQUIRED_CELLS: tuple[str, ...] = (
    "project_id", "title", "sector", "lead_agency", "status", "announced", "source", "kind",
)
#: free-text columns checked for spreadsheet-formula prefixes
PROJECT_TEXT_COLUMNS: tuple[str, ...] = (
    "title", "program", "lead_agency", "partners", "description", "source",
)
#: properties every feature of cities.geojson carries
CITY_PROPERTIES: tuple[str, ...] = (
    "city_id", "name", "country", "iso3", "region", "ascn_pilot", "admin1",
)

#: A cell starting with one of these would run as a formula in a spreadsheet.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\0")

LIST_SEPARATOR = ";"
