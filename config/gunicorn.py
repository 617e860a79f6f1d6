"""Settings of every gunicorn the project starts (`-c config/gunicorn.py`)."""

# Long query strings reach Django, which answers them in the API's JSON error shape (a 400 that
# names the bad parameter), instead of gunicorn's HTML "Request Line is too large" at 4 KB.
# The number of parameters stays bounded by Django (DATA_UPLOAD_MAX_NUMBER_FIELDS), and the
# reverse proxy in front of a deployment bounds the line itself.
limit_request_line = 0
