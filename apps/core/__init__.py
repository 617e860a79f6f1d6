"""What every app shares: the API's error shape and ApplicationError, pagination and parameter
checks, throttling, schema helpers, form error messages, filter chips and URL template tags."""
