"""The command line: run (default), serve, validate, publish, geocode, synth, export, countries, renderer (internal).

    python -m dashboard                       serve the dashboard at http://127.0.0.1:8050
    python -m dashboard validate              check the data files, print counts or every error
    python -m dashboard publish --from DIR    validate new files and swap them in for a running server
    python -m dashboard geocode "Hillsboro, OR, US" [--add --id ID --name NAME]
    python -m dashboard export --format pptx --sector Water -o water.pptx
    python -m dashboard export --format docx --sector Water        (the one-page briefing note)
    python -m dashboard export --format pptx --template ours.pptx  (the deck in an organisation's template)
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlencode

from dashboard import DEFAULT_DATA_DIR
from dashboard.app import create_app
from dashboard.charts import CHARTS
from dashboard.config import Settings
from dashboard.data import DataError, load_dataset
from dashboard.data.cities_file import add_feature, feature_for
from dashboard.data.files import write_atomic
from dashboard.data.gazetteer import geocode, write_countries
from dashboard.data.read import load_files
from dashboard.data.source import DataSource
from dashboard.data.synth import write_synthetic
from dashboard.exports import BadRequest, ExportError, NotFound, export, images
from dashboard.model.dataset import Dataset
from dashboard.model.filters import FILTERS
from dashboard.model.words import kinds_mix
from dashboard.server import renderer
from dashboard.server.security import configure_logging

#: gunicorn's threaded workers: a slow or idle client holds one thread, not the whole worker; and an image export
#: holds one while it waits for the renderer (1-3 s), so 4 left too few for the filters (load test: p95 230 -> 140 ms)
SERVE_THREADS = 8
#: seconds an idle keep-alive connection is kept open
SERVE_KEEP_ALIVE = 5
#: the gunicorn hooks `serve` runs with: the master starts the one image renderer its workers share
SERVE_CONFIG = "python:dashboard.server.gunicorn_hooks"
#: the renderer process (and its Chromium) yields the CPU to the workers: filters stay quick while images render
RENDERER_NICENESS = 10


def _data_dir_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                   help="folder holding cities.geojson and projects.csv (default: the shipped data/)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="U.S.-ASEAN Smart Cities Partnership dashboard")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="serve the dashboard (the default)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8050)
    run.add_argument("--debug", action="store_true", help="Dash dev tools; only on a loopback host")
    _data_dir_arg(run)

    srv = sub.add_parser("serve", help="production: the dashboard under gunicorn, following data file changes")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8050)
    srv.add_argument("--workers", type=int, default=2)
    _data_dir_arg(srv)

    val = sub.add_parser("validate", help="check the data files; exit 1 listing every error")
    _data_dir_arg(val)

    pub = sub.add_parser("publish", help="validate a new pair of data files and swap them in atomically "
                                         "(the way to update a running server)")
    pub.add_argument("--from", dest="from_dir", type=Path, required=True,
                     help="folder holding the new cities.geojson and projects.csv")
    _data_dir_arg(pub)

    geo = sub.add_parser("geocode", help="look a city up in the offline gazetteer (and optionally add it)")
    geo.add_argument("query", help="'Name[, state][, country]', e.g. 'Hillsboro, OR, US' or 'Chonburi, Thailand'")
    geo.add_argument("--limit", type=int, default=5)
    geo.add_argument("--json", action="store_true", help="print matches as JSON")
    geo.add_argument("--add", action="store_true", help="append the best match to cities.geojson")
    geo.add_argument("--id", dest="city_id", help="city_id for --add (default: a slug of the name)")
    geo.add_argument("--name", help="display name for --add (default: the gazetteer's)")
    geo.add_argument("--ascn-pilot", action="store_true", help="mark an ASEAN Smart Cities Network pilot city")
    _data_dir_arg(geo)

    syn = sub.add_parser("synth", help="write a synthetic dataset of any size in the real schema (for benchmarks)")
    syn.add_argument("--cities", type=int, default=1000)
    syn.add_argument("--projects", type=int, default=10000)
    syn.add_argument("--seed", type=int, default=7)
    syn.add_argument("-o", "--out", type=Path, required=True, help="folder to write cities.geojson and projects.csv into")

    exp = sub.add_parser("export", help="write a chart image, the briefing pack, the data or an offline map, "
                                        "for the same filters as a dashboard link")
    exp.add_argument("--format", required=True, choices=("png", "svg", "pdf", "pptx", "docx", "csv", "xlsx",
                                                                  "html"))
    exp.add_argument("--chart", help=f"{', '.join(CHARTS)} for png/svg/pdf/html/pptx "
                                     "(default: map; for pptx the whole briefing); 'briefing' for the pdf briefing pack")
    for f in FILTERS:
        exp.add_argument(f"--{f.param}", action="append", default=[], metavar="VALUE",
                         help=f"filter, as in a dashboard link: {f.help}")
    exp.add_argument("--slides", help="the briefing's slides, comma-separated, e.g. map,pairs,sectors "
                                      "(default: all of map, pairs, sectors, countries, agencies, timeline, projects)")
    exp.add_argument("--width", help="image width in pixels (default 960)")
    exp.add_argument("--height", help="image height in pixels (default 540)")
    exp.add_argument("--scale", help="image scale factor (default 2)")
    exp.add_argument("--template", type=Path, metavar="FILE.pptx",
                     help="pptx: build the deck in this PowerPoint file's slide master and layouts "
                          "(default: $USASCP_PPTX_TEMPLATE, else a plain one)")
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: the export's own name, here)")
    _data_dir_arg(exp)

    sub.add_parser("countries", help="(maintainers) rebuild dashboard/data/countries.json from the gazetteer")
    sub.add_parser("renderer", help="(internal) the image renderer process that `serve` starts for its workers")
    return parser


def cmd_validate(args) -> int:
    try:
        ds = load_dataset(args.data_dir)
    except DataError as exc:
        print(exc, file=sys.stderr)
        for w in exc.warnings:
            print(f"  {w}", file=sys.stderr)
        return 1
    for w in ds.warnings:
        print(w)
    c = ds.counts()
    print(f"OK: {args.data_dir}")
    print(f"  cities:            {c['cities']} ({c['ascn_pilot_cities']} ASCN pilot cities)")
    print(f"  activities:        {c['activities']} (rows of projects.csv; kinds: {kinds_mix(ds.projects['kind'])})")
    print(f"  city pairs:        {c['city_pairs']}")
    print(f"  sectors in use:    {c['sectors']}")
    print(f"  countries:         {c['countries']}")
    return 0


def _describe_change(old: Dataset | None, new: Dataset) -> list[str]:
    """Lines saying how the counts and the cities and projects changed from ``old`` to ``new``."""
    lines = []
    before = old.counts() if old is not None else {}
    for key, label in (("cities", "cities"), ("activities", "activities"), ("city_pairs", "city pairs"),
                       ("sectors", "sectors in use"), ("countries", "countries")):
        b, a = before.get(key), new.counts()[key]
        delta = "" if b is None or a == b else f" ({a - b:+d})"
        lines.append(f"  {label + ':':<17} {'-' if b is None else b} -> {a}{delta}")
    if old is not None:
        for label, frame, key in (("cities", "cities", "city_id"), ("activities", "projects", "project_id")):
            o, n = getattr(old, frame), getattr(new, frame)
            added, removed = set(n[key]) - set(o[key]), set(o[key]) - set(n[key])
            common = sorted(set(n[key]) & set(o[key]))
            cols = [c for c in o.columns if c in n.columns and c not in ("geometry", "line")]
            changed = sum(1 for k in common if not o.loc[k, cols].equals(n.loc[k, cols]))
            lines.append(f"  {label}: {len(added)} added, {len(removed)} removed, {changed} changed")
    return lines


def cmd_publish(args) -> int:
    """Validate the files in --from in full, then swap them into --data-dir (each written beside and renamed)."""
    src, dest = Path(args.from_dir), Path(args.data_dir)
    if src.resolve() == dest.resolve():
        print("error: --from must be another folder than the data folder it replaces", file=sys.stderr)
        return 2
    if not dest.is_dir():
        print(f"error: the data folder {dest} does not exist", file=sys.stderr)
        return 2
    try:
        new, digest, blobs = load_files(src)
    except DataError as exc:
        print(exc, file=sys.stderr)
        print(f"nothing was published; {dest} is unchanged", file=sys.stderr)
        return 1
    try:
        old, old_digest, _ = load_files(dest)
    except DataError:
        old, old_digest = None, None
    for w in new.warnings:
        print(w)
    if digest == old_digest:
        print(f"no change: {dest} already holds these files (data version {digest[:12]})")
        return 0
    # cities first: new projects may name new cities, and a server reads nothing until both have settled
    for name, data in blobs.items():  # and about.json, where the new folder has one
        write_atomic(dest / name, data)
    print(f"published {src} to {dest} (data version {digest[:12]})")
    if old is None:
        print("  the files it replaced did not validate")
    print("\n".join(_describe_change(old, new)))
    quiet = Settings.from_env().quiet_seconds
    print(f"a running server loads it once the files have been unchanged for {quiet:g} s (USASCP_QUIET_SECONDS)")
    return 0


def cmd_geocode(args) -> int:
    try:
        places = geocode(args.query, limit=args.limit)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not places:
        print(f"no place matches {args.query!r}; add the country ('Name, CC') or check the spelling", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([p.as_dict() for p in places], indent=1, ensure_ascii=False))
    else:
        for p in places:
            where = ", ".join(x for x in (p.admin1, p.country) if x)
            print(f"{p.name} ({where}): lat {p.lat}, lon {p.lon}  geonameid {p.geonameid}, population {p.population:,}, matched by {p.matched}")
    if args.add:
        feature = feature_for(places[0], city_id=args.city_id, name=args.name, ascn_pilot=args.ascn_pilot)
        try:
            add_feature(args.data_dir / "cities.geojson", feature)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"added {feature['properties']['city_id']!r} to {args.data_dir / 'cities.geojson'}")
    return 0


def cmd_synth(args) -> int:
    try:
        folder = write_synthetic(args.out, cities=args.cities, projects=args.projects, seed=args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.cities} cities and {args.projects} projects to {folder}")
    return 0


def export_target(fmt: str, chart: str | None) -> str:
    """What `export --format F [--chart C]` makes: a chart for images and html, the pack for pptx, the data for tables."""
    if chart:
        return chart
    return {"pptx": "briefing", "docx": "briefing", "csv": "projects", "xlsx": "projects"}.get(fmt, "map")


def export_query(args) -> str:
    """The dashboard query string for the filter options, e.g. '?sector=Water&country=THA' (values as typed)."""
    pairs = [(f.param, ",".join(getattr(args, f.param))) for f in FILTERS]
    pairs.append(("slides", getattr(args, "slides", None) or ""))
    query = urlencode([(k, v) for k, v in pairs if v])
    return f"?{query}" if query else ""


def cmd_export(args) -> int:
    try:
        ds = load_dataset(args.data_dir)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    chart = export_target(args.format, args.chart)
    size = {k: v for k in ("width", "height", "scale") if (v := getattr(args, k)) is not None}
    template = getattr(args, "template", None)
    if template is not None and args.format != "pptx":
        print("error: --template applies to --format pptx only", file=sys.stderr)
        return 2
    if template is None and args.format == "pptx":
        template = Settings.from_env().pptx_template
    try:
        content, _mimetype, filename = export(ds, args.format, chart, export_query(args), template=template, **size)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, (BadRequest, NotFound)) else 1
    target = args.output or Path(filename)
    write_atomic(target, content)  # the file is either whole or not there
    print(f"wrote {target} ({len(content):,} bytes)")
    return 0


def serve_command(args) -> list[str]:
    """The gunicorn command line `serve` runs: threaded workers, so an idle or slow client holds a thread, not a worker,
    and the hooks that start the one image renderer the workers share."""
    return [sys.executable, "-m", "gunicorn", "--config", SERVE_CONFIG, "--workers", str(max(1, args.workers)),
            "--worker-class", "gthread", "--threads", str(SERVE_THREADS), "--keep-alive", str(SERVE_KEEP_ALIVE),
            "--bind", f"{args.host}:{args.port}", "--timeout", "120", "--graceful-timeout", "20",
            "dashboard.app:server"]


def _source(data_dir: Path, watch: bool = True) -> DataSource:
    settings = Settings.from_env({**os.environ, "USASCP_DATA_DIR": str(data_dir)})
    return DataSource(data_dir, watch=watch, quiet_seconds=settings.quiet_seconds, snapshot_dir=settings.snapshot_folder)


def _refuse_without_data(source: DataSource) -> bool:
    """True (after printing why) if there is nothing to serve; a warning if the snapshot stands in for the files."""
    if source.current is None:
        print("\n".join(["the data files do not validate and there is no last-good snapshot; nothing was loaded:",
                         *source.rejected.errors]), file=sys.stderr)
        return True
    if source.rejected:
        print("\n".join([f"warning: the data files do not validate; serving the last-good snapshot "
                         f"(data version {source.version}) until they are fixed:", *source.rejected.errors]),
              file=sys.stderr)
    return False


def warn_unavailable_exports() -> bool:
    """Say once, at start-up, which exports cannot work on this machine and the command that enables them."""
    message = images.unavailable_exports()
    if message:
        print(f"warning: {message}", file=sys.stderr, flush=True)
    return message is not None


def cmd_serve(args) -> int:
    if _refuse_without_data(_source(Path(args.data_dir), watch=False)):  # say what is wrong now, rather than serve a 503
        return 1
    warn_unavailable_exports()
    env = {**os.environ, "USASCP_DATA_DIR": str(Path(args.data_dir).resolve())}
    print(f"U.S.-ASEAN Smart Cities Partnership dashboard: http://{args.host}:{args.port}/ "
          f"({args.workers} gunicorn workers, {SERVE_THREADS} threads each)", flush=True)
    os.execvpe(sys.executable, serve_command(args), env)
    return 0  # not reached


def cmd_renderer(args) -> int:
    """The server's image renderer: Chromium behind a bounded queue on the socket its supervisor names."""
    target = renderer.from_environment()
    if target is None:
        print(f"error: the renderer is started by `serve` (it needs {renderer.ADDRESS_ENV} and {renderer.KEY_ENV})",
              file=sys.stderr)
        return 2
    configure_logging()
    images.quiet_renderer_logs()
    renderer.keep_priority_low(RENDERER_NICENESS)  # and Chromium's threads, which reset their own priorities
    renderer.sigterm_exits()  # so that atexit closes Chromium
    renderer.exit_with_parent(os.getppid(), images.RENDERER.close)
    queue = renderer.BoundedRenderer(images.RENDERER.render, Settings.from_env().render_queue)
    renderer.serve(target.address, target.key, queue, failed=(ExportError,))
    return 0


