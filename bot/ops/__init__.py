"""Running Tally in production: health, Prometheus metrics, and the request context that logs carry."""
