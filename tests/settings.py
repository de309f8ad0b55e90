"""Test settings: the production settings module with a throwaway key and fast hashing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from newsroom.settings import *  # noqa: E402,F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: threads (live server, concurrency tests) then
    # wait for SQLite's lock instead of failing with "database table is locked".
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"newsroom-test-{os.getpid()}.sqlite3")
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run over plain HTTP on the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Photo tasks run when enqueued, through the same task function the worker runs; the
# worker's own tests (tests/media_credits/test_worker.py) switch to the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The page cache is off unless a test turns it on (tests/pagecache): a rolled-back test
# does not bump the cache generation, so pages cached in one test would leak into the next.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))
# Every test searches from 127.0.0.1 and the cache outlives a test: the search rate limit
# is set per test where it is tested (tests/articles/test_search_limits.py).
SEARCH_RATE_LIMIT = 1_000_000
# Two-factor authentication is off for the suite (force_login and the browser login form
# sign in without a code); tests/accounts turns it on where it is the subject.
OTP_REQUIRED = False
