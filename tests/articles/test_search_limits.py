"""Search limits: query length and characters (400), searches per reader address (429)."""

import pytest
from django.core.cache import cache

from tests.factories import ArticleFactory, trilingual_article, trilingual_sections
from tests.pagecache.conftest import page_cache  # noqa: F401 — the page cache on, for one test

pytestmark = pytest.mark.django_db

TOO_LONG = {
    "ru": "Запрос слишком длинный: ищутся не больше 200 символов.",
    "kk": "Сұрау тым ұзын: 200 таңбадан артық ізделмейді.",
}
TOO_MANY = {
    "ru": "Слишком много поисковых запросов с вашего адреса.",
    "kk": "Сіздің мекенжайыңыздан іздеу тым көп.",
}


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    settings.SEARCH_MAX_QUERY_LENGTH = 200
    settings.SEARCH_RATE_LIMIT = 3
    settings.SEARCH_RATE_WINDOW = 60
    settings.TRUSTED_PROXY_COUNT = 0
    cache.clear()
    yield
    cache.clear()


def search(client, query, language="ru", address="192.0.2.10", **headers):
    return client.get(
        f"/{language}/search/", {"q": query}, REMOTE_ADDR=address, headers=headers
    )


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_query_over_the_limit_is_refused_in_the_pages_language(client, language):
    ArticleFactory(
        headline_ru="Особые узы дружбы",
        headline_kk="Достықтың ерекше байланысы",
        headline_en="Special ties",
        sections=trilingual_sections(),
    )
    word = {"ru": "дружбы", "kk": "Достықтың"}[language]
    query = (word + " ") * 40  # over 200 characters; its first 200 would find the article
    response = search(client, query, language)
    html = response.content.decode()
    assert response.status_code == 400
    assert TOO_LONG[language] in html
    assert '<p class="search-error" role="alert">' in html
    assert 'maxlength="200"' in html
    assert 'class="search-results"' not in html  # nothing was searched
    assert "no-store" in response["Cache-Control"]


def test_a_query_of_exactly_the_limit_is_searched(client):
    ArticleFactory(headline_ru="Особые узы дружбы")
    query = "дружбы" + " " * 194
    assert len(query) == 200
    response = search(client, query)
    assert response.status_code == 200
    assert "Особые узы <mark>дружбы</mark>" in response.content.decode()


def test_the_limit_is_a_setting(client, settings):
    settings.SEARCH_MAX_QUERY_LENGTH = 10
    ArticleFactory(headline_ru="Особые узы дружбы")
    assert search(client, "дружбы").status_code == 200
    response = search(client, "дружбы дружбы")
    assert response.status_code == 400
    assert "не больше 10 символов" in response.content.decode()
    page = response.content.decode()
    assert page.count('maxlength="10"') == 2  # the search form and the masthead's box


@pytest.mark.parametrize("raw", ["q=%00", "q=a%00b", "q=%1B%5B31m", "q=%7F", "q=%C2%85"])
def test_nul_bytes_and_control_characters_are_refused(client, raw):
    ArticleFactory(headline_ru="a b")
    response = client.get(f"/ru/search/?{raw}", REMOTE_ADDR="192.0.2.11")
    assert response.status_code == 400
    assert "Запрос содержит символы, по которым нельзя искать." in response.content.decode()


def test_tabs_and_line_breaks_are_spaces(client):
    ArticleFactory(headline_ru="Особые узы дружбы")
    response = search(client, "узы\tдружбы\r\n")
    assert response.status_code == 200
    assert "<mark>дружбы</mark>" in response.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_an_address_over_the_rate_limit_gets_429_with_retry_after(client, language):
    trilingual_article()
    for n in range(3):
        assert search(client, f"слово{n}", language).status_code == 200
    response = search(client, "ещё", language)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert TOO_MANY[language] in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # Another reader is not limited; the form without a query does not count.
    assert search(client, "ещё", language, address="192.0.2.99").status_code == 200
    assert search(client, "", language).status_code == 200


def test_the_window_ends(client, time_machine):
    time_machine.move_to("2026-03-01 12:00:00+00:00", tick=False)
    for _ in range(3):
        assert search(client, "слово").status_code == 200
    assert search(client, "слово").status_code == 429
    time_machine.shift(61)
    assert search(client, "слово").status_code == 200


def test_behind_a_proxy_the_readers_address_counts(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(3):
        # The reader sends whatever it likes left of the proxy's entry: it changes nothing.
        forwarded = f"198.51.100.{n}, 203.0.113.5"
        assert search(client, "слово", address=proxy, x_forwarded_for=forwarded).status_code == 200
    limited = search(client, "слово", address=proxy, x_forwarded_for="203.0.113.5")
    assert limited.status_code == 429
    # Another reader behind the same proxy is not.
    other = search(client, "слово", address=proxy, x_forwarded_for="203.0.113.6")
    assert other.status_code == 200


def test_a_429_is_not_stored_by_the_page_cache_and_a_cached_page_does_not_count(
    client, settings, page_cache  # noqa: F811
):
    ArticleFactory(headline_ru="Особые узы дружбы")
    first = search(client, "дружбы")
    assert (first.status_code, first["X-Page-Cache"]) == (200, "miss")
    for _ in range(5):  # the same page again: from the cache, not counted
        again = search(client, "дружбы")
        assert (again.status_code, again["X-Page-Cache"]) == (200, "hit")
    for word in ("узы", "особые"):
        assert search(client, word).status_code == 200
    limited = search(client, "новое")
    assert limited.status_code == 429
    # The same page for another reader is searched, not the stored refusal.
    other = search(client, "новое", address="192.0.2.99")
    assert (other.status_code, other["X-Page-Cache"]) == (200, "miss")
