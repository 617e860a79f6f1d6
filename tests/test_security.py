import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User

ROOT = Path(__file__).resolve().parent.parent


def _check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_under_production_settings():
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE": "1",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "fagui.example.cn",
    }
    result = _check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_default_secret_key_is_flagged_for_production():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(SECURE="1", DEBUG="0", ALLOWED_HOSTS="fagui.example.cn")
    result = _check_deploy(env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.django_db
def test_admin_login_is_rate_limited(client):
    User.objects.create_superuser("boss", password="the-right-password")
    statuses = [
        client.post("/admin/login/", {"username": "boss", "password": "wrong"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the account out
    locked = client.post("/admin/login/", {"username": "boss", "password": "the-right-password"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_script_in_the_query_is_escaped(client):
    payload = '<script>alert("x")</script>'
    for url in (
        "/search/?q=" + quote(payload),
        "/regulations/?q=" + quote(payload),
        "/search/?issuer=" + quote(payload),
    ):
        html = client.get(url).content.decode()
        assert payload not in html
        assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode().replace("<script src=", "")
