"""Callback registration: `register(app, dataset)` per module, on the app it is given."""

from dashboard.callbacks import views

__all__ = ["views"]
