"""Settings, URLs, WSGI and the site-wide error views; no app imports this package."""
