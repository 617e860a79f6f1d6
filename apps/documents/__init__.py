"""Source publications (newsletter issues, reports) and their articles: models, reads, writes,
pages and API. Imports lawtext and core only."""
