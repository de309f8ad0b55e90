"""Web-sized copies of photos: made by the worker after an upload, and reused.

The worker (media_credits.tasks) makes every rendition the public pages use from the
upright copy it decoded anyway, largest first, each width resized from the one before
(``make_renditions``). A rendition that is missing later (removed when a photo stopped
being public) is made on first request for its (photo, width, format) from the stored
original, which was checked and cleaned by the worker, so it is a still image within the
pixel limits. Renditions are converted to sRGB, flattened where the format has no
transparency, and written without any metadata.
"""

import functools
import logging
from io import BytesIO

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.crypto import salted_hmac
from PIL import (
    Image,
    ImageCms,
    WebPImagePlugin,  # noqa: F401 - registers the WebP writer (see below)
)

from media_credits import images
from media_credits.models import Photo, Rendition

logger = logging.getLogger(__name__)

# Saving as WebP without the plugin imported makes Pillow import every format's plugin
# (Image.init()) during the first photo a worker processes; imported here, it is once, at
# start-up, and only this one.
_SAVE_OPTIONS = {
    # method 2 encodes 2-4x faster than 3 and the default 4, for files 1-2 % larger.
    "webp": ("WEBP", "webp", {"quality": 80, "method": 2}),
    # The fallback for browsers without WebP: baseline with optimised Huffman tables
    # encodes twice as fast as progressive, at about the same size.
    "jpeg": ("JPEG", "jpg", {"quality": 82, "optimize": True}),
}
_SRGB = ImageCms.createProfile("sRGB")
_SIGNER_SALT = "media_credits.rendition"


class UnknownRendition(ValueError):
    pass


def rendition_widths(photo: Photo) -> list[tuple[int, int]]:
    """(requested width, actual width) pairs worth offering: never wider than the original."""
    pairs = []
    for width in sorted(settings.PHOTO_RENDITION_WIDTHS):
        pairs.append((width, min(width, photo.width)))
        if width >= photo.width:
            break
    return pairs


def get_rendition(photo: Photo, *, width: int, image_format: str) -> Rendition:
    """Return the stored rendition, making and storing it first if this is the first request."""
    if width not in settings.PHOTO_RENDITION_WIDTHS or image_format not in _SAVE_OPTIONS:
        raise UnknownRendition(f"no rendition {width}.{image_format}")
    if photo.state != Photo.State.READY:
        # Until the worker has cleaned it, the stored file is the upload as it came.
        raise UnknownRendition(f"photo {photo.pk} is {photo.state}")
    lookup = {"photo": photo, "width_requested": width, "image_format": image_format}
    existing = Rendition.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    content, size = make_rendition(photo, width=width, image_format=image_format)
    return store_rendition(
        photo, width=width, image_format=image_format, content=content, size=size
    )


def store_rendition(photo: Photo, *, width: int, image_format: str, content, size) -> Rendition:
    """Store an encoded rendition; if another process stored the same one first, keep theirs."""
    extension = _SAVE_OPTIONS[image_format][1]
    storage = Rendition._meta.get_field("file").storage
    # Media is served without Django: an unguessable name keeps the renditions of photos
    # that no public page shows (drafts, admin thumbnails) out of reach.
    token = salted_hmac(_SIGNER_SALT, f"{photo.pk}:{width}:{image_format}").hexdigest()[:20]
    name = storage.save(f"renditions/{photo.pk}/{photo.pk}-{width}-{token}.{extension}", content)
    lookup = {"photo": photo, "width_requested": width, "image_format": image_format}
    try:
        # Two first requests may both get here: the unique constraint lets one row win,
        # get_or_create returns it to the other, which drops its own copy of the file.
        rendition, created = Rendition.objects.get_or_create(
            **lookup, defaults={"file": name, "width": size[0], "height": size[1]}
        )
    except BaseException:
        storage.delete(name)
        raise
    if not created and rendition.file.name != name:
        # On object storage the free-name check is not atomic: both requests may have
        # written the same name, which then belongs to the winner's row.
        storage.delete(name)
    return rendition


def make_renditions(im: Image.Image, *, icc_profile: bytes | None, size: tuple[int, int], widths):
    """Encode every (requested, actual) width of ``widths`` in every format, from ``im``.

    ``im`` is the upright image, possibly already reduced; ``size`` the photo's own size,
    which fixes each rendition's height. Largest first: each width is resized from the
    previous one, so only the first resize touches the big image. Yields
    (requested width, format, ContentFile, (width, height)).
    """
    full_width, full_height = size
    im = _resizable(im)
    converted = False
    for requested, actual in sorted(widths, reverse=True):
        target = (actual, max(1, round(full_height * actual / full_width)))
        if im.size != target:
            im = im.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        if not converted:
            # Once, on the largest rendition: the smaller ones are made from it.
            im = _to_srgb(im, icc_profile)
            converted = True
        for image_format in settings.PHOTO_RENDITION_FORMATS:
            yield requested, image_format, *_encode(im, image_format)


