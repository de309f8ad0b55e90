import functools
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from media_credits import renditions
from media_credits.credits import credit_line
from media_credits.models import Photo, Rendition
from newsroom.templatetags.scripts import typeset

register = template.Library()

_FORMATS = (("webp", "image/webp"), ("jpeg", "image/jpeg"))

# Signed rendition URLs depend only on the photo's id, the rendition, the secret key and
# the URLconf: kept per process (an HMAC and a reverse() cost ~50 µs, and a picture links
# up to 9). Bounded: emptied when full.
_SIGNED_URLS: dict[tuple, str] = {}
_SIGNED_URLS_MAX = 50_000
#: Pictures of lists remembered per process (see picture_html).
PICTURE_MEMO_SIZE = 4096


def attach_stored_renditions(photos) -> None:
    """Set each photo's ``stored_renditions`` in one query: ((width, format, URL, (stored
    width, stored height)), ...), ordered.

    picture_html(), the picture tag and stored_rendition() read it instead of
    ``photo.renditions``: plain rows instead of a model instance per rendition. The URLs
    are asked of the storage now, on every request (a signed object-storage URL expires).
    """
    photos = [photo for photo in photos if photo is not None]
    if not photos:
        return
    storage = Rendition._meta.get_field("file").storage
    found: dict[int, list] = {}
    rows = Rendition.objects.filter(photo_id__in={photo.pk for photo in photos}).values_list(
        "photo_id", "width_requested", "image_format", "file", "width", "height"
    )
    for photo_id, requested, image_format, name, width, height in rows:
        if name:
            found.setdefault(photo_id, []).append(
                (requested, image_format, storage.url(name), (width, height))
            )
    for photo in photos:
        photo.stored_renditions = tuple(sorted(found.get(photo.pk, ())))


def stored_rendition(photo: Photo, width: int, image_format: str) -> tuple | None:
    """(URL, (width, height)) of the photo's stored rendition, else None.

    Reads what attach_stored_renditions() set on the photo.
    """
    for requested, stored_format, url, size in photo.stored_renditions:
        if (requested, stored_format) == (width, image_format):
            return url, size
    return None


def signing_context() -> tuple:
    """What a signed rendition URL depends on besides the photo and the rendition."""
    return (settings.SECRET_KEY, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())


def signed_rendition_url(
    photo: Photo, width: int, image_format: str, *, context: tuple | None = None
) -> str:
    """renditions.rendition_url(), remembered for this process.

    ``context`` is signing_context(), when the caller links several renditions at once.
    """
    key = (photo.pk, width, image_format, *(context or signing_context()))
    url = _SIGNED_URLS.get(key)
    if url is None:
        if len(_SIGNED_URLS) >= _SIGNED_URLS_MAX:
            _SIGNED_URLS.clear()
        url = renditions.rendition_url(photo, width=width, image_format=image_format)
        _SIGNED_URLS[key] = url
    return url


@register.inclusion_tag("media_credits/picture.html")
def picture(photo: Photo, *, sizes: str = "100vw", lead: bool = False, css_class: str = ""):
    """``<picture>`` with WebP and JPEG srcsets; lazy unless it is the page's lead photo.

    Stored renditions are linked directly; missing ones through the view that makes them.
    Prefetch ``renditions`` on listing pages to keep this to no queries per photo.
    """
    return _picture_context(photo, sizes=sizes, lead=lead, css_class=css_class)


def picture_html(
    photo: Photo,
    *,
    sizes: str = "100vw",
    lead: bool = False,
    css_class: str = "",
    signing: tuple | None = None,
    language: str | None = None,
):
    """The picture tag's markup (media_credits/picture.html) built in Python, for lists.

    Byte for byte the template's output (tests/articles/test_teasers.py). Remembered per
    process by every value it shows: the stored renditions' URLs are asked of the storage
    on every call (a signed object-storage URL expires), the rest is the photo's id, size
    and alt text, the options, the signing context, the language and the widths setting.
    A list passes ``signing`` (signing_context()) and ``language`` once for all its photos.
    """
    stored = getattr(photo, "stored_renditions", None)
    if stored is None:
        stored = tuple(
            sorted(
                (r.width_requested, r.image_format, r.file.url, (r.width, r.height))
                for r in photo.renditions.all()
            )
        )
    language = language or get_language()
    # The language's own column when it has text; else the descriptor (its fallbacks).
    alt = getattr(photo, f"alt_text_{language}", None) or photo.alt_text or ""
    return _picture_markup(
        photo.pk,
        photo.width,
        photo.height,
        alt,
        sizes,
        lead,
        css_class,
        stored,
        signing or signing_context(),
        language,
        tuple(settings.PHOTO_RENDITION_WIDTHS),
    )


