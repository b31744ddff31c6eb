"""The HTTP server component: health, readiness, metrics and (later) the control API."""
