"""The model: the dataset and its index, the filters, and what the page shows for a filter state (no Dash, no file I/O)."""
