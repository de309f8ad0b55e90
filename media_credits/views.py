from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from media_credits import renditions
from media_credits.models import Photo


@require_safe
def rendition(request, photo_id: int, width: int, image_format: str):
    """Redirect to the stored rendition, making it on the first request."""
    if not renditions.has_valid_signature(photo_id, width, image_format, request.GET.get("s", "")):
        raise Http404
    photo = get_object_or_404(Photo, pk=photo_id)
    try:
        made = renditions.get_rendition(photo, width=width, image_format=image_format)
    except renditions.UnknownRendition:
        raise Http404 from None
    response = HttpResponseRedirect(made.file.url)
    patch_cache_control(response, public=True, max_age=86400)
    return response
