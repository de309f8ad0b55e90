import logging

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from media_credits import renditions
from media_credits.models import Photo

logger = logging.getLogger(__name__)

#: A signed cookie naming the photos of a preview the browser was shown (see
#: allow_preview_photos): the holder of a preview link sees its photos too.
PREVIEW_COOKIE = "preview_photos"
_PREVIEW_SALT = "media_credits.preview_photos"


def allow_preview_photos(response, photo_ids) -> None:
    """Let the browser that receives ``response`` load these photos' renditions for a while."""
    response.set_signed_cookie(
        PREVIEW_COOKIE,
        ",".join(str(pk) for pk in sorted(set(photo_ids))),
        salt=_PREVIEW_SALT,
        max_age=settings.PREVIEW_MAX_AGE,
        path="/renditions/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _previewed(request, photo_id: int) -> bool:
    value = request.get_signed_cookie(
        PREVIEW_COOKIE, default="", salt=_PREVIEW_SALT, max_age=settings.PREVIEW_MAX_AGE
    )
    return str(photo_id) in value.split(",")


@require_safe
def rendition(request, photo_id: int, width: int, image_format: str):
    """Redirect to the stored rendition, making it on the first request."""
    if not renditions.has_valid_signature(photo_id, width, image_format, request.GET.get("s", "")):
        raise Http404
    photo = get_object_or_404(Photo, pk=photo_id)
    # A signed URL outlives the page it was on: it serves only while some public page
    # shows the photo (the article may since be unpublished or the terms expired).
    is_public = photo.is_shown_publicly()
    user = request.user
    is_staff = user.is_authenticated and user.is_staff and photo.is_visible_to(user)
    if not is_public and not is_staff and not _previewed(request, photo.pk):
        raise Http404
    try:
        made = renditions.get_rendition(photo, width=width, image_format=image_format)
    except renditions.UnknownRendition:
        raise Http404 from None
    except OSError:
        logger.exception("The original of photo %s cannot be read", photo.pk)
        raise Http404 from None
    response = HttpResponseRedirect(made.file.url)
    if is_public:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
