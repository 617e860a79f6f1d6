"""Regulations with their clauses, issuing bodies and citations: models, reads, writes by
sub-domain, pages, API and the page cache. Imports lawtext, core and documents only."""
