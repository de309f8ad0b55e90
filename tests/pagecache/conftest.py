import os
import uuid

import pytest
from django.core.cache import caches

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def cache_settings(backend: str, prefix: str) -> dict:
    if backend == "redis":
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """The page cache on, over a fresh process-local cache or a fresh prefix in Redis."""
    settings.CACHES = cache_settings(request.param, f"test-pagecache-{uuid.uuid4().hex}")
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_BROWSER_SECONDS = 0
    settings.PAGE_CACHE_CDN_SECONDS = 60
    settings.PAGE_CACHE_STALE_SECONDS = 30
    caches["default"].clear() if request.param == "locmem" else None
    yield request.param
    if request.param == "redis":
        cache = caches["default"]
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
    else:
        caches["default"].clear()


def fetch(client, url, **headers):
    return client.get(url, headers=headers)


def assert_cached(client, url):
    """Read ``url`` twice: the second answer must come from the cache, the same bytes."""
    first = fetch(client, url)
    second = fetch(client, url)
    assert second["X-Page-Cache"] == "hit", (url, first.status_code, dict(first.headers))
    assert second.content == first.content
    return second
