"""The search index in PostgreSQL (SEARCH_URL=postgres:): rows written in the same transaction as
the records they index, shared by every app server and replica, and searched in each server
process's mirror of them in memory (or all in SQL)."""
