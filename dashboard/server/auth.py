"""Optional sign-in, off by default; when configured it covers every route but /healthz.

    USASCP_AUTH=basic  USASCP_BASIC_AUTH_FILE=/etc/usascp/users   (lines of "user:password")
    USASCP_AUTH=oidc   USASCP_OIDC_URL=https://login.example.gov/.well-known/openid-configuration
                       USASCP_OIDC_CLIENT_ID=...  USASCP_OIDC_CLIENT_SECRET=...  USASCP_SECRET_KEY=...
                       (needs the `authlib` package: pip install authlib)

Basic auth belongs behind HTTPS only (the reverse proxy's job; see the README).
"""

from __future__ import annotations

import os
from pathlib import Path

from werkzeug.routing import Map, Rule

PUBLIC_ROUTES = ["/healthz"]


class AuthConfigError(RuntimeError):
    """The sign-in settings are incomplete; the server must not start open by mistake."""


def read_users(path: Path) -> dict[str, str]:
    users = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            raise AuthConfigError(f"{path}:{n}: expected 'user:password'")
        users[user] = password
    if not users:
        raise AuthConfigError(f"{path}: no users")
    return users


def _only_public(app, extra: list[str] | None = None) -> None:
    """Make /healthz (and the sign-in pages) the only routes open without signing in.

    dash-auth by default leaves Dash's own routes open, /_dash-layout among them — but
    our layout carries the data (the initial figures), so it must be covered too.
    """
    from dash_auth.public_routes import PUBLIC_ROUTES as KEY  # dash-auth is loaded only when sign-in is on

    app.server.config[KEY] = Map([Rule(r) for r in [*PUBLIC_ROUTES, *(extra or [])]]).bind("")


def configured(env: dict | None = None) -> str:
    """The sign-in configured ($USASCP_AUTH): 'none', 'basic', 'oidc' (or what was written, refused by `install`)."""
    env = os.environ if env is None else env
    return env.get("USASCP_AUTH", "none").strip().lower() or "none"


def install(app, env: dict | None = None) -> str:
    """Turn on the configured sign-in; returns its kind ('none', 'basic' or 'oidc')."""
    env = os.environ if env is None else env
    kind = configured(env)
    if kind == "none":
        return kind
    import dash_auth  # loaded only when sign-in is on

    if kind == "basic":
        path = env.get("USASCP_BASIC_AUTH_FILE")
        if not path:
            raise AuthConfigError("USASCP_AUTH=basic needs USASCP_BASIC_AUTH_FILE (lines of user:password)")
        dash_auth.BasicAuth(app, read_users(Path(path)))
        _only_public(app)
        return kind
    if kind == "oidc":
        missing = [k for k in ("USASCP_OIDC_URL", "USASCP_OIDC_CLIENT_ID", "USASCP_OIDC_CLIENT_SECRET",
                               "USASCP_SECRET_KEY") if not env.get(k)]
        if missing:
            raise AuthConfigError(f"USASCP_AUTH=oidc needs {', '.join(missing)}")
        from dash_auth import OIDCAuth  # needs authlib

        app.server.secret_key = env["USASCP_SECRET_KEY"]
        auth = OIDCAuth(app, secret_key=env["USASCP_SECRET_KEY"])
        auth.register_provider("idp", server_metadata_url=env["USASCP_OIDC_URL"],
                               client_id=env["USASCP_OIDC_CLIENT_ID"], client_secret=env["USASCP_OIDC_CLIENT_SECRET"])
        _only_public(app, ["/oidc/<idp>/login", "/oidc/<idp>/callback", "/oidc/logout"])
        return kind
    raise AuthConfigError(f"USASCP_AUTH={kind!r}: use none, basic or oidc")
