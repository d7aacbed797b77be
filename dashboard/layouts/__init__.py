"""Functions returning the page's components; each takes only what it displays."""
