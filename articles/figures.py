"""The article page's sections and gallery built in Python, without per-item includes.

Byte for byte what the article template's loops gave (tests/articles/test_article_page_html.py
compares the page with golden files). Each figure is media_credits' figure_html, the one
definition of its markup (includes/figure.html calls it too), and the text goes through the
same typography filters as in templates. A page shows up to ~20 photos and sections: an
include per item cost more than the rest of the page's template.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from media_credits.templatetags.photos import figure_html
from newsroom.templatetags.scripts import typeset, typeset_html

__all__ = ["figure_html", "gallery_html", "sections_html"]

#: ``sizes`` of a figure in the gallery's grid.
GALLERY_SIZES = "(min-width: 44rem) 20rem, 100vw"


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
