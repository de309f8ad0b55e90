"""Which photos the public sees: stored on each photo (``Photo.public_from``).

The public state of articles changes only through the workflow and admin edits of
published articles; each of them calls sync() with the photos concerned, so that a
rendition URL answers "is this photo public?" from the photo's own row.
"""

from collections.abc import Iterable

from django.db.models import Min

from articles.models import Article
from media_credits.models import Photo, Rendition


def sync(photo_ids: Iterable[int]) -> None:
    """Recompute ``public_from`` for ``photo_ids``; drop the renditions of photos no longer public.

    A photo's ``public_from`` is the earliest publication time of the released articles
    that show it (due or scheduled), or NULL. Renditions are deleted (their files after the
    commit) when nothing public shows the photo any more, so no URL the public saw serves it.
    """
    photo_ids = {pk for pk in photo_ids if pk is not None}
    if not photo_ids:
        return
    for photo in Photo.objects.filter(pk__in=photo_ids).only("pk", "public_from"):
        public_from = (
            Article.objects.filter(status=Article.Status.PUBLISHED)
            .public_languages_any()
            .showing([photo.pk])
            .aggregate(first=Min("published_at"))["first"]
        )
        if public_from != photo.public_from:
            Photo.objects.filter(pk=photo.pk).update(public_from=public_from)
        if public_from is None:
            withdraw_files([photo.pk])


def withdraw_files(photo_ids: Iterable[int]) -> int:
    """Delete the renditions of ``photo_ids`` (rows now, files after the commit)."""
    deleted = 0
    for rendition in Rendition.objects.filter(photo_id__in=list(photo_ids)):
        rendition.delete()  # post_delete removes the file once the transaction commits
        deleted += 1
    return deleted


def sync_articles(article_ids: Iterable[int]) -> None:
    """sync() every photo the given articles show."""
    articles = Article.objects.filter(pk__in=list(article_ids)).prefetch_related(
        "sections", "gallery"
    )
    ids = set()
    for article in articles:
        ids.add(article.lead_photo_id)
        ids.update(s.photo_id for s in article.sections.all())
        ids.update(g.photo_id for g in article.gallery.all())
    sync(ids)
