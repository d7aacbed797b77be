"""Small datasets the tests build in code (never the shipped data/): a demo partnership and helpers.

Coordinates are GeoNames positions of real cities (so they pass the validator's country
checks); the projects are invented test records.
"""

from __future__ import annotations

from dashboard.data import make_dataset
from dashboard.data.build import city, project

#: (city_id, name, iso3, lon, lat, ascn_pilot, admin1)
DEMO_CITIES = (
    ("phuket", "Phuket", "THA", 98.3981, 7.89059, True, ""),
    ("bangkok", "Bangkok", "THA", 100.50144, 13.75398, True, ""),
    ("ho-chi-minh-city", "Ho Chi Minh City", "VNM", 106.62965, 10.82302, True, ""),
    ("johor-bahru", "Johor Bahru", "MYS", 103.7578, 1.4655, True, ""),
    ("kuala-lumpur", "Kuala Lumpur", "MYS", 101.68653, 3.1412, True, ""),
    ("jakarta", "DKI Jakarta", "IDN", 106.84513, -6.21462, True, ""),
    ("cebu-city", "Cebu City", "PHL", 123.89071, 10.31672, False, ""),
    ("milwaukee", "Milwaukee", "USA", -87.90647, 43.0389, False, "Wisconsin"),
    ("san-francisco", "San Francisco", "USA", -122.41942, 37.77493, False, "California"),
    ("washington-dc", "Washington, DC", "USA", -77.03637, 38.89511, False, "District of Columbia"),
    ("las-vegas", "Las Vegas", "USA", -115.13722, 36.17497, False, "Nevada"),
    ("dallas", "Dallas", "USA", -96.80667, 32.78306, False, "Texas"),
)


def demo_cities() -> list[dict]:
    """Twelve cities: seven ASEAN (six of them ASCN pilots), five U.S."""
    return [city(cid, name, iso3, lon, lat, ascn_pilot=pilot, admin1=admin1)
            for cid, name, iso3, lon, lat, pilot, admin1 in DEMO_CITIES]


def demo_projects() -> list[dict]:
    """Ten projects: three water pairs, two transport pairs, two single-city rows, one country row, two region-wide."""
    water = dict(sector="Water", program="Water twinning", lead_agency="Department of State", status="announced")
    transport = dict(sector="Transportation", program="City pairs", lead_agency="Department of Transportation",
                     status="announced", announced="2019-11-04")
    return [
        project("w-phuket-milwaukee", asean=["phuket"], us=["milwaukee"], title="Water twinning: Phuket – Milwaukee",
                announced="2020-01-13", **water),
        project("w-hcmc-sf", asean=["ho-chi-minh-city"], us=["san-francisco"],
                title="Water twinning: Ho Chi Minh City – San Francisco", announced="2020-01-13", **water),
        project("w-johor-dc", asean=["johor-bahru"], us=["washington-dc"],
                title="Water twinning: Johor Bahru – Washington, DC", announced="2021-12", **water),
        project("t-phuket-las-vegas", asean=["phuket"], us=["las-vegas"], title="Transport pair: Phuket – Las Vegas",
                **transport),
        project("t-kl-dallas", asean=["kuala-lumpur"], us=["dallas"], title="Transport pair: Kuala Lumpur – Dallas",
                **transport),
        project("r-kl-bike-lanes", asean=["kuala-lumpur"], title="Energy-generating bike lanes",
                sector="Innovation & Research", lead_agency="National Science Foundation", announced="2019-12-04"),
        project("r-jakarta-economy", asean=["jakarta"], title="Digital economy study", sector="Innovation & Research",
                lead_agency="National Science Foundation", announced="2019-12-04"),
        project("h-thailand-records", countries=["THA"], title="Medical records in Thailand", sector="Health",
                lead_agency="Centers for Disease Control and Prevention", status="completed", announced="2020-11-13"),
        project("c-workshops", title="Smart-city workshops", sector="Capacity Building", status="planned",
                announced="2022"),
        project("p-trade-events", title="Trade events", sector="Private Sector & Trade",
                lead_agency="Department of Commerce", announced="2024-09-17"),
    ]


def demo():
    """The demo dataset, validated as files are."""
    return make_dataset(demo_cities(), demo_projects())


def cluster():
    """Close neighbours (Singapore and Johor Bahru 20 km apart, Hillsboro and Portland, Bangkok and Chonburi),
    pairs across the Pacific and two research projects within ASEAN: the map's hard cases."""
    cities = [city("singapore", "Singapore", "SGP", 103.85007, 1.28967, ascn_pilot=True),
              city("johor-bahru", "Johor Bahru", "MYS", 103.7578, 1.4655, ascn_pilot=True),
              city("bangkok", "Bangkok", "THA", 100.50144, 13.75398, ascn_pilot=True),
              city("chonburi", "Chonburi", "THA", 100.98345, 13.3622, ascn_pilot=True),
              city("davao-city", "Davao City", "PHL", 125.61278, 7.07306, ascn_pilot=True),
              city("hillsboro-or", "Hillsboro", "USA", -122.98983, 45.52289, admin1="Oregon"),
              city("portland-or", "Portland", "USA", -122.67621, 45.52345, admin1="Oregon"),
              city("boston", "Boston", "USA", -71.05977, 42.35843, admin1="Massachusetts")]
    rows = [project("a", asean=["singapore"], us=["boston"]),
            project("b", asean=["johor-bahru"], us=["portland-or"], sector="Transportation"),
            project("c", asean=["bangkok"], us=["hillsboro-or"]),
            project("d", asean=["chonburi"], sector="Innovation & Research"),
            project("e", asean=["davao-city"], sector="Innovation & Research")]
    return make_dataset(cities, rows)
