"""Settings from the environment, with safe defaults: data folder, snapshot, quiet period, request limits, framing, HSTS,
the decks' PowerPoint template and the image renderer's queue."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from dashboard import DEFAULT_DATA_DIR

_SOURCE = re.compile(r"^(\*|'self'|'none'|https?:|https?://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?/?)$",
                     re.IGNORECASE)


def frame_ancestors(value: str | None = None) -> str:
    """The CSP sources allowed to frame /embed/ pages, from $USASCP_FRAME_ANCESTORS (default ``*``).

    Sources are separated by spaces or commas: ``*``, ``'self'``, ``https:`` or
    ``https://host[:port]`` (``*.`` allowed before the host). A value holding anything else
    fails closed — ``'none'``, logged — rather than frame more than was meant.
    """
    raw = os.environ.get("USASCP_FRAME_ANCESTORS") if value is None else value
    if raw is None or not raw.strip():
        return "*"
    tokens = [t for t in re.split(r"[\s,]+", raw.strip()) if t]
    bad = [t[:60] for t in tokens if not _SOURCE.match(t)]
    if bad:
        logging.getLogger(__name__).warning(
            "USASCP_FRAME_ANCESTORS holds %s, not CSP sources: embeds may not be framed at all", bad)
        return "'none'"
    if "'none'" in tokens and len(tokens) > 1:
        tokens.remove("'none'")
    return " ".join(tokens)



@dataclass(frozen=True)
class Settings:
    """Serving settings; every default is the safe choice."""

    #: largest request body accepted (bytes); larger gets 413
    max_body: int = 256 * 1024
    #: CSP sources allowed to frame /embed/ pages ('*' for any); other pages are never framed
    frame_ancestors: str = "*"
    #: send HSTS (only ever over HTTPS)
    hsts: bool = True
    #: extra script hashes (Dash's inline scripts are added by `dashboard.server.security.install`)
    script_hashes: tuple[str, ...] = field(default=())
    #: the folder holding cities.geojson and projects.csv ($USASCP_DATA_DIR)
    data_dir: Path = DEFAULT_DATA_DIR
    #: where the last-good snapshot is kept ($USASCP_SNAPSHOT_DIR; None: a .snapshot folder in data_dir)
    snapshot_dir: Path | None = None
    #: seconds the data files must stay unchanged before a change is loaded ($USASCP_QUIET_SECONDS)
    quiet_seconds: float = 2.0
    #: deepest nesting of arrays and objects accepted in a callback body; deeper gets 400
    max_json_depth: int = 64
    #: an organisation's PowerPoint file whose slide master and layouts the decks use ($USASCP_PPTX_TEMPLATE;
    #: None: python-pptx's plain one)
    pptx_template: Path | None = None
    #: image exports the renderer holds at once, one rendering and the rest waiting ($USASCP_RENDER_QUEUE);
    #: one more answers 503 with Retry-After
    render_queue: int = 3

    @property
    def snapshot_folder(self) -> Path:
        """The snapshot folder in force."""
        return self.snapshot_dir if self.snapshot_dir is not None else snapshot_folder(self.data_dir)

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Settings":
        env = os.environ if env is None else env
        return cls(
            max_body=int(env.get("USASCP_MAX_BODY_BYTES", 256 * 1024)),
            frame_ancestors=frame_ancestors(env.get("USASCP_FRAME_ANCESTORS", "")),
            hsts=env.get("USASCP_HSTS", "1") != "0",
            data_dir=Path(env.get("USASCP_DATA_DIR") or DEFAULT_DATA_DIR),
            snapshot_dir=Path(env["USASCP_SNAPSHOT_DIR"]) if env.get("USASCP_SNAPSHOT_DIR") else None,
            quiet_seconds=max(0.0, float(env.get("USASCP_QUIET_SECONDS") or 2.0)),
            pptx_template=Path(env["USASCP_PPTX_TEMPLATE"]) if env.get("USASCP_PPTX_TEMPLATE", "").strip() else None,
            render_queue=max(1, int(env.get("USASCP_RENDER_QUEUE") or 3)),
        )


def snapshot_folder(data_dir: Path | str) -> Path:
    """The default snapshot folder for a data folder: ``.snapshot`` beside the files."""
    return Path(data_dir) / ".snapshot"