def _encode(im: Image.Image, image_format: str):
    pillow_format, _extension, options = _SAVE_OPTIONS[image_format]
    if image_format == "jpeg" and im.mode == "RGBA":
        flat = Image.new("RGB", im.size, (255, 255, 255))
        flat.paste(im, mask=im.getchannel("A"))
        im = flat
    out = BytesIO()
    im.save(out, pillow_format, **options)
    return ContentFile(out.getvalue()), im.size


def make_rendition(photo: Photo, *, width: int, image_format: str):
    """Encode one rendition of the photo's original; returns (ContentFile, (width, height))."""
    # A file of its own from the storage: FieldFile.open() shares one handle per instance.
    source = photo.image.storage.open(photo.image.name, "rb")
    with source, Image.open(source) as im:
        # Originals are stored upright; one stored before that may still carry an EXIF
        # Orientation: reduce first, then turn the small image.
        orientation = images.exif_orientation(im) if im.format == "JPEG" else 1
        swapped = orientation in images.SWAPS_AXES
        full_width, full_height = (im.height, im.width) if swapped else im.size
        target_width = min(width, full_width)
        target = (target_width, max(1, round(full_height * target_width / full_width)))
        in_source = target[::-1] if swapped else target
        if im.format == "JPEG":
            # Decode at the smallest of 1/2, 1/4, 1/8 scale still larger than the target.
            im.draft(None, in_source)
        icc_profile = im.info.get("icc_profile")
        im = _resizable(im)
        if im.size != in_source:
            im = im.resize(in_source, Image.Resampling.LANCZOS, reducing_gap=3.0)
        im = images.upright(im, orientation)
        return _encode(_to_srgb(im, icc_profile), image_format)


def _resizable(im: Image.Image) -> Image.Image:
    """Convert modes that cannot be resized smoothly (palette, 1-bit, 16-bit)."""
    if im.mode in ("RGB", "RGBA", "L", "CMYK"):
        return im
    if im.mode in ("P", "PA", "LA", "1") or im.mode.startswith("I;16") or im.mode == "I":
        if im.mode.startswith("I"):
            # 16-bit samples scaled to 8 bits (a plain convert would clip at 255).
            return im.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        return im.convert("RGBA" if im.has_transparency_data else "RGB")
    return im.convert("RGB")


def _to_srgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """RGB or RGBA pixels in sRGB: browsers show CMYK and wide-gamut profiles badly."""
    if icc_profile and im.mode in ("RGB", "RGBA", "CMYK", "L"):
        output_mode = "RGBA" if im.mode == "RGBA" else "RGB"
        try:
            source_profile = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            return ImageCms.profileToProfile(
                im, source_profile, _SRGB, outputMode=output_mode, renderingIntent=0
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.info("Colour profile ignored for a rendition", exc_info=True)
    if im.mode in ("RGB", "RGBA"):
        return im
    return im.convert("RGBA" if im.has_transparency_data else "RGB")


def rendition_url(photo: Photo, *, width: int, image_format: str) -> str:
    """The URL that makes the rendition on first request (signed: ids cannot be guessed)."""
    signature = _signer().signature(f"{photo.pk}:{width}:{image_format}")
    path = _rendition_path(get_urlconf(), get_script_prefix()).format(
        photo_id=int(photo.pk), width=int(width), image_format=image_format
    )
    return f"{path}?s={signature}"


#: Stand-ins reversed once; no real id, width or format looks like them.
_PATH_SENTINELS = {"photo_id": 987654301, "width": 987654302, "image_format": "fmt987654303"}


@functools.lru_cache(maxsize=64)
def _rendition_path(_urlconf, _prefix) -> str:
    """The rendition view's path as a format string: reverse() once per URL configuration
    (it has no language prefix).

    A list links up to nine renditions per photo, and reverse() was most of their cost.
    """
    path = reverse("media_credits:rendition", kwargs=_PATH_SENTINELS)
    template = path.replace("{", "{{").replace("}", "}}")
    for name, value in _PATH_SENTINELS.items():
        if template.count(str(value)) != 1:
            raise ValueError(f"the rendition path does not carry {name} once: {path}")
        template = template.replace(str(value), "{" + name + "}")
    return template


def has_valid_signature(photo_id: int, width: int, image_format: str, signature: str) -> bool:
    expected = _signer().signature(f"{photo_id}:{width}:{image_format}")
    return signing.constant_time_compare(expected, signature)


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SIGNER_SALT)


def remove_renditions(photo_ids) -> int:
    """Delete the renditions of ``photo_ids``: rows now, files once the transaction commits.

    Returns how many were deleted. A photo's renditions are made again on the next request
    the rendition view allows, so this only stops serving what is already stored.
    """
    # QuerySet.delete() sends post_delete per row: Rendition's receiver deletes each file
    # after the commit, so a rolled-back run leaves every file in place.
    _total, per_model = Rendition.objects.filter(photo_id__in=list(photo_ids)).delete()
    return per_model.get(Rendition._meta.label, 0)
