from .backend import SearchUnavailable  # noqa: F401 - TEMPORARY until the split lands