@functools.lru_cache(maxsize=PICTURE_MEMO_SIZE)
def _picture_markup(
    pk, width, height, alt, sizes, lead, css_class, stored, signing, language, _widths
) -> str:
    # Only the arguments reach the markup: the id and size are all the rendition URLs read
    # (a Photo instance, even unsaved, cost more than the rest of a picture).
    photo = _PhotoSize(pk, width, height)
    urls = {(w, image_format): url for w, image_format, url, _size in stored}
    context = _picture_context(
        photo, sizes=sizes, lead=lead, css_class=css_class, stored_urls=urls, signing=signing
    )
    sources = "".join(
        format_html('\n  <source type="{}" srcset="{}" sizes="{}">', s["type"], s["srcset"], sizes)
        for s in context["sources"]
    )
    with translation.override(language):
        width_text, height_text = localize(width), localize(height)
    return format_html(
        '<picture{}>{}\n  <img src="{}" width="{}" height="{}" alt="{}"{} decoding="async">'
        "\n</picture>\n",
        format_html(' class="{}"', css_class) if css_class else "",
        mark_safe(sources),  # noqa: S308 - built by format_html above
        context["src"],
        width_text,
        height_text,
        alt,
        mark_safe(' fetchpriority="high"' if lead else ' loading="lazy"'),  # noqa: S308
    )


@dataclass(frozen=True)
class _PhotoSize:
    """What _picture_context() reads of a photo for a remembered picture."""

    pk: int
    width: int
    height: int
    alt_text: str = ""


def _picture_context(
    photo: Photo,
    *,
    sizes: str,
    lead: bool,
    css_class: str,
    stored_urls: dict | None = None,
    signing: tuple | None = None,
) -> dict:
    if stored_urls is None and getattr(photo, "stored_renditions", None) is not None:
        stored_urls = {(w, fmt): url for w, fmt, url, _size in photo.stored_renditions}
    if stored_urls is None:
        stored = {(r.width_requested, r.image_format): r for r in photo.renditions.all()}
    widths = renditions.rendition_widths(photo)
    signing = signing or signing_context()

    def url(width, image_format):
        if stored_urls is not None:
            made = stored_urls.get((width, image_format))
            if made is not None:
                return made
        else:
            rendition = stored.get((width, image_format))
            if rendition is not None:
                return rendition.file.url
        return signed_rendition_url(photo, width, image_format, context=signing)

    sources = [
        {
            "type": mime,
            "srcset": ", ".join(f"{url(width, fmt)} {actual}w" for width, actual in widths),
        }
        for fmt, mime in _FORMATS
    ]
    fallback_width = next((w for w, actual in widths if actual >= 800), widths[-1][0])
    return {
        "photo": photo,
        "sources": sources,
        "src": url(fallback_width, "jpeg"),
        "sizes": sizes,
        "lead": lead,
        "css_class": css_class,
        "alt": photo.alt_text or "",
    }


#: ``sizes`` of a figure in a page's text column (includes/figure.html's default).
COLUMN_SIZES = "(min-width: 44rem) 42rem, 100vw"


@functools.lru_cache(maxsize=4096)
def _photographer_url(pk: int, slug: str, _language, _urlconf, _prefix) -> str:
    # The URL depends on the active language (i18n_patterns): it is part of the key.
    return reverse("photographers:photographer_detail", kwargs={"pk": pk, "slug": slug})


def figure_html(
    photo: Photo,
    *,
    lead: bool = False,
    css_class: str = "",
    sizes: str = COLUMN_SIZES,
    is_preview: bool = False,
) -> SafeString:
    """``<figure>``: the picture, the typeset caption, the credit (linked unless a preview).

    The markup of includes/figure.html (which calls it), built without the template engine:
    a page shows up to ~20 photos, and an include per photo cost more than the rest of the
    article page's template.
    """
    caption = photo.caption
    caption_html = (
        format_html('<span class="caption">{}</span> ', typeset(caption)) if caption else ""
    )
    credit = escape(credit_line([photo], get_language()))
    photographer = photo.photographer
    if photographer is not None and photographer.slug and not is_preview:
        url = _photographer_url(
            photographer.pk,
            photographer.slug,
            get_language(),
            get_urlconf(),
            get_script_prefix(),
        )
        credit = format_html('<a href="{}">{}</a>', url, credit)
    return format_html(
        '<figure class="photo{}">\n  {}\n  <figcaption>{}<span class="credit">{}</span>'
        "</figcaption>\n</figure>\n",
        f" {css_class}" if css_class else "",
        picture_html(photo, sizes=sizes, lead=lead),
        caption_html,
        credit,
    )


@register.simple_tag
def figure(photo: Photo, *, lead=False, css_class="", sizes="", is_preview=False) -> SafeString:
    """figure_html() for templates (includes/figure.html)."""
    return figure_html(
        photo,
        lead=bool(lead),
        css_class=css_class or "",
        sizes=sizes or COLUMN_SIZES,
        is_preview=bool(is_preview),
    )
