"""The filter state: URL parsing, control values, the query string, and `apply` on a tiny dataset."""

from __future__ import annotations

import pytest

from dashboard.callbacks.table import next_sort
from dashboard.model import filters
from dashboard.model.filters import FilterState


@pytest.fixture(scope="module")
def allowed(tiny):
    """The tiny dataset's `Index`: the values the filters allow and how links may spell them."""
    return tiny.index


def test_parse_is_case_insensitive_and_accepts_country_names(allowed):
    state, ignored = filters.parse_query("?sector=WATER,innovation%20%26%20research&country=thailand,IDN&status=Announced", allowed)
    assert state.sectors == ("Water", "Innovation & Research")
    assert state.countries == ("THA", "IDN")
    assert state.statuses == ("announced",)
    assert ignored == []


def test_parse_reports_values_that_match_nothing(allowed):
    state, ignored = filters.parse_query("?sector=Watr&country=Atlantis&city=nowhere&agency=NASA", allowed)
    assert state == FilterState()
    assert list(map(str, ignored)) == ["sector 'Watr'", "country 'Atlantis'", "agency 'NASA'", "city 'nowhere'"]
    assert ignored[0] == filters.Ignored("sector", "Watr")


def test_parse_city_by_id_or_name(allowed):
    assert filters.parse_query("?city=Phuket", allowed)[0].city == "phuket"
    assert filters.parse_query("?city=ho-chi-minh-city", allowed)[0].city == "ho-chi-minh-city"


@pytest.mark.parametrize("search", [None, "", "?", "?sector=", "?=&&==", 42, ["x"], "?sector=" + ",".join(["Water"] * 5000)])
def test_parse_never_fails(allowed, search):
    state, _ = filters.parse_query(search, allowed)
    assert isinstance(state, FilterState)


def test_huge_lists_are_capped(allowed):
    state, ignored = filters.parse_query("?agency=" + ",".join(f"a{i}" for i in range(500)), allowed)
    assert state.agencies == () and len(ignored) == filters.MAX_VALUES + 1


def test_from_controls_drops_unknown_values_and_wrong_types(allowed):
    values = {"sector": ["Water", "Nope", 3, None], "country": {"x": 1}, "agency": "Department of State",
              "status": None, "city": 7, "not-a-filter": ["Water"]}
    state = filters.from_controls(values, allowed)
    assert state == FilterState(sectors=("Water",), agencies=("Department of State",))
    assert filters.from_controls({}, allowed) == FilterState()


def test_control_values_round_trip(allowed):
    state = FilterState(sectors=("Water",), countries=("THA",), city="phuket")
    values = filters.control_values(state)
    assert values == {"sector": ["Water"], "country": ["THA"], "agency": [], "status": [], "kind": [], "from": None, "to": None,
                      "q": "", "city": "phuket", "view": ""}  # the view picker shows "fit to selection" as ""
    assert filters.from_controls(values, allowed) == state
    framed = FilterState(sectors=("Water",), view="asean")
    assert filters.from_controls(filters.control_values(framed), allowed) == framed


def test_the_map_view_rides_in_the_link_but_is_no_filter(allowed, tiny):
    state, ignored = filters.parse_query("?sector=water&view=ASEAN", allowed)
    assert state == FilterState(sectors=("Water",), view="asean") and ignored == []
    assert filters.to_query(state) == "?sector=Water&view=asean"
    assert state.describe(allowed) == "Sector: Water"  # titles name filters, not the frame
    assert filters.file_tag(state) == "water-asean"
    assert filters.parse_query("?view=moon", allowed) == (FilterState(), [filters.Ignored("view", "moon")])
    everything = filters.apply(tiny, FilterState())
    assert filters.apply(tiny, FilterState(view="us")).projects.equals(everything.projects)


def test_query_round_trip(allowed):
    state = FilterState(sectors=("Water", "Innovation & Research"), countries=("THA",), city="phuket")
    query = filters.to_query(state)
    assert query == "?sector=Water,Innovation%20%26%20Research&country=THA&city=phuket"
    assert filters.parse_query(query, allowed)[0] == state
    assert filters.to_query(FilterState()) == ""


def test_apply_by_sector(tiny):
    view = filters.apply(tiny, FilterState(sectors=("Water",)))
    assert list(view.projects.index) == ["wise-phuket-milwaukee"]
    assert len(view.links) == 1
    assert set(view.city_counts.index) == {"phuket", "milwaukee"}


def test_apply_by_country_keeps_that_countrys_cities(tiny):
    view = filters.apply(tiny, FilterState(countries=("IDN",)))
    assert list(view.projects.index) == ["nsf-jakarta"]
    assert view.links.empty
    assert set(view.city_counts.index) == {"jakarta"}


def test_apply_by_city(tiny):
    view = filters.apply(tiny, FilterState(city="milwaukee"))
    assert list(view.projects.index) == ["wise-phuket-milwaukee"]


def test_no_filter_shows_every_city_and_region_wide_projects(tiny):
    view = filters.apply(tiny, FilterState())
    assert len(view.projects) == 3 and len(view.city_counts) == 5
    assert view.city_counts["san-francisco"] == 0 and view.city_counts["phuket"] == 1


def test_empty_selection(tiny):
    view = filters.apply(tiny, FilterState(sectors=("Health",)))
    assert view.projects.empty and view.links.empty and view.city_counts.empty


def test_describe(tiny):
    assert FilterState().describe(tiny.index) == "All activities"
    water_in_thailand = FilterState(sectors=("Water",), countries=("THA",))
    assert water_in_thailand.describe(tiny.index) == "Sector: Water · Country: Thailand"
    assert FilterState(city="phuket").describe(tiny.index) == "City: Phuket"


def test_sort_cycles_ascending_descending_off():
    assert next_sort("sector", None) == {"col": "sector", "dir": "asc"}
    assert next_sort("sector", {"col": "sector", "dir": "asc"}) == {"col": "sector", "dir": "desc"}
    assert next_sort("sector", {"col": "sector", "dir": "desc"}) is None
    assert next_sort("title", {"col": "sector", "dir": "desc"}) == {"col": "title", "dir": "asc"}
    assert next_sort("countries", "junk") is None  # not sortable, junk state
