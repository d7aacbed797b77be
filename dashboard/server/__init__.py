"""Serving: security headers and CSP, sign-in, compressed static files, the plotly.js bundle, request logs."""
