"""Teasers of the public lists (front page, rubric pages, day archive) built in Python.

A list shows up to ~50 teasers; through the template engine each cost ~0.5 ms (an include,
the picture tag, two date filters, typography), most of the front page's time. Here each
teaser is one format string, and its markup is remembered per process keyed by every value
it shows (headline, standfirst, address, local time and offset, rubric label and address,
the picture's markup), the language and the variant: a changed input is a new key, so a
remembered teaser cannot be stale. The markup is byte for byte what
the former template include gave (tests/articles/test_teasers.py keeps it as the
reference).
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.utils import dateformat, timezone, translation
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from media_credits.templatetags.photos import figure_html, picture_html, signing_context
from newsroom.templatetags.scripts import typeset

THUMB_SIZES = "(min-width: 44rem) 12rem, 32vw"
TOP_SIZES = "(min-width: 64rem) 62rem, 100vw"
#: Teasers remembered per process (the front page shows ~50, a rubric page 20).
MEMO_SIZE = 8192


def teaser_html(article, *, level: int = 3, compact: bool = False, hide_rubric: bool = False):
    """One teaser's markup for an article of a list.

    ``article`` comes from articles.views._teasers (``thumbnail``, ``rubric_item``).
    ``compact`` drops the thumbnail and the standfirst; ``hide_rubric`` the rubric link.
    """
    return _teaser_of(article, level, compact, hide_rubric, _Request.now())


def list_html(
    articles, *, level: int = 3, hide_rubric: bool = False, compact_from: int | None = None
) -> SafeString:
    """The ``<li>`` teaser of each article, one a line; compact from position ``compact_from``."""
    request = _Request.now()
    return list_items(
        _teaser_of(
            article,
            level,
            compact_from is not None and position >= compact_from,
            hide_rubric,
            request,
        )
        for position, article in enumerate(articles)
    )


@dataclass(frozen=True)
class _Request:
    """What every teaser of a request shares: language, time zone, rendition signing."""

    language: str
    time_zone: dt.tzinfo
    signing: tuple

    @classmethod
    def now(cls) -> "_Request":
        return cls(
            translation.get_language() or "",
            timezone.get_current_timezone(),
            signing_context(),
        )


def _text(article, field: str, language: str):
    # The language's own column when it has text; else the descriptor (its fallbacks).
    return getattr(article, f"{field}_{language}", None) or getattr(article, field)


def _teaser_of(article, level: int, compact: bool, hide_rubric: bool, request: _Request):
    language = request.language
    show_thumb = article.thumbnail is not None and not compact
    rubric = article.rubric_item if not hide_rubric else None
    local = article.published_at.astimezone(request.time_zone)  # timezone.localtime()
    return _teaser(
        language,
        level,
        show_thumb,
        compact,
        article.get_absolute_url(language),
        _text(article, "headline", language),
        _text(article, "standfirst", language) if not compact else None,
        local.replace(tzinfo=None),
        local.utcoffset(),
        (rubric.url, rubric.label.text, rubric.label.lang) if rubric is not None else None,
        picture_html(
            article.thumbnail,
            sizes=THUMB_SIZES,
            css_class="thumb",
            signing=request.signing,
            language=language,
        )
        if show_thumb
        else "",
    )


def top_story_html(article) -> SafeString:
    """The front page's top story: headline, rubric and date, lead photo, standfirst.

    Built for each request (one a page); its figure is media_credits' figure_html.
    """
    language = translation.get_language() or ""
    local = timezone.localtime(article.published_at)
    rubric = article.rubric_item
    standfirst = article.standfirst
    return format_html(
        '  <article class="top-story">\n'
        '    <h2 class="top-headline"><a href="{}">{}</a></h2>\n'
        '    <p class="meta">{}<time datetime="{}">{}</time></p>\n'
        "    {}\n"
        "    {}\n"
        "  </article>\n",
        article.get_absolute_url(),
        typeset(article.headline),
        _rubric_link(rubric.url, rubric.label.text, rubric.label.lang) if rubric else "",
        local.isoformat(),
        _date_text(local.replace(tzinfo=None), local.utcoffset(), language),
        figure_html(article.thumbnail, lead=True, css_class="top-photo", sizes=TOP_SIZES)
        if article.thumbnail is not None
        else "",
        format_html('<p class="standfirst">{}</p>', typeset(standfirst)) if standfirst else "",
    )


def _rubric_link(url: str, text: str, lang: str) -> SafeString:
    return format_html(
        '<a class="rubric" href="{}"{}>{}</a> · ',
        url,
        format_html(' lang="{}"', lang) if lang else "",
        text,
    )


@functools.lru_cache(maxsize=MEMO_SIZE)
def _date_text(local: dt.datetime, offset: dt.timedelta, language: str) -> str:
    """``|date`` of a moment in ``language`` (its DATE_FORMAT and month names)."""
    with translation.override(language):
        moment = local.replace(tzinfo=dt.timezone(offset))
        return dateformat.format(moment, get_format("DATE_FORMAT", language))


def list_items(teasers) -> SafeString:
    """The ``<li>`` of each teaser, one a line: a list's content, joined once."""
    return format_html_join("\n", "<li>{}</li>", ((teaser,) for teaser in teasers))


@functools.lru_cache(maxsize=MEMO_SIZE)
def _teaser(
    language: str,
    level: int,
    show_thumb: bool,
    compact: bool,
    url: str,
    headline,
    standfirst,
    local: dt.datetime,
    offset: dt.timedelta,
    rubric: tuple | None,
    picture: str,
) -> SafeString:
    # Only the arguments reach the markup (and the language's fixed date format).
    moment = local.replace(tzinfo=dt.timezone(offset))
    with translation.override(language):
        # Typography and month names follow the active language.
        date = dateformat.format(moment, get_format("DATE_FORMAT", language))
        headline_html = conditional_escape(typeset(headline))
        standfirst_html = (
            format_html('<p class="standfirst">{}</p>', typeset(standfirst)) if standfirst else ""
        )
    meta = (
        format_html(
            '<a class="rubric" href="{}"{}>{}</a> · ',
            rubric[0],
            format_html(' lang="{}"', rubric[2]) if rubric[2] else "",
            rubric[1],
        )
        if rubric is not None
        else ""
    )
    return format_html(
        '<article class="teaser{}">\n'
        "  {}\n"
        '  <div class="teaser-text">\n'
        '    <h{} class="teaser-headline"><a href="{}">{}</a></h{}>\n'
        '    <p class="meta">{}<time datetime="{}">{}</time></p>\n'
        "    {}\n"
        "  </div>\n"
        "</article>\n",
        mark_safe(" has-thumb") if show_thumb else "",  # noqa: S308 - a constant
        picture,
        level,
        url,
        headline_html,
        level,
        meta,
        moment.isoformat(),
        date,
        standfirst_html,
    )
