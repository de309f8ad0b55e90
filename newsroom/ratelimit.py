"""Rate limits per reader address, counted in the shared cache (typo reports, search).

A reader's address is REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies that append to
X-Forwarded-For, the entry that many from the right: entries further left are whatever the
client sent and are never trusted. Addresses are kept only as keyed hashes.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


def client_address(request) -> str:
    """The reader's address: REMOTE_ADDR, or behind N trusted proxies the Nth from the
    right of X-Forwarded-For (``TRUSTED_PROXY_COUNT``; the proxies must append to it)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def address_hash(address: str, *, purpose: str) -> str:
    """A keyed hash of the address: the same for one address and purpose, no way back."""
    return salted_hmac(purpose, address, algorithm="sha256").hexdigest()


def over_limit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one request of ``key`` in ``scope``'s current window; True once past ``limit``.

    The window starts with the first request counted and lasts ``window`` seconds.
    """
    name = f"{scope}:rate:{key}"
    cache.add(name, 0, window)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add() and incr()
        cache.add(name, 1, window)
        count = 1
    return count > limit
