"""/sitemap.xml (an index of the front pages' and the articles' sitemaps, with hreflang)
and /sitemap-news.xml (Google News).

An article is listed once per language it is available in (ArticleQuerySet.available_in),
and its hreflang alternates name those languages only, plus x-default. The articles'
sitemap comes in pages of ARTICLES_PER_PAGE consecutive ids (/sitemap-articles.xml?p=N):
a page reads its own range of the primary key, so its cost does not grow with the
archive, and the index costs one MAX(id). A range with no public article gives an empty
page; none has more than ARTICLES_PER_PAGE x (languages + Latin) URLs, far under 50,000.

A page of 1,000 articles is some 4,000 URLs and 20,000 hreflang links (3.6 MB): each
article's addresses are made once per language (not once per entry and alternate, as
Sitemap._urls does), and the XML is written by SitemapXml, not the template engine.
"""

import datetime as dt
import functools
import html
import math
import operator

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.functional import cached_property
from django.utils.timezone import template_localtime

from articles.feeds import site_name
from articles.models import LANGUAGE_CODES, Article
from newsroom import latin_script

#: Google News lists articles published in the last two days, at most 1000 per sitemap.
NEWS_WINDOW = dt.timedelta(hours=48)
NEWS_LIMIT = 1000
#: Consecutive article ids per page of the articles' sitemap.
ARTICLES_PER_PAGE = 1000


def public_articles():
    """Articles available in at least one language: the union of available_in()."""
    return functools.reduce(
        operator.or_, (Article.objects.available_in(code) for code in LANGUAGE_CODES)
    )


def languages_of(article) -> list[str]:
    return [code for code in LANGUAGE_CODES if article.is_available_in(code)]


def x_default_language(languages: list[str]) -> str:
    """Russian where the article has it, else its first language."""
    return settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in languages else languages[0]


def _to_the_second(moment):
    """W3C datetimes without a fraction of a second (the templates write them with "c")."""
    return moment.replace(microsecond=0) if moment else moment


