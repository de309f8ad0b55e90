"""Security headers by part of the site: Content-Security-Policy and Cross-Origin-Resource-Policy.

Three policies (settings, "Headers" block): the public site's (CONTENT_SECURITY_POLICY), the
admin's (CONTENT_SECURITY_POLICY_ADMIN) and the one of files under MEDIA_URL when Django
serves them itself (CONTENT_SECURITY_POLICY_MEDIA; nginx sends the same in production).
None of them carries a nonce: public pages are stored whole by the page cache with their
headers, and a nonce replayed to every reader would protect nothing.

``img-src`` gains the hosts the media storage links images on (a CDN, an S3 endpoint), read
from the storage itself (media_origins) so it cannot disagree with the URLs pages carry.
"""

import functools
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver

ADMIN_PREFIX = "/admin/"
#: Names whose URLs a section's pages link: renditions everywhere, originals in the admin.
PROBE_NAMES = {
    "public": ("renditions/csp-probe.jpg",),
    "admin": ("renditions/csp-probe.jpg", "photos/csp-probe.jpg"),
}


def section(path: str) -> str:
    """The part of the site ``path`` is in: admin, media (files Django serves) or public."""
    if path.startswith(ADMIN_PREFIX):
        return "admin"
    if settings.MEDIA_URL.startswith("/") and path.startswith(settings.MEDIA_URL):
        return "media"
    return "public"


@functools.cache
def media_origins(part: str) -> tuple[str, ...]:
    """The origins (scheme://host) other than this site's that the media storage links."""
    storage = storages["default"]
    origins = []
    for name in PROBE_NAMES.get(part, ()):
        # Local storage answers "/media/…" (this site); S3 a CDN's or the bucket's URL.
        url = urlsplit(storage.url(name))
        if url.scheme and url.netloc:
            origins.append(f"{url.scheme}://{url.netloc}")
    return tuple(dict.fromkeys(origins))


@receiver(setting_changed)
def _forget_media_origins(*, setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_URL"}:
        media_origins.cache_clear()


POLICY_SETTINGS = {
    "public": "CONTENT_SECURITY_POLICY",
    "admin": "CONTENT_SECURITY_POLICY_ADMIN",
    "media": "CONTENT_SECURITY_POLICY_MEDIA",
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with a policy per section of the site."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            # A view's own @csp(...) decides for itself.
            return parts
        part = section(request.path_info)
        parts.config = default_config(getattr(settings, POLICY_SETTINGS[part])["DIRECTIVES"])
        origins = media_origins(part)
        if origins:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", ()), *origins]
            parts.update = update
        return parts


class CrossOriginResourcePolicyMiddleware:
    """Cross-Origin-Resource-Policy: same-origin, except public photos other sites may show."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cross-Origin-Resource-Policy" not in response:
            path = request.path_info
            shared = path.startswith(tuple(settings.CROSS_ORIGIN_RESOURCE_POLICY_SHARED_PATHS))
            response["Cross-Origin-Resource-Policy"] = (
                "cross-origin" if shared else settings.CROSS_ORIGIN_RESOURCE_POLICY
            )
        return response
