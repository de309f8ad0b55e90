"""A whole-page cache for anonymous readers that is never stale, on every app server.

Public pages (``/<lang>/…``, robots.txt, ``/sitemap*.xml``) answered to a GET without a session
cookie are stored in the shared cache (settings.PAGE_CACHE_ALIAS, Redis in production)
under a *generation*:

- The generation is one integer in the cache. Any committed change that can alter a page
  increments it (bump(), after the commit, from the signal receivers that the apps
  register with watch()): every page stored under the old number is never read again,
  on any server, from the next request on.
- What becomes visible with time alone (a scheduled article coming due, the local date
  changing, which ends a photo's usage terms) has no commit to bump on. Each generation
  keeps the *next due moment*: the earliest such time after it was computed (sources
  registered with register_due(), plus the next local midnight). A page stored under it
  carries that moment and is served only before it; the first request after it renders
  the page again and computes the next moment.

On Redis a hit costs one round trip (a script reads the generation, the page and the
generation's due moment; the page is not sent when this process holds a copy stored under
the same generation) and no database or session access. Signed-in readers (a session cookie) never
read or fill the cache. Stored answers carry ETag and Last-Modified (304 to conditional
requests) and a Cache-Control for shared caches (settings.PAGE_CACHE_*_SECONDS).
"""

import datetime as dt
import hashlib
import logging
import os
import secrets
import time
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.checks import Warning, register
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from redis.commands.core import Script

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
#: Statuses worth storing: a page, a permanent redirect, a "not found".
STORED_STATUSES = frozenset({200, 301, 404})
#: The only Vary a stored page may have: the language, which is part of its key.
ALLOWED_VARY = frozenset({"accept-language"})
NEVER = float("inf")

DueSource = Callable[[dt.datetime], dt.datetime | None]
_due_sources: list[DueSource] = []


# --- Generations -----------------------------------------------------------------------------


def is_enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _fresh_generation() -> int:
    # Random, not 1: a generation key lost (evicted, flushed) must not come back as a
    # number whose pages are still stored.
    return secrets.randbits(62)


def current_generation(cache) -> int | None:
    """The generation pages are read and stored under now (created when missing)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def bump() -> None:
    """Start a new generation: no page stored before this call is served again."""
    if not is_enabled():
        return
    cache = _cache()
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet: any new one will do
            cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)
    except Exception:  # the change is committed whatever the cache says
        logger.exception("The page cache could not start a new generation")


def changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Bump the generation once the current transaction commits (at once outside one)."""
    if not is_enabled():
        return
    # One per write, even in one transaction: an INCR costs less than being sure a
    # bump queued earlier still runs after what this write queued (search documents).
    transaction.on_commit(bump, using=using, robust=True)


def _saved(sender, instance, created, using, **kwargs):
    if created and sender in _unseen_when_created:
        return
    changed(using=using)


def _deleted(sender, instance, using, **kwargs):
    changed(using=using)


def _m2m_changed(sender, instance, action, using, **kwargs):
    if action.startswith("post_"):
        changed(using=using)


_unseen_when_created: set = set()


def watch(model, *, on_save: bool = True, on_create: bool = True) -> None:
    """Bump the generation after every committed save or delete of ``model``.

    ``on_create=False``: a new row is on no page yet (a photo just uploaded).
    ``on_save=False``: only deletions matter (a rendition made is the same picture).
    """
    uid = f"pagecache:{model._meta.label}"
    if on_save:
        if not on_create:
            _unseen_when_created.add(model)
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}:save")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}:delete")
    # For a many-to-many "through" model: add(), remove(), set() and clear().
    m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=f"{uid}:m2m")


def register_due(source: DueSource) -> None:
    """Add a source of due moments: ``source(now)`` is the earliest time after ``now`` at
    which some page changes with no commit (e.g. a scheduled article's publication), or
    None."""
    if source not in _due_sources:
        _due_sources.append(source)


def next_due(now: float) -> float:
    """The earliest moment after ``now`` (a timestamp) at which a page changes by itself."""
    moment = dt.datetime.fromtimestamp(now, tz=dt.UTC)
    # Pages show the local date: the day archive of today, photos whose terms end today.
    tomorrow = timezone.localtime(moment).date() + dt.timedelta(days=1)
    candidates = [timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min)).timestamp()]
    for source in _due_sources:
        found = source(moment)
        if found is not None:
            candidates.append(found.timestamp())
    return min(candidates)


