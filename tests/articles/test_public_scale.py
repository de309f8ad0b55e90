"""Public pages whose cost does not grow with the archive (issue 9, "cheap reads").

No list counts the archive (no COUNT, no window over every article); pages go a bounded
depth and answer 404 past it; the sitemap is an index of pages of consecutive ids; the
front page's rubric blocks come from each rubric's newest articles alone. And what they
show stays exactly what is public.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from lxml import etree
from lxml import html as lxml_html

from articles import sitemaps, views
from articles.models import Article, article_url
from media_credits.renditions import rendition_url
from media_credits.templatetags.photos import signed_rendition_url
from tests.factories import ArticleFactory, RubricFactory, trilingual_article
from tests.photos import photo, photographer

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def hours_ago(n):
    return timezone.now() - dt.timedelta(hours=n)


def statements(client, url, status=200):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, url
    return response, [query["sql"] for query in queries.captured_queries]


def headlines(response):
    tree = lxml_html.fromstring(response.content.decode())
    return [a.text_content().strip() for a in tree.xpath("//*[contains(@class, 'headline')]/a")]


@pytest.mark.parametrize("url", ["/ru/", "/ru/?page=2", "/ru/politika/", "/ru/politika/?page=2"])
def test_lists_never_count_the_archive(client, url):
    rubric = RubricFactory(slug="politika")
    for n in range(25):
        ArticleFactory(rubric=rubric, published_at=hours_ago(n + 1))
    _response, sql = statements(client, url)
    for statement in sql:
        assert "COUNT(" not in statement.upper(), statement


def test_rubric_blocks_show_each_rubrics_newest_public_articles_only(client):
    politics = RubricFactory(slug="politika", name_ru="Политика")
    economy = RubricFactory(slug="ekonomika", name_ru="Экономика")
    shown = [
        ArticleFactory(rubric=politics, headline_ru=f"Политика {n}", published_at=hours_ago(n + 2))
        for n in range(6)
    ]
    ArticleFactory(rubric=economy, headline_ru="Экономика 0", published_at=hours_ago(30))
    # Newer than all of them, but not public in Russian or not public at all.
    ArticleFactory(
        rubric=politics, headline_ru="Черновик", published_at=hours_ago(1), status="draft"
    )
    ArticleFactory(
        rubric=politics, headline_ru="Завтра", published_at=timezone.now() + dt.timedelta(hours=5)
    )
    kazakh_only = trilingual_article(rubric=politics, published_at=hours_ago(1), released=["kk"])
    response = client.get("/ru/")
    tree = lxml_html.fromstring(response.content.decode())
    blocks = {
        block.xpath(".//h2/a")[0].text_content().strip(): [
            a.text_content().strip() for a in block.xpath(".//*[contains(@class, 'headline')]/a")
        ]
        for block in tree.xpath("//section[contains(@class, 'rubric-block')]")
    }
    assert blocks == {
        "Политика": [article.headline_ru for article in shown[: views.RUBRIC_BLOCK_SIZE]],
        "Экономика": ["Экономика 0"],
    }
    page = response.content.decode()
    for hidden in ("Черновик", "Завтра", kazakh_only.headline_ru):
        assert hidden not in page


def test_pages_go_a_bounded_depth_and_answer_404_past_the_end(client):
    now = timezone.now()
    for n in range(21):
        ArticleFactory(headline_ru=f"Новость {n:02d}", published_at=now - dt.timedelta(hours=n + 1))
    second = client.get("/ru/?page=2")
    assert headlines(second) == ["Новость 20"]
    assert 'rel="next"' not in second.content.decode()
    assert client.get("/ru/?page=3").status_code == 404
    assert client.get("/ru/?page=0").status_code == 404
    assert client.get(f"/ru/?page={views.MAX_PAGES + 1}").status_code == 404
    # A malformed number is the first page, as before.
    assert client.get("/ru/?page=abc").content == client.get("/ru/").content


def test_each_sitemap_page_lists_its_range_of_ids_and_only_what_is_public(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "ARTICLES_PER_PAGE", 2)
    public = [ArticleFactory(published_at=hours_ago(n + 1)) for n in range(5)]
    hidden = ArticleFactory(status="draft")
    ArticleFactory(published_at=timezone.now() + dt.timedelta(days=1))  # scheduled
    index = etree.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    locations = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    # Front pages, then the articles' pages up to the highest public id.
    pages = -(-max(a.pk for a in public) // 2)
    assert locations == ["http://testserver/sitemap-front.xml"] + [
        "http://testserver/sitemap-articles.xml" + (f"?p={n}" if n > 1 else "")
        for n in range(1, pages + 1)
    ]
    listed = []
    for n in range(1, pages + 1):
        response, sql = statements(client, f"/sitemap-articles.xml?p={n}")
        assert len(sql) <= 2
        for statement in sql:
            assert "COUNT(" not in statement.upper(), statement
        page = etree.fromstring(response.content)
        ids = [
            int(re.search(r"/articles/(\d+)-", loc.text).group(1))
            for loc in page.iter(f"{SITEMAP}loc")
        ]
        assert all(2 * (n - 1) < pk <= 2 * n for pk in ids), (n, ids)
        listed += ids
    assert sorted(listed) == sorted(a.pk for a in public)
    assert hidden.pk not in listed
    assert client.get(f"/sitemap-articles.xml?p={pages + 1}").status_code == 404


def test_the_sitemap_index_reads_one_row_whatever_the_archive(
    client, django_assert_max_num_queries
):
    for n in range(12):
        ArticleFactory(published_at=hours_ago(n + 1))
    with django_assert_max_num_queries(1):
        assert client.get("/sitemap.xml").status_code == 200


def test_a_sitemap_page_makes_each_articles_address_once_per_language(client, monkeypatch):
    # Sitemap._urls makes it again for every entry and alternate: 4x as many per article
    # in three languages, most of a 1,000-article page's time.
    articles = [trilingual_article(published_at=hours_ago(n + 1)) for n in range(3)]
    made = []
    original = Article.get_absolute_url

    def counted(article, language=None):
        made.append((article.pk, language or translation.get_language()))
        return original(article, language)

    monkeypatch.setattr(Article, "get_absolute_url", counted)
    page = etree.fromstring(client.get("/sitemap-articles.xml").content)
    assert sorted(made) == sorted((a.pk, code) for a in articles for code in ("ru", "kk", "en"))
    # ... and each entry still names all its languages (kk-Latn and x-default too).
    entries = page.findall(f"{SITEMAP}url")
    assert len(entries) == 3 * 4
    for entry in entries:
        hreflangs = [link.get("hreflang") for link in entry.iter("{*}link")]
        assert hreflangs == ["ru", "kk", "en", "x-default", "kk-Latn"]


def test_sitemap_xml_escapes_and_dates_as_the_w3c_format_in_the_sites_time_zone():
    utc_evening = dt.datetime(2026, 3, 1, 20, 15, 30, tzinfo=dt.UTC)
    urlset = [
        {
            "location": "https://example.kz/ru/a?x=1&y='2'",
            "lastmod": utc_evening,
            "changefreq": "daily",
            "priority": "0.5",
            "alternates": [{"location": 'https://example.kz/<kk>/"q"', "lang_code": "kk"}],
        },
        {"location": "https://example.kz/ru/", "lastmod": None, "changefreq": None,
         "priority": "", "alternates": []},
    ]  # fmt: skip
    assert sitemaps.SitemapXml().render({"urlset": urlset}) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        "<url><loc>https://example.kz/ru/a?x=1&amp;y=&#x27;2&#x27;</loc>"
        "<lastmod>2026-03-02T01:15:30+05:00</lastmod>"  # Asia/Almaty
        "<changefreq>daily</changefreq><priority>0.5</priority>"
        '<xhtml:link rel="alternate" hreflang="kk" '
        'href="https://example.kz/&lt;kk&gt;/&quot;q&quot;"/></url>'
        "<url><loc>https://example.kz/ru/</loc></url>\n</urlset>\n"
    )


def test_a_sitemap_page_is_last_modified_at_its_latest_article(client):
    ArticleFactory(published_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC))
    ArticleFactory(published_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    response = client.get("/sitemap-articles.xml")
    assert response["Last-Modified"] == "Mon, 02 Mar 2026 09:00:00 GMT"


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_article_urls_are_what_reverse_gives(language):
    article = trilingual_article()
    with translation.override(language):
        expected = reverse(
            "articles:article_detail",
            kwargs={"pk": article.pk, "slug": getattr(article, f"slug_{language}")},
        )
    assert article.get_absolute_url(language) == expected
    # A slug reverse() would quote takes reverse() itself.
    with translation.override(language):
        quoted = reverse("articles:article_detail", kwargs={"pk": 7, "slug": "odd slug é"})
    assert article_url(7, "odd slug é", language) == quoted
    assert "%20" in quoted


def test_remembered_rendition_urls_are_the_signed_ones():
    shot = photo(by=photographer("Аманкул Дюсенбаев", "Аманкула Дюсенбаева"), size=(320, 200))
    for width in settings.PHOTO_RENDITION_WIDTHS:
        for image_format in ("webp", "jpeg"):
            expected = rendition_url(shot, width=width, image_format=image_format)
            assert signed_rendition_url(shot, width, image_format) == expected
            assert signed_rendition_url(shot, width, image_format) == expected


def test_the_photographers_article_list_is_not_counted(client, editor):
    from articles import workflow

    author = photographer("Аманкул Дюсенбаев", "Аманкула Дюсенбаева")
    alt = {"alt_text_ru": "Описание", "alt_text_kk": "Сипаттама", "alt_text_en": "Description"}
    for _ in range(3):
        shot = photo(by=author, size=(320, 200), **alt)
        article = trilingual_article(
            status=Article.Status.DRAFT, published_at=None, lead_photo=shot
        )
        workflow.apply(article, "publish", user=editor)
    response, sql = statements(client, f"/ru/photographers/{author.pk}-{author.slug}/")
    for statement in sql:
        assert "COUNT(" not in statement.upper(), statement
    assert response.content.decode().count("/ru/articles/") >= 3
