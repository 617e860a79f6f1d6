"""Writes for regulations, clauses, citations and the content version, one module each."""
