"""What of the articles app changes public pages, told to the page cache (newsroom.pagecache).

Every model a public page reads is watched: a committed save or delete starts a new cache
generation. Articles change public state only by the workflow and admin saves, both model
saves; search documents are derived from them (and refreshed before the bump runs). What
changes with time alone is given as due moments: a scheduled article's publication, and an
article leaving the two-day window of the news sitemap.
"""

import datetime as dt

from django.db.models import Min

from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    GalleryPhoto,
    Rubric,
    Section,
)
from articles.sitemaps import NEWS_WINDOW
from newsroom import pagecache

WATCHED = (Rubric, Author, Article, ArticleAuthor, Section, GalleryPhoto, Correction)


def next_publication(now: dt.datetime) -> dt.datetime | None:
    """When the next scheduled article (released in some language) becomes public."""
    scheduled = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gt=now
    ).public_languages_any()
    return scheduled.aggregate(first=Min("published_at"))["first"]


def next_news_expiry(now: dt.datetime) -> dt.datetime | None:
    """When the oldest article in the news sitemap's window leaves it."""
    in_window = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gt=now - NEWS_WINDOW, published_at__lte=now
    ).public_languages_any()
    oldest = in_window.aggregate(first=Min("published_at"))["first"]
    return oldest + NEWS_WINDOW if oldest else None


def connect() -> None:
    """Called from ArticlesConfig.ready(), after search.connect()."""
    for model in WATCHED:
        pagecache.watch(model)
    pagecache.register_due(next_publication)
    pagecache.register_due(next_news_expiry)
