"""A check shared by the map tests: the names a figure shows at one of its sizes overlap nothing."""

from __future__ import annotations

import numpy as np

from dashboard import figures, labels


def assert_names_clear(fig, size_index: int) -> int:
    """Assert that at ``figures.PAGE_SIZES[size_index]`` no two names overlap and none covers another city's
    marker, recomputing every box from the figure as plotly would draw it; returns how many names were shown."""
    width, height, arrangement = figures.PAGE_SIZES[size_index]
    layout = fig.layout.to_plotly_json()
    domains = figures.arranged_domains(layout, figures.ARRANGEMENTS[arrangement] if fig.layout.meta.get("inset") else {})
    boxes = []
    for geo_id, domain in domains.items():
        view = figures._view_of(layout[geo_id])
        (x0, x1), (y0, y1) = domain["x"], domain["y"]
        frame = view.frame(width * x0, height * (1 - y1), width * (x1 - x0), height * (y1 - y0))
        markers = []
        for t in fig.data:
            if (t.geo or "geo") == geo_id and t.mode == "markers" and t.marker.opacity != 0:
                mx, my = frame.project(np.asarray(t.lon, float), np.asarray(t.lat, float))
                size = np.broadcast_to(np.asarray(t.marker.size, float), mx.shape)
                markers += [(x, y, s / 2) for x, y, s in zip(mx, my, size)]  # plotly's marker radius
        for i in fig.layout.meta["label_sets"][size_index]["traces"]:
            t = fig.data[i]
            if (t.geo or "geo") != geo_id or t.mode == "lines":  # leader lines of moved names
                continue
            lx, ly = frame.project(np.asarray(t.lon, float), np.asarray(t.lat, float))
            for x, y, name, pos in zip(lx, ly, t.text, t.textposition):
                own = min(markers, key=lambda m: np.hypot(m[0] - x, m[1] - y))
                if np.hypot(own[0] - x, own[1] - y) > 0.5:
                    own = (x, y, 0.0)  # a name moved off its marker, joined to it by a leader line
                box = labels.label_box(x, y, own[2], pos, labels.text_width(name))
                boxes.append(box)
                for mx, my, r in markers:
                    if own[2] and np.hypot(mx - x, my - y) < (r + own[2]) * 0.8:
                        continue  # its own marker, or one it sits on (cities a few km apart)
                    assert not (mx + r > box[0] and mx - r < box[2] and my + r > box[1] and my - r < box[3]), \
                        f"{name!r} covers a marker at size {width}x{height}"
    assert boxes, "no names at all"
    assert labels.overlaps(boxes) == [], "names overlap"
    return len(boxes)
