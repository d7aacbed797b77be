"""The data banner follows the data source: a rejected update (details for staff only), or newer data than the page shows."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from dashboard.data.source import DataSource
from dashboard.ids import ids
from dashboard.layouts.banner import data_banner


def register(app: Dash, source: DataSource, staff: bool = False) -> None:
    """Poll the data source's state and show or hide the banner (with file and line details when ``staff``)."""
    @app.callback(
        output={"children": Output(ids.DATA_BANNER, "children"), "hidden": Output(ids.DATA_BANNER, "hidden")},
        inputs={"poll": Input(ids.DATA_POLL, "n_intervals")},
        state={"version": State(ids.DATA_VERSION, "data")},
        prevent_initial_call=True,
    )
    def banner(poll, version):
        children, hidden = data_banner(source, version if isinstance(version, str) else None, staff)
        return {"children": children, "hidden": hidden}