def cmd_countries(args) -> int:
    print(f"wrote {write_countries()}")
    return 0


def cmd_run(args) -> int:
    if args.debug:
        try:
            loopback = ipaddress.ip_address(socket.gethostbyname(args.host)).is_loopback
        except (OSError, ValueError):
            loopback = False
        if not loopback:
            print("error: --debug is refused on a non-loopback host (the debugger would be reachable)", file=sys.stderr)
            return 2
    configure_logging()
    source = _source(Path(args.data_dir))  # follows edits to the files while it runs
    if _refuse_without_data(source):
        return 1
    app = create_app(source)
    warn_unavailable_exports()
    print(f"U.S.-ASEAN Smart Cities Partnership dashboard: http://{args.host}:{args.port}/", flush=True)
    app.run(host=args.host, port=args.port, debug=args.debug, dev_tools_hot_reload=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"run", "serve", "validate", "publish", "geocode", "countries", "synth", "export", "renderer"}
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["run", *argv]  # plain `python -m dashboard [--port N ...]` serves the app
    elif argv[0] not in commands and not argv[0].startswith("-"):
        parser.error(f"unknown command {argv[0]!r} (choose from {', '.join(sorted(commands))})")
    args = parser.parse_args(argv)
    handler = {"run": cmd_run, "validate": cmd_validate, "publish": cmd_publish, "geocode": cmd_geocode, "countries": cmd_countries,
               "synth": cmd_synth, "serve": cmd_serve, "export": cmd_export, "renderer": cmd_renderer}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
