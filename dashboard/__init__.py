"""U.S.-ASEAN Smart Cities Partnership dashboard."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: the shipped data: cities.geojson and projects.csv
DEFAULT_DATA_DIR = PACKAGE_DIR.parent / "data"

__version__ = "0.1.0"
