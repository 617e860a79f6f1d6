"""Chinese legal text parsed into plain records: numerals, normalisation, law files, publications
and citations. Pure Python with no Django, no database and no I/O; every app builds on it."""
