"""What the page cache answers: headers, 304s, and who and what it never serves or stores."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils.http import http_date

from articles import preview
from articles.models import Article
from newsroom import pagecache
from tests.factories import ArticleFactory, trilingual_article
from tests.pagecache.conftest import assert_cached, fetch

pytestmark = pytest.mark.django_db


def test_a_cached_page_says_how_shared_caches_may_keep_it(client, page_cache):
    article = ArticleFactory()
    page = assert_cached(client, article.get_absolute_url("ru"))
    assert page["Cache-Control"] == "public, max-age=0, s-maxage=60, stale-while-revalidate=30"
    assert page["ETag"].startswith('"') and len(page["ETag"]) == 34
    assert page.has_header("Last-Modified")
    assert "Set-Cookie" not in page.headers


def test_a_matching_etag_gets_a_304_from_the_cache_and_a_stale_one_the_page(
    client, page_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline_ru="Первая версия")
    url = article.get_absolute_url("ru")
    etag = assert_cached(client, url)["ETag"]
    with django_assert_num_queries(0):
        not_modified = fetch(client, url, if_none_match=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    with django_capture_on_commit_callbacks(execute=True):
        article.headline_ru = "Вторая версия"
        article.save()
    changed = fetch(client, url, if_none_match=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Вторая версия" in changed.content.decode()


def test_if_modified_since_gets_a_304_until_the_page_changes(client, page_cache):
    article = ArticleFactory()
    url = article.get_absolute_url("ru")
    page = assert_cached(client, url)
    answer = fetch(client, url, if_modified_since=page["Last-Modified"])
    assert answer.status_code == 304
    older = http_date(0)
    assert fetch(client, url, if_modified_since=older).status_code == 200


def test_a_conditional_request_that_misses_the_cache_gets_a_304_too(client, page_cache):
    article = ArticleFactory()
    url = article.get_absolute_url("ru")
    etag = fetch(client, url)["ETag"]
    pagecache.bump()  # a new generation: the page is rendered again
    answer = fetch(client, url, if_none_match=etag)
    assert answer.status_code == 304
    assert fetch(client, url)["X-Page-Cache"] == "hit"


def test_a_signed_in_reader_never_gets_nor_fills_the_cache(client, page_cache, editor):
    article = ArticleFactory()
    url = article.get_absolute_url("ru")
    staff = Client()
    staff.force_login(editor)
    for _ in range(2):
        answer = fetch(staff, url)
        assert answer.status_code == 200
        assert "X-Page-Cache" not in answer.headers
        assert "private" in answer["Cache-Control"]
    assert fetch(client, url)["X-Page-Cache"] == "miss"  # staff filled nothing
    assert fetch(client, url)["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in fetch(staff, url).headers  # nor reads what anonymous filled


@pytest.mark.parametrize(
    "url", ["/", "/healthz", "/admin/login/", "/admin/", "/i18n/setlang/", "/static/css/site.css"]
)
def test_pages_outside_the_public_site_are_never_cached(client, page_cache, url):
    for _ in range(2):
        answer = fetch(client, url)
        assert "X-Page-Cache" not in answer.headers, url
        assert not answer.get("Cache-Control", "").startswith("public, max-age=0, s-maxage")


def test_admin_pages_stay_private_and_unstored(client, page_cache):
    answer = fetch(client, "/admin/login/")
    assert "private" in answer["Cache-Control"]
    assert "no-store" in answer["Cache-Control"]


def test_a_preview_is_private_and_never_stored(client, page_cache):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    url = preview.preview_url(draft, "ru")
    for _ in range(2):
        answer = fetch(client, url)
        assert answer.status_code == 200
        assert "X-Page-Cache" not in answer.headers
        assert "no-store" in answer["Cache-Control"]
        assert "private" in answer["Cache-Control"]


def test_answers_that_set_a_cookie_are_not_stored(client, page_cache):
    article = ArticleFactory()
    url = f"/ru/articles/{article.pk}/typo/"
    for _ in range(2):
        answer = fetch(client, url, accept="application/json")
        assert answer.status_code == 200
        assert answer.get("X-Page-Cache") != "hit"


def test_feeds_sitemaps_and_robots_are_cached(client, page_cache):
    ArticleFactory()
    urls = ("/ru/feeds/latest.xml", "/sitemap.xml", "/sitemap-articles.xml?p=1",
            "/sitemap-news.xml", "/robots.txt")  # fmt: skip
    for url in urls:
        first = fetch(client, url)
        assert first.status_code == 200, url
        assert_cached(client, url)


def test_robots_and_sitemaps_are_kept_per_language_chosen(client, page_cache):
    fetch(client, "/robots.txt", accept_language="kk")
    assert fetch(client, "/robots.txt", accept_language="kk")["X-Page-Cache"] == "hit"
    assert fetch(client, "/robots.txt", accept_language="en")["X-Page-Cache"] == "miss"


def test_the_cache_switched_off_adds_nothing(client, settings, page_cache):
    settings.PAGE_CACHE_SECONDS = 0
    article = ArticleFactory()
    for _ in range(2):
        answer = fetch(client, article.get_absolute_url("ru"))
        assert "X-Page-Cache" not in answer.headers
        assert "ETag" not in answer.headers


def test_a_post_is_never_answered_from_the_cache(client, page_cache):
    article = ArticleFactory()
    url = article.get_absolute_url("ru")
    assert_cached(client, url)
    answer = client.post(url)
    assert answer.status_code == 405
    assert "X-Page-Cache" not in answer.headers


def test_a_latin_kazakh_page_comes_from_the_cached_kazakh_page_and_changes_with_it(
    client, page_cache, django_capture_on_commit_callbacks
):
    article = trilingual_article()
    latin = article.get_absolute_url("kk").replace("/kk/", "/kk-latn/", 1)
    assert "Qazaqşa taqyryp" in assert_cached(client, latin).content.decode()
    assert fetch(client, article.get_absolute_url("kk"))["X-Page-Cache"] == "hit"  # one entry
    with django_capture_on_commit_callbacks(execute=True):
        article.headline_kk = "Жаңа тақырып"
        article.save()
    assert "Jaña taqyryp" in fetch(client, latin).content.decode()



def test_head_of_a_cached_latin_page_gives_the_latin_page_length(client, page_cache):
    article = trilingual_article()
    latin = article.get_absolute_url("kk").replace("/kk/", "/kk-latn/", 1)
    page = assert_cached(client, latin)
    head = client.head(latin)
    assert head["X-Page-Cache"] == "hit"
    assert head["Content-Length"] == str(len(page.content))
    assert head["ETag"] == page["ETag"]

@pytest.mark.parametrize("page_cache", ["redis"], indirect=True)
def test_a_process_serves_its_own_copy_while_the_generation_stands_and_never_after(
    client, page_cache
):
    """A hit does not fetch a page this process already holds under the same generation."""
    article = ArticleFactory()
    url = article.get_absolute_url("ru")
    first = fetch(client, url)
    assert first["X-Page-Cache"] == "miss"
    cache = caches["default"]
    redis = cache._cache.get_client(write=True)
    stored = list(redis.scan_iter(cache.make_key(pagecache.PAGE_PREFIX) + "*"))
    assert len(stored) == 1
    redis.delete(*stored)  # only this process's copy is left
    again = fetch(client, url)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content

    Article.objects.filter(pk=article.pk).update(headline_ru="Новый заголовок")
    pagecache.bump()  # another server's change: only the shared generation moves
    changed = fetch(client, url)
    assert changed["X-Page-Cache"] == "miss"
    assert "Новый заголовок" in changed.content.decode()
