"""Every component id of the page, named once."""


class ids:  # noqa: N801 - a namespace, as in Dash all-in-one components
    URL = "url"
    SECTOR = "filter-sector"
    COUNTRY = "filter-country"
    AGENCY = "filter-agency"
    STATUS = "filter-status"
    KIND = "filter-kind"
    CITY = "filter-city"
    YEAR_FROM = "filter-from"
    YEAR_TO = "filter-to"
    QUERY = "filter-q"
    RESET = "filter-reset"
    FILTERS = "filters"
    #: the control of each filter, by its URL parameter (`dashboard.model.filters.FILTERS`)
    MAP_VIEW = "map-view"
    CONTROLS = {"sector": SECTOR, "country": COUNTRY, "agency": AGENCY, "status": STATUS, "kind": KIND, "from": YEAR_FROM,
                "to": YEAR_TO, "q": QUERY, "city": CITY, "view": MAP_VIEW}
    NOTICE = "link-notice"
    HEADLINES = "headlines"
    MAP = "map"
    MAP_CAPTION = "map-caption"
    MAP_NOTE = "map-note"
    DETAILS = "city-details"
    DETAILS_CLOSE = "city-details-close"
    DETAILS_PANEL = "details-panel"
    DETAILS_TITLE = "city-details-title"
    TABLE = "projects-table"
    TABLE_CAPTION = "projects-table-caption"
    TABLE_BODY = "projects-table-body"
    TABLE_DATA = "projects-table-data"
    TABLE_SORT = "projects-table-sort"
    TABLE_SECTION = "projects"

    @staticmethod
    def chart(name: str) -> str:
        """The graph of a chart of the registry (`dashboard.charts`): 'map' for the map, 'chart-<name>' otherwise."""
        return ids.MAP if name == "map" else f"chart-{name}"

    @staticmethod
    def staged(graph_id: str) -> str:
        """The store a graph's figure arrives in; the browser hands it on (`dashboard.charts.Chart.adapt`)."""
        return f"{graph_id}-figure"

    @staticmethod
    def sort_button(column: str) -> str:
        return f"sort-{column}"

    @staticmethod
    def heading(component_id: str) -> str:
        """The id of the heading that names a section or chart."""
        return f"{component_id}-heading"

    @staticmethod
    def label(control_id: str) -> str:
        """The id of a control's label."""
        return f"{control_id}-label"

    EMPTY = "empty-state"
    LIVE = "live-status"
    EXPORT_MENU = "export-menu"
    EXPORT_LINKS = "export-links"
    EXPORT_STATUS = "export-status"
    EXPORT_SLIDES = "export-slides"
    SHARE = "share-menu"
    SHARE_LINK = "share-link"
    SHARE_CHART = "share-chart"
    SHARE_SNIPPET = "share-snippet"
    SHARE_PREVIEW = "share-preview"
    DATA_BANNER = "data-banner"
    DATA_VERSION = "data-version"
    DATA_POLL = "data-poll"
    DATA_AS_OF = "data-as-of"
    ABOUT = "about-menu"
    ABOUT_TITLE = "about-title"

    @staticmethod
    def about_source(n: int) -> str:
        """The About panel's n-th source (1-based), which its statements link to."""
        return f"about-source-{n}"
