"""Upload requests over the request limits get the upload page with the reason, not a bare 400.

Django refuses a multipart body with more files than DATA_UPLOAD_MAX_NUMBER_FILES (or
fields over DATA_UPLOAD_MAX_MEMORY_SIZE, or a broken body) with an exception raised
wherever POST is first read, which is the CSRF check: the uploader gets Django's bare 400
page in English and loses the form. And Django has no limit on a whole request's size:
without one a single upload may fill the disk with temporary files before any check runs.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext, gettext_noop

from media_credits.models import Photo

UPLOAD_URL_NAMES = {"media_credits_photo_upload", "media_credits_photo_add"}

TOO_MANY_FILES = gettext_noop(
    "Too many files in one upload: at most %(limit)d. Upload them in smaller batches."
)
REQUEST_TOO_LARGE = gettext_noop(
    "The upload is too large: at most %(limit)d MB at once. Upload the files in smaller batches."
)
UNREADABLE = gettext_noop(
    "The upload could not be read: it was cut short, or its form sent too much text. Try again."
)


class UploadLimitsMiddleware:
    """Check a photo upload's size and file count before anything reads its body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and _is_upload(request):
            refusal = _over_limits(request)
            if refusal is not None:
                return _refused(request, *refusal)
        return self.get_response(request)


def _is_upload(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in UPLOAD_URL_NAMES


def _over_limits(request) -> tuple[str, int] | None:
    """(message, status) when the request is over a limit, else None."""
    limit = settings.PHOTO_MAX_REQUEST_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit:
        # Refused before a byte of the body is read.
        return gettext(REQUEST_TOO_LARGE) % {"limit": limit // (1024 * 1024)}, 413
    try:
        request.FILES  # noqa: B018 - parses the body once; the view reads the same objects
    except TooManyFilesSent:
        return gettext(TOO_MANY_FILES) % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES}, 413
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError):
        return gettext(UNREADABLE), 400
    return None


def _refused(request, message: str, status: int) -> HttpResponse:
    """The upload page, fresh, with the reason; a plain answer for whoever may not upload."""
    model_admin = admin.site._registry.get(Photo)
    user = getattr(request, "user", None)
    may_upload = (
        model_admin is not None
        and user is not None
        and admin.site.has_permission(request)
        and model_admin.has_add_permission(request)
    )
    if not may_upload:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    # Nothing of the refused request is used: the page is shown as on a first visit, so
    # no CSRF check is needed, and the uploader chooses the files again.
    request.method = "GET"
    messages.error(request, message)
    response = admin.site.admin_view(model_admin.upload_view)(request)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    response.status_code = status
    return response
