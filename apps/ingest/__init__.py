"""Ingestion on top of every app: source files read and parsed (lawtext), written as documents
and policies, and the search index brought in step; the `ingest` command."""
