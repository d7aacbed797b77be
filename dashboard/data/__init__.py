"""The data layer: the only code that reads or writes the data files or imports GeoPandas."""

from dashboard.data.build import CITIES_FILE, PROJECTS_FILE, build_dataset, empty_dataset, make_dataset, write_data
from dashboard.data.issues import DataError, DataIssue
from dashboard.data.read import load_dataset

__all__ = ["CITIES_FILE", "PROJECTS_FILE", "DataError", "DataIssue", "build_dataset", "empty_dataset", "load_dataset",
           "make_dataset", "write_data"]
