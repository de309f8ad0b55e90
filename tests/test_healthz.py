"""/healthz: the probe of a proxy or orchestrator (GET and HEAD, plain HTTP allowed)."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_healthy_answers_get_and_head(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]
    head = client.head("/healthz")
    assert head.status_code == 200
    assert head.content == b""


@pytest.mark.django_db
def test_other_methods_are_refused(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_answered_while_pages_redirect_to_https(client):
    assert client.get("/ru/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_an_unreachable_cache_is_named(client):
    dead_redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    with override_settings(CACHES=dead_redis):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "unreachable"}


def test_an_unreachable_database_is_named(tmp_path):
    """A whole process whose DATABASE_URL points at a port nothing listens on."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_closed_port()}/none",
        "MEDIA_ROOT": str(tmp_path),
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=60, check=True,
    )
    status, body = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body == {"status": "error", "database": "unreachable", "cache": "ok"}
