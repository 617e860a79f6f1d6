"""Assertions shared by the API tests."""


def api_error(response, status: int) -> dict:
    """The body of an API error answered with `status`, checked to have the error shape."""
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] and body["message"] and isinstance(body["fields"], dict)
    return body
