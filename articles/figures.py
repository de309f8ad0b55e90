"""The article page's figures and sections built in Python, without per-item includes.

Byte for byte what templates/includes/figure.html and the section loop of the article
template gave (tests/articles/test_article_page_html.py compares the page with golden
files); the picture is media_credits' picture_html, the one definition of its markup, and
the text goes through the same typography filters. A page shows up to ~20 photos and
sections: an include per item cost more than the rest of the page's template.
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from media_credits.credits import credit_line
from media_credits.templatetags.photos import picture_html
from newsroom.templatetags.scripts import typeset, typeset_html

#: ``sizes`` of a figure in the article's column.
COLUMN_SIZES = "(min-width: 44rem) 42rem, 100vw"
#: ``sizes`` of a figure in the gallery's grid.
GALLERY_SIZES = "(min-width: 44rem) 20rem, 100vw"


@functools.lru_cache(maxsize=4096)
def _photographer_url(pk: int, slug: str, _language, _urlconf, _prefix) -> str:
    # The URL depends on the active language (i18n_patterns): it is part of the key.
    return reverse("photographers:photographer_detail", kwargs={"pk": pk, "slug": slug})


def figure_html(
    photo,
    *,
    lead: bool = False,
    css_class: str = "",
    sizes: str = COLUMN_SIZES,
    is_preview: bool = False,
) -> SafeString:
    """``<figure>``: the picture, the typeset caption, the credit (linked unless a preview)."""
    caption = photo.caption
    caption_html = (
        format_html('<span class="caption">{}</span> ', typeset(caption)) if caption else ""
    )
    credit = escape(credit_line([photo], get_language()))
    photographer = photo.photographer
    if photographer is not None and photographer.slug and not is_preview:
        url = _photographer_url(
            photographer.pk, photographer.slug, get_language(), get_urlconf(), get_script_prefix()
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


def sections_html(sections, *, is_preview: bool = False) -> SafeString:
    """The article's sections, each ``(section, photo or None)``: subhead, photo, body."""
    parts = []
    for section, photo in sections:
        subhead = section.subhead
        if subhead:
            anchor = section.anchor()
            opening = format_html(
                '<section class="article-section" aria-labelledby="{}">\n      <h2 id="{}">{}</h2>',
                anchor,
                anchor,
                typeset(subhead),
            )
            closing = "</section>"
        else:
            opening, closing = '<div class="article-section">', "</div>"
        # As the template's |safe did: a missing body reads "None".
        body = typeset_html(mark_safe(str(section.body)))  # noqa: S308 - sanitised on save
        parts.append(
            f"\n    {opening}\n      {figure_html(photo, is_preview=is_preview) if photo else ''}"
            f'\n      <div class="body">{body}</div>\n    {closing}\n  '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html or escaped


def gallery_html(photos, *, is_preview: bool = False) -> SafeString:
    """The gallery's figures, one after the other."""
    return mark_safe(  # noqa: S308 - each figure built by format_html
        "".join(figure_html(photo, sizes=GALLERY_SIZES, is_preview=is_preview) for photo in photos)
    )
