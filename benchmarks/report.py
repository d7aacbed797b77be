"""The results as Markdown: the table of figures against targets and the reference, and the README's copy of it."""

from __future__ import annotations

from benchmarks.harness import ROOT

#: what each size should reach (bytes, ms, MB, requests/s), shown beside the figures
TARGETS = {
    "shipped": {"load_bytes": 1_000_000, "load_ms": 1000, "load_slow_ms": 1500, "server_p95_ms": 25,
                "redraw_p95_ms": 200, "response_bytes": 15_000, "throughput_rps": 300},
    "10k-100k": {"server_p95_ms": 100, "redraw_p95_ms": 400, "response_bytes": 1_000_000, "rss_mb": 400,
                 "search_p95_ms": 20},
    "1k-10k": {"response_bytes": 1_000_000},
}


def ratio(a: float | None, b: float | None) -> str:
    """``b / a`` as "1.2x", or a dash when either is missing or zero."""
    try:
        return f"{b / a:.1f}x" if a and b else "–"
    except TypeError:
        return "–"


def markdown(results: dict) -> str:
    """One Markdown table row per size and metric: the dashboard, its target, the reference, and their ratio."""
    lines = [f"Run {results['when']} on {results['machine']} ({results['cpus']} cores); "
             "reference = a plain Dash app over the same files (full plotly.js, one trace per pair, no compression).",
             "",
             "| data | metric | dashboard | target | reference | reference / dashboard |",
             "|---|---|---|---|---|---|"]

    def get(d, *path):
        for p in path:
            if not isinstance(d, dict) or p not in d:
                return None
            d = d[p]
        return d

    def fmt(v, unit=""):
        if v is None:
            return "–"
        if isinstance(v, float) and v != v:
            return "–"
        if unit == "KB":
            return f"{v / 1000:,.0f} KB"
        if unit == "ms":
            return f"{v:,.1f} ms" if v < 10 else f"{v:,.0f} ms"
        return f"{v:,}" if isinstance(v, int) else str(v)

    for size, r in results["sizes"].items():
        t = TARGETS.get(size, {})
        o, ref = r["ours"], r["reference"]
        rows = [
            ("cold load, bytes on the wire", get(o, "load", "bytes"), "KB", t.get("load_bytes"), get(ref, "load", "bytes")),
            ("cold load to map shown, still image (no script run)", get(o, "load_still", "ms"), "ms", t.get("load_ms"),
             get(ref, "load", "ms")),
            ("cold load to map drawn live (reader moves at once)", get(o, "load", "ms"), "ms", t.get("load_ms"),
             get(ref, "load", "ms")),
            ("… on 10 Mbit/s, 40 ms", get(o, "load_slow_link", "ms"), "ms", t.get("load_slow_ms"), get(ref, "load_slow_link", "ms")),
            ("filter callback, server p50", get(o, "server_p50_ms"), "ms", None, get(ref, "server_p50_ms")),
            ("filter callback, server p95", get(o, "server_p95_ms"), "ms", t.get("server_p95_ms"), get(ref, "server_p95_ms")),
            ("… first visit of a state, p95", get(o, "server_uncached_p95_ms"), "ms", None, None),
            ("filter change to map redrawn, p95", get(o, "redraw_p95_ms"), "ms", t.get("redraw_p95_ms"), None),
            ("project search alone, p95 (index built in " + fmt(get(o, "search_build_s")) + " s)",
             get(o, "search_p95_ms"), "ms", t.get("search_p95_ms"), None),
            ("largest callback response, on the wire", get(o, "response_wire_max_bytes"), "KB", t.get("response_bytes"), get(ref, "response_wire_max_bytes")),
            ("largest callback response, uncompressed", get(o, "response_raw_max_bytes"), "KB", None, get(ref, "response_raw_max_bytes")),
            ("worker RSS after load", max(get(o, "rss_mb_per_worker") or [0]) or None, "", t.get("rss_mb"), max(get(ref, "rss_mb_per_worker") or [0]) or None),
            ("filter callbacks/s, gunicorn 2 workers", get(o, "throughput", "rps"), "", t.get("throughput_rps"), get(ref, "throughput", "rps")),
        ]
        for label, val, unit, target, refv in rows:
            tgt = "–" if target is None else (("≤ " if "callbacks/s" not in label else "≥ ") + fmt(target, unit) + (" MB" if label.startswith("worker") else ""))
            shown = fmt(val, unit) + (" MB" if label.startswith("worker") and val else "")
            refs = (fmt(refv, unit) + (" MB" if label.startswith("worker") and refv else "")) if refv is not None else (
                get(ref, "error") or get(ref, "load", "error") or "–") if label.startswith("cold load") else fmt(refv, unit)
            better_high = "callbacks/s" in label
            rat = ratio(refv, val) if better_high else ratio(val, refv)
            lines.append(f"| {size} | {label} | {shown} | {tgt} | {refs} | {rat} |")
    return "\n".join(lines) + "\n"


def update_readme(table: str, section: str = "bench") -> None:
    """Put ``table`` between the README's ``<!-- {section}:start -->`` and ``<!-- {section}:end -->`` markers,
    if it has them."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")
