"""The data layer: the only code that reads the data files or imports GeoPandas."""

from dashboard.data.issues import DataError, DataIssue
from dashboard.data.load import CITIES_FILE, PROJECTS_FILE, Dataset, build_dataset, empty_dataset, load_dataset

__all__ = ["CITIES_FILE", "PROJECTS_FILE", "DataError", "DataIssue", "Dataset", "build_dataset", "empty_dataset", "load_dataset"]