# --- The middleware -----------------------------------------------------------------------


def _is_root_page(path: str) -> bool:
    """robots.txt and the sitemaps: public pages outside the language prefixes."""
    return path == "/robots.txt" or (
        path.startswith("/sitemap") and path.endswith(".xml") and path.count("/") == 1
    )


def _is_public_path(path: str) -> bool:
    if _is_root_page(path):
        return True
    first = path[1:].split("/", 1)
    if len(first) < 2:
        return False  # "/" redirects by the browser's language; "/ru" to "/ru/"
    language = first[0].split("-", 1)[0]  # "kk-latn" is Kazakh in another script
    return any(language == code for code, _name in settings.LANGUAGES)


class Entry(NamedTuple):
    """A stored page: what is needed to answer without the view."""

    due: float  # served only before this moment (a timestamp)
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    etag: str | None
    last_modified: int | None


def _page_digest(request) -> str:
    parts = [request.scheme, request.get_host(), request.path_info, request.get_full_path()]
    if _is_root_page(request.path_info):
        # Outside the language prefixes the language comes from the cookie or
        # Accept-Language (LocaleMiddleware): the language chosen, not the raw header.
        parts.append(translation.get_language_from_request(request))
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


PAGE_PREFIX = "pagecache:page:"
DUE_PREFIX = "pagecache:due:"


def _page_key(generation: int, digest: str) -> str:
    return f"{PAGE_PREFIX}{generation}:{digest}"


def _due_key(generation: int) -> str:
    return f"{DUE_PREFIX}{generation}"


# On Redis the generation, the page stored under it and its due moment are read in one
# round trip: a hit then costs one request to Redis.
# ARGV[4] is the generation of a copy this process holds and may still serve: under it the
# page is not sent again.
_LOOKUP_SCRIPT = """
local generation = redis.call('GET', KEYS[1])
if not generation then return false end
local page = false
if generation ~= ARGV[4] then page = redis.call('GET', ARGV[1] .. generation .. ARGV[2]) end
return {generation, page, redis.call('GET', ARGV[3] .. generation)}
"""
#: Pages this process has read or stored, by prefixed digest: (generation, entry). A page stored
#: under a generation never changes until its due moment, so while the shared generation
#: is the same and the moment has not come, the copy is the page Redis holds; a hit then
#: fetches only the generation and the due moment. At most LOCAL_COPIES pages, the oldest
#: dropped first.
_local_copies: dict[str, tuple[int, "Entry"]] = {}
LOCAL_COPIES = 256
LOCAL_COPY_MAX_BYTES = 512 * 1024


def _keep_local_copy(key: str, generation: int, entry: "Entry") -> None:
    if len(entry.content) > LOCAL_COPY_MAX_BYTES:
        return
    _local_copies.pop(key, None)
    while len(_local_copies) >= LOCAL_COPIES:
        _local_copies.pop(next(iter(_local_copies)), None)
    _local_copies[key] = (generation, entry)


def _redis_lookup(cache) -> tuple[object, Script]:
    """The Redis client and lookup script of ``cache``, made once per process.

    Django's RedisCache builds a new ``redis.Redis`` for every call (get_client()), and
    building one fills its table of ~170 response callbacks: more than the whole rest of
    a hit. The client (thread-safe, over the cache's own connection pool) is kept on the
    cache's client object, and made again in a forked child.
    """
    holder = cache._cache
    kept = getattr(holder, "_newsroom_page_lookup", None)
    if kept is None or kept[0] != os.getpid():
        client = holder.get_client(None)
        kept = (os.getpid(), client, Script(client, _LOOKUP_SCRIPT))
        holder._newsroom_page_lookup = kept
    return kept[1], kept[2]