class FrontPageSitemap(Sitemap):
    """/<lang>/ for every language; x-default is /, which redirects by the browser's language."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "hourly"

    def items(self):
        return ["articles:front_page"]

    def location(self, name):
        return reverse(name)

    def _urls(self, page, protocol, domain):
        return latin_script.add_to_sitemap(super()._urls(page, protocol, domain))


class ArticlePages(Paginator):
    """Pages of ARTICLES_PER_PAGE consecutive ids: page N is ids ((N-1)*size, N*size].

    Counts nothing: the number of pages comes from the highest public id. Items are
    (article, language) pairs, as Sitemap.i18n expects.
    """

    def __init__(self, sitemap):
        super().__init__([], ARTICLES_PER_PAGE, allow_empty_first_page=True)
        self.sitemap = sitemap

    @cached_property
    def num_pages(self):
        highest = public_articles().aggregate(highest=Max("pk"))["highest"] or 0
        return max(1, math.ceil(highest / self.per_page))

    def page(self, number):
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        articles = self.sitemap.articles().filter(pk__gt=first, pk__lte=first + self.per_page)
        items = [(article, code) for article in articles for code in languages_of(article)]
        return self._get_page(items, number, self)


class ArticleSitemap(Sitemap):
    """One URL per article and language it is available in, in pages of ids."""

    i18n = True  # items are (article, language) pairs
    changefreq = "daily"

    def articles(self):
        return (
            public_articles()
            .order_by("pk")
            .only(
                "pk",
                "status",
                "published_at",
                "modified_at",
                *(f"slug_{code}" for code in LANGUAGE_CODES),
                *(f"released_{code}" for code in LANGUAGE_CODES),
            )
        )

    def items(self):
        return self.articles()

    @property
    def paginator(self):
        return ArticlePages(self)

    def get_latest_lastmod(self):
        # The index gives no date rather than read every article for one.
        return None

    def lastmod(self, article):
        return _to_the_second(article.modified_at or article.published_at)

    def _urls(self, page, protocol, domain):
        """Sitemap._urls' entries, each address made once (see the module's docstring)."""
        urls = []
        lastmods = []
        items = self.paginator.page(page).object_list  # (article, language) pairs
        for article in dict.fromkeys(article for article, _language in items):
            languages = languages_of(article)
            locations = {
                code: f"{protocol}://{domain}{article.get_absolute_url(code)}" for code in languages
            }
            # x-default: the article in Russian, else in its first language; never a
            # language the article is not released in.
            alternates = [
                *({"location": locations[code], "lang_code": code} for code in languages),
                {"location": locations[x_default_language(languages)], "lang_code": "x-default"},
            ]
            lastmod = self.lastmod(article)
            lastmods.append(lastmod)
            for code in languages:
                item = (article, code)
                priority = self._get("priority", item)
                urls.append(
                    {
                        "item": item,
                        "location": locations[code],
                        "lastmod": lastmod,
                        "changefreq": self._get("changefreq", item),
                        "priority": str(priority if priority is not None else ""),
                        # Each entry its own list: add_to_sitemap appends to it.
                        "alternates": list(alternates),
                    }
                )
        if lastmods and None not in lastmods:
            self.latest_lastmod = max(lastmods)
        # Every Kazakh page also in Latin script (/kk-latn/…), with its hreflang.
        return latin_script.add_to_sitemap(urls)


class NewsSitemap(Sitemap):
    """Articles published in the last 48 hours, one entry per language they are available in.

    Rendered by templates/sitemaps/news.xml with the <news:news> block of each entry.
    """

    limit = NEWS_LIMIT

    def items(self):
        articles = (
            public_articles()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .newest_first()
            .only(
                "pk",
                "status",
                "published_at",
                "modified_at",
                *(f"slug_{code}" for code in LANGUAGE_CODES),
                *(f"headline_{code}" for code in LANGUAGE_CODES),
                *(f"released_{code}" for code in LANGUAGE_CODES),
            )
        )
        return [(article, code) for article in articles for code in languages_of(article)]

    def location(self, item):
        article, language = item
        return article.get_absolute_url(language)

    def lastmod(self, item):
        article, _language = item
        return _to_the_second(article.modified_at or article.published_at)

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            article, language = url["item"]
            url["news"] = {
                "name": site_name(language),
                "language": language,
                "publication_date": _to_the_second(article.published_at),
                "title": getattr(article, f"headline_{language}") or "",
            }
        return urls


class SitemapXml:
    """The sitemaps' XML (with hreflang links), written in Python: a page has some 25,000 elements.

    Passed to the sitemap view as its template (TemplateResponse takes any object with
    render()); writes what a template would: the same elements, escaped alike,
    dates as the "c" filter gives them (ISO 8601 in the current time zone).
    """

    def render(self, context=None, request=None) -> str:
        # Each address recurs in every entry of its article, each date in its languages'.
        escaped = functools.cache(lambda text: html.escape(str(text)))  # as autoescape does
        w3c = functools.cache(lambda moment: dateformat.format(template_localtime(moment), "c"))
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        ]
        add = parts.append
        for url in (context or {}).get("urlset", ()):
            add(f"<url><loc>{escaped(url['location'])}</loc>")
            if url.get("lastmod"):
                add(f"<lastmod>{w3c(url['lastmod'])}</lastmod>")
            if url.get("changefreq"):
                add(f"<changefreq>{escaped(url['changefreq'])}</changefreq>")
            if url.get("priority"):
                add(f"<priority>{escaped(url['priority'])}</priority>")
            for alternate in url.get("alternates") or ():
                add(
                    f'<xhtml:link rel="alternate" hreflang="{escaped(alternate["lang_code"])}" '
                    f'href="{escaped(alternate["location"])}"/>'
                )
            add("</url>")
        add("\n</urlset>\n")
        return "".join(parts)


SITEMAPS = {"front": FrontPageSitemap, "articles": ArticleSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}
