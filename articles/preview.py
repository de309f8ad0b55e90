"""Signed, expiring links that show an unpublished article as the public would see it."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "articles.preview"


def preview_url(article, language: str) -> str:
    """``/preview/<token>/`` for ``article`` in ``language``; valid for PREVIEW_MAX_AGE."""
    token = signing.dumps({"a": article.pk, "l": language}, salt=_SALT, compress=True)
    return reverse("preview", kwargs={"token": token})


def read_token(token: str) -> tuple[int, str] | None:
    """(article id, language) from a token, or None when it is expired or tampered with."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.PREVIEW_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict):
        return None
    pk, language = data.get("a"), data.get("l")
    if not isinstance(pk, int) or language not in dict(settings.LANGUAGES):
        return None
    return pk, language