def _lookup(cache, digest: str) -> tuple[int | None, Entry | None, float | None]:
    """(generation, the page's entry or None, the generation's due moment or None)."""
    alias = settings.PAGE_CACHE_ALIAS
    if isinstance(cache, RedisCache) and "KEY_FUNCTION" not in settings.CACHES[alias]:
        client, script = _redis_lookup(cache)
        page_prefix = cache.make_key(PAGE_PREFIX)
        copy = _local_copies.get(page_prefix + digest)
        if copy is not None and copy[1].due <= time.time():
            copy = None
        found = script(
            keys=[cache.make_key(GENERATION_KEY)],
            args=[
                page_prefix,
                f":{digest}",
                cache.make_key(DUE_PREFIX),
                "" if copy is None else copy[0],
            ],
            client=client,
        )
        if found:
            generation = int(found[0])
            loads = cache._cache._serializer.loads
            due = None if found[2] is None else loads(found[2])
            if copy is not None and copy[0] == generation:
                return generation, copy[1], due
            entry = None if not found[1] else loads(found[1])
            if entry is not None:
                _keep_local_copy(page_prefix + digest, generation, entry)
            return generation, entry, due
    generation = current_generation(cache)
    if generation is None:
        return None, None, None
    key, due_key = _page_key(generation, digest), _due_key(generation)
    found = cache.get_many([key, due_key])
    return generation, found.get(key), found.get(due_key)


def _cache_control_directives(response) -> set[str]:
    value = response.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in value.split(",") if part.strip()}


def _is_storable(response) -> bool:
    if response.status_code not in STORED_STATUSES or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False  # a CSRF token, a session, a preview's photos: this reader's only
    if _cache_control_directives(response) & {"private", "no-store", "no-cache"}:
        return False
    vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}
    return vary <= ALLOWED_VARY


def public_cache_control() -> str:
    """Cache-Control of a stored page: browsers revalidate, a CDN keeps it a little."""
    return (
        f"public, max-age={settings.PAGE_CACHE_BROWSER_SECONDS}, "
        f"s-maxage={settings.PAGE_CACHE_CDN_SECONDS}, "
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}"
    )


def _entry(response, *, due: float, rendered_at: float) -> Entry:
    etag = last_modified = None
    response["Cache-Control"] = public_cache_control()
    if response.status_code == 200:
        etag = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
        last_modified = int(rendered_at)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
    return Entry(
        due, response.status_code, list(response.items()), response.content, etag, last_modified
    )


def _answer(request, entry: Entry, *, state: str):
    response = HttpResponse(b"" if request.method == "HEAD" else entry.content, status=entry.status)
    for name, value in entry.headers:
        response[name] = value
    response["X-Page-Cache"] = state
    if entry.etag is None:
        return response
    return get_conditional_response(
        request, etag=entry.etag, last_modified=entry.last_modified, response=response
    )


class PageCacheMiddleware:
    """Answer anonymous GET/HEAD of public pages from the page cache, and fill it.

    Placed right after SecurityMiddleware and WhiteNoise: a hit touches no session,
    database or URL resolver.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not is_enabled()
            or request.method not in ("GET", "HEAD")
            or not _is_public_path(request.path_info)
        ):
            return self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            # Possibly signed in: rendered for this reader alone, never stored nor shared.
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = "private, no-cache"
            return response
        digest = _page_digest(request)  # a host not allowed is refused (400) here
        cache = _cache()
        try:
            generation, entry, due = _lookup(cache, digest)
        except Exception:
            logger.exception("The page cache does not answer; serving without it")
            return self.get_response(request)
        if generation is None:
            return self.get_response(request)
        now = time.time()
        if entry is not None and now < entry.due:
            return _answer(request, entry, state="hit")
        if due is None or due <= now:
            # Computed before the page is rendered, so nothing the page shows can change
            # by time alone between the rendering and this moment.
            due = next_due(now)
            self._store(cache, _due_key(generation), due)
        response = self.get_response(request)
        if request.method != "GET" or not _is_storable(response):
            return response
        rendered_at = time.time()
        entry = _entry(response, due=due, rendered_at=rendered_at)
        if rendered_at < due:
            self._store(cache, _page_key(generation, digest), entry)
            if isinstance(cache, RedisCache):
                _keep_local_copy(cache.make_key(PAGE_PREFIX) + digest, generation, entry)
        return _answer(request, entry, state="miss")

    @staticmethod
    def _store(cache, key, value):
        try:
            cache.set(key, value, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("The page cache could not store %s", key)


@register(deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """A process-local cache cannot tell other processes that a page changed."""
    if not is_enabled():
        return []
    backend = settings.CACHES[settings.PAGE_CACHE_ALIAS]["BACKEND"]
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return [
            Warning(
                "The page cache is on but its cache is local to each process: with more than "
                "one worker or server a change shows late.",
                hint="Set REDIS_URL, or PAGE_CACHE_SECONDS=0.",
                id="newsroom.W001",
            )
        ]
    return []
