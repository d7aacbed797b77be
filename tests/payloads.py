"""Request bodies for Dash's callback endpoint, built from the app's own /_dash-dependencies."""

from __future__ import annotations

from dashboard.ids import ids

#: the main callback's inputs at their initial values
DEFAULTS = {
    f"{ids.URL}.search": "", f"{ids.SECTOR}.value": [], f"{ids.COUNTRY}.value": [], f"{ids.AGENCY}.value": [],
    f"{ids.STATUS}.value": [], f"{ids.CITY}.value": None, f"{ids.MAP}.clickData": None,
    f"{ids.RESET}.n_clicks": 0, f"{ids.DETAILS_CLOSE}.n_clicks": 0, f"{ids.TABLE_SORT}.data": None,
}


def main_callback(deps: list[dict]) -> dict:
    """The filter callback's entry in /_dash-dependencies."""
    return next(d for d in deps if f"{ids.MAP}.figure" in d["output"])


def outputs_of(output: str) -> list[dict] | dict:
    """The `outputs` field Dash's renderer sends for a callback's output key."""
    if "." not in output:  # a clientside callback with no outputs: never sent to the server
        return []
    if output.startswith(".."):
        return [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]} for o in output.strip(".").split("...")]
    ident, prop = output.rsplit(".", 1)
    return {"id": ident, "property": prop}


def filter_body(deps: list[dict], trigger: str, values: dict | None = None) -> dict:
    """A /_dash-update-component body for the filter callback: ``trigger`` changed, ``values`` override defaults."""
    cb = main_callback(deps)
    current = {**DEFAULTS, **(values or {})}
    return {
        "output": cb["output"], "outputs": outputs_of(cb["output"]),
        "inputs": [{"id": i["id"], "property": i["property"], "value": current.get(f"{i['id']}.{i['property']}")}
                   for i in cb["inputs"]],
        "changedPropIds": [trigger],
        "state": [{"id": x["id"], "property": x["property"], "value": current.get(f"{x['id']}.{x['property']}")}
                  for x in cb.get("state", [])],
    }
