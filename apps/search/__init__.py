"""Full-text search: the haystack backend on Whoosh and numpy (storage, caches, facets, scoring,
exact matching as modules of their own), the query language, index sync, the search page and API.
Imports lawtext, core, documents and policies; the only app that uses whoosh, jieba or numpy."""
