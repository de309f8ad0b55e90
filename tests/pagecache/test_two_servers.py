"""Two app servers (two gunicorn processes, DEBUG off) sharing the database and Redis.

A change made through server A — an editor publishing and renaming a rubric in A's admin
over real HTTP — or by another process (the workflow run here) shows through server B on
the next request, although B had the pages cached.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from articles import workflow
from articles.models import Article
from tests.factories import ArticleFactory, RubricFactory
from tests.pagecache.conftest import REDIS_URL, cache_settings

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    """The test database, as the servers' DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Server:
    def __init__(self, environ: dict, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=environ,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_up(self, log: Path):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def get(url: str) -> tuple[int, dict, str]:
    """An anonymous GET (no cookies): status, headers, text."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class Browser:
    """A signed-in editor on one server: cookies kept, CSRF token sent back."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def open(self, path: str, data: list[tuple[str, str]] | None = None) -> tuple[int, str]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode([("csrfmiddlewaretoken", self._csrf()), *data]).encode()
        with self.opener.open(f"{self.base}{path}", data=body, timeout=30) as answer:
            return answer.status, answer.read().decode()

    def log_in(self, username: str, password: str) -> None:
        self.open("/admin/login/")
        status, page = self.open(
            "/admin/login/?next=/admin/",
            [("username", username), ("password", password), ("next", "/admin/")],
        )
        assert status == 200 and 'action="/admin/logout/"' in page, page[:2000]


@pytest.fixture
def two_servers(settings, tmp_path):
    prefix = f"test-two-servers-{uuid.uuid4().hex}"
    # This process bumps the same generation as the servers read.
    settings.CACHES = cache_settings("redis", prefix)
    settings.PAGE_CACHE_SECONDS = 600
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DEBUG": "0",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "PAGE_CACHE_SECONDS": "600",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DB_CONN_MAX_AGE": "0",
    }
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    servers = [Server(environ, log) for log in logs]
    try:
        for server, log in zip(servers, logs, strict=True):
            server.wait_until_up(log)
        yield servers
    finally:
        for server in servers:
            server.stop()
        from django.core.cache import caches

        client = caches["default"]._cache.get_client(write=True)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.mark.django_db(transaction=True)
def test_a_change_through_one_server_shows_through_the_other_on_the_next_request(
    two_servers, editor
):
    a, b = two_servers
    rubric = RubricFactory(name_ru="Экономика", slug="economy")
    draft = ArticleFactory(
        headline_ru="Новость соседнего сервера", rubric=rubric, status=Article.Status.DRAFT
    )
    url = draft.get_absolute_url("ru")

    # B has the front page and the draft's 404 cached.
    for path in ("/ru/", url):
        get(b.url + path)
        status, headers, _page = get(b.url + path)
        assert headers.get("X-Page-Cache") == "hit", (path, status, headers)
    assert get(b.url + url)[0] == 404

    # Published in A's admin, by an editor signed in over HTTP.
    editor_on_a = Browser(a.url)
    editor_on_a.log_in("editor1", "editor1-password")
    editor_on_a.open("/admin/articles/article/")
    editor_on_a.open(
        "/admin/articles/article/",
        [
            ("action", "transition_publish"),
            ("_selected_action", str(draft.pk)),
            ("confirm", "yes"),
            ("transition_languages", "ru"),
            ("transition_comment", ""),
            ("transition_at", ""),
        ],
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    status, _headers, page = get(b.url + url)
    assert status == 200
    assert "Новость соседнего сервера" in page
    assert "Новость соседнего сервера" in get(b.url + "/ru/")[2]

    # A rubric renamed in A's admin.
    get(b.url + "/ru/")
    assert get(b.url + "/ru/")[1].get("X-Page-Cache") == "hit"
    editor_on_a.open(f"/admin/articles/rubric/{rubric.pk}/change/")
    editor_on_a.open(
        f"/admin/articles/rubric/{rubric.pk}/change/",
        [("name_ru", "Финансы"), ("name_kk", ""), ("name_en", ""), ("slug", "economy"),
         ("position", "0")],
    )  # fmt: skip
    front = get(b.url + "/ru/")[2]
    assert re.search(r">\s*Финансы\s*<", front)
    assert "Экономика" not in front

    # Edited and unpublished by another process (the workflow run here).
    get(b.url + url)
    assert get(b.url + url)[1].get("X-Page-Cache") == "hit"
    article = Article.objects.get(pk=draft.pk)
    article.headline_ru = "Исправленный заголовок"
    article.save()
    assert "Исправленный заголовок" in get(b.url + url)[2]
    workflow.apply(article, "unpublish", user=editor, comment="Снято")
    assert get(b.url + url)[0] == 404
    assert "Исправленный заголовок" not in get(b.url + "/ru/")[2]
    assert "Исправленный заголовок" not in get(a.url + "/ru/")[2]
