"""Functions returning the page's components; each takes only what it displays."""

from dashboard.layouts.page import page

__all__ = ["page"]
