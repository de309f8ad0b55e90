"""RSS per language and per rubric: /<lang>/feeds/latest.xml, /<lang>/feeds/<rubric>.xml.

Items are Article.objects.available_in(language), newest first: what the public sees in
that language and nothing else.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _

from articles.models import Article, ArticleAuthor, Rubric
from media_credits.models import Rendition
from media_credits.renditions import get_rendition, rendition_url

logger = logging.getLogger(__name__)

FEED_SIZE = 30
#: The lead photo travels as its JPEG rendition at this width.
ENCLOSURE_WIDTH = 800
ENCLOSURE_FORMAT = "jpeg"


def site_name(language: str) -> str:
    """The paper's name in ``language``: settings.SITE_NAME (a dict per language) if set."""
    configured = getattr(settings, "SITE_NAME", None)
    if isinstance(configured, dict):
        name = configured.get(language) or configured.get(settings.LANGUAGE_CODE)
        if name:
            return str(name)
    elif configured:
        return str(configured)
    with translation.override(language):
        return _("Newsroom")


def rubric_name(rubric: Rubric, language: str) -> str:
    return getattr(rubric, f"name_{language}") or rubric.name_ru or rubric.slug


def author_name(author, language: str) -> str:
    # A person's name: the Russian spelling stands in where a language has none.
    return getattr(author, f"name_{language}") or author.name_ru or ""


@dataclass(frozen=True)
class Scope:
    language: str
    request: object
    rubric: Rubric | None = None


class RssFeed(Rss201rev2Feed):
    def latest_post_date(self):
        # Django dates a feed without items "now": every render of an empty rubric's feed
        # differed (the restore drill compares renders byte for byte). No item, a fixed date.
        if not self.items:
            return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        return super().latest_post_date()


class LatestArticlesFeed(Feed):
    """The newest articles in the page's language."""

    feed_type = RssFeed

    def get_object(self, request, *args, **kwargs):
        return Scope(language=translation.get_language(), request=request)

    def title(self, scope):
        return site_name(scope.language)

    def link(self, scope):
        with translation.override(scope.language):
            return reverse("articles:front_page")

    def description(self, scope):
        return _("Latest articles")

    def articles(self, scope):
        return Article.objects.available_in(scope.language)

    def items(self, scope):
        language = scope.language
        articles = list(
            self.articles(scope)
            .newest_first()
            .select_related("rubric", "lead_photo")
            # What an item shows in its language; the lead photo's public state and file.
            .only(
                "published_at",
                "modified_at",
                "rubric_id",
                "lead_photo_id",
                f"headline_{language}",
                f"standfirst_{language}",
                f"slug_{language}",
                "rubric__slug",
                "rubric__name_ru",
                f"rubric__name_{language}",
                "lead_photo__image",
                "lead_photo__width",
                "lead_photo__height",
                "lead_photo__state",
                "lead_photo__public_from",
                "lead_photo__usage_expires_on",
            )
            .prefetch_related(
                Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")),
                Prefetch(
                    "lead_photo__renditions",
                    queryset=Rendition.objects.filter(
                        width_requested=ENCLOSURE_WIDTH, image_format=ENCLOSURE_FORMAT
                    ),
                    to_attr="feed_renditions",
                ),
            )[:FEED_SIZE]
        )
        for article in articles:
            # Each item needs the language and the request (absolute URLs); the Feed
            # instance is shared between requests, so they travel on the item.
            article.feed_language = scope.language
            article.feed_guid = scope.request.build_absolute_uri(
                _url("articles:article_detail_no_slug", scope.language, pk=article.pk)
            )
            article.feed_enclosure = _enclosure(article, scope.request)
        return articles

    def item_title(self, article):
        # Plain text, escaped once for XML (Django's default escapes it twice, which
        # readers such as feedparser then show as "&amp;").
        return getattr(article, f"headline_{article.feed_language}") or ""

    def item_description(self, article):
        return getattr(article, f"standfirst_{article.feed_language}") or ""

    def item_link(self, article):
        return article.get_absolute_url(article.feed_language)

    def item_guid(self, article):
        # The address by id: it stays the same when the slug changes.
        return article.feed_guid

    def item_guid_is_permalink(self, article):
        return True

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_at or article.published_at

    def item_author_name(self, article):
        names = [author_name(b.author, article.feed_language) for b in article.bylines.all()]
        return ", ".join(name for name in names if name) or None

    def item_categories(self, article):
        if article.rubric is None:
            return ()
        return (rubric_name(article.rubric, article.feed_language),)

    def item_enclosures(self, article):
        return [article.feed_enclosure] if article.feed_enclosure else []


class RubricFeed(LatestArticlesFeed):
    """The newest articles of one rubric in the page's language; 404 for an unknown rubric."""

    def get_object(self, request, rubric):
        return Scope(
            language=translation.get_language(),
            request=request,
            rubric=get_object_or_404(Rubric, slug=rubric),
        )

    def title(self, scope):
        return _("%(rubric)s — %(site)s") % {
            "rubric": rubric_name(scope.rubric, scope.language),
            "site": site_name(scope.language),
        }

    def description(self, scope):
        return _("Latest articles in the rubric “%(rubric)s”") % {
            "rubric": rubric_name(scope.rubric, scope.language)
        }

    def articles(self, scope):
        return super().articles(scope).filter(rubric=scope.rubric)


def _url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def _enclosure(article, request) -> Enclosure | None:
    """The lead photo's JPEG rendition, if the photo is public and usable; its true length."""
    photo = article.lead_photo
    if photo is None or not photo.is_shown_publicly():
        return None
    stored = photo.feed_renditions[0] if photo.feed_renditions else None
    try:
        rendition = stored or get_rendition(
            photo, width=ENCLOSURE_WIDTH, image_format=ENCLOSURE_FORMAT
        )
        length = rendition.file.size
    except OSError:
        # A stored row whose file is gone, or an original that cannot be read: no
        # enclosure rather than one with a wrong length.
        logger.warning("No feed enclosure for photo %s", photo.pk, exc_info=True)
        return None
    url = rendition_url(photo, width=ENCLOSURE_WIDTH, image_format=ENCLOSURE_FORMAT)
    return Enclosure(
        url=request.build_absolute_uri(url), length=str(length), mime_type="image/jpeg"
    )
